/**
 * The REST API under /api/v1: for every resource (server/api/resources.ts) list (filters, cursor
 * pagination), get, create, update and delete, on one plan, with an API key.
 *
 * Writes run through the resource's typed accessors inside `rooms.withRoom`, i.e. on the plan's
 * live document and through its normal commit path: the change is committed to the store, then
 * fanned out to everyone in the plan (here and over the bus) before the API answers. Concurrency
 * is the CRDT's; a caller that wants an optimistic check sends `If-Match` with the item's ETag
 * (a hash of the item as answered) and gets 412 when someone changed it meanwhile.
 *
 * Every write is made with an editor whose origin is ('api', key id): the store records its author
 * as `api:<key id>`, and history and time travel show it.
 */
import { createHash } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import type * as Y from 'yjs';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { readMeta } from '../../shared/doc/plan.ts';
import { isValidRoom } from '../../shared/protocol.ts';
import { HttpError } from '../http/errors.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import type { ApiAccess, ApiKey } from '../persistence/api-key-store.ts';
import type { RoomAccess } from '../retros.ts';
import { apiKeyOf } from './auth.ts';
import type { ApiKeys } from './keys.ts';
import { openApiDocument, type PlanBody } from './openapi.ts';
import { isRefusal, type Resource } from './resource.ts';
import { RESOURCES } from './resources.ts';
import { parseBody } from './validate.ts';
import { PAGE } from './paging.ts';

export const API_BASE = '/api/v1';

export type ApiDeps = {
  store: PlenaryStore;
  apiKeys: ApiKeys;
  rooms?: RoomAccess;
  now?: () => number;
  limit: MiddlewareHandler;
  body: (c: Context) => Promise<Record<string, unknown>>;
};

/** An item's version: the hash of what the API answers for it. */
export const etagOf = (item: unknown) => `"${createHash('sha256').update(JSON.stringify(item)).digest('base64url').slice(0, 22)}"`;

const Limit = v.pipe(v.string(), v.transform(Number), v.integer('limit must be a whole number'), v.minValue(1), v.maxValue(PAGE.max));

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString();

/** Filters and pagination over items in id order (stable across pages while items are added). */
export function page<T extends { id: string }>(items: T[], resource: Resource<T>, query: Record<string, string>): { items: T[]; nextCursor: string | null } {
  const limit = query.limit === undefined ? PAGE.default : parseBody(Limit, query.limit);
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const filters = Object.entries(query).filter(([name]) => name !== 'limit' && name !== 'cursor');
  for (const [name] of filters) {
    if (!resource.filters[name]) throw new HttpError(400, 'unknownFilter', `no filter ${name} on ${resource.path}; filters: ${Object.keys(resource.filters).join(', ') || 'none'}`);
  }
  const matching = items
    .filter((item) => filters.every(([name, value]) => resource.filters[name].match(item, value)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((item) => after === null || item.id > after);
  const out = matching.slice(0, limit);
  return { items: out, nextCursor: matching.length > limit ? encodeCursor(out[out.length - 1].id) : null };
}

export function mountRestApi(app: Hono, deps: ApiDeps): void {
  const { store, apiKeys, limit, body } = deps;
  const now = deps.now ?? Date.now;

  app.get(`${API_BASE}/openapi.json`, (c) => c.json(openApiDocument()));

  /** The plan named in the path, the caller's key for it, and the plan's live document. */
  async function inPlan<T>(c: Context, access: ApiAccess, fn: (doc: Y.Doc, editor: Editor, key: ApiKey) => T): Promise<T> {
    const plan = c.req.param('plan') ?? '';
    if (!isValidRoom(plan)) throw new HttpError(400, 'badRequest', 'invalid plan name');
    const key = await apiKeyOf(apiKeys, c, plan, access);
    const info = await store.getRoom(plan);
    if (!info || info.kind !== 'plan') throw new HttpError(404, 'unknownRoom', `no plan called ${plan}`);
    if (!deps.rooms) throw new HttpError(503, 'unavailable', 'the REST API needs a running sync server');
    const editor = createEditor(key.id, 'api', now);
    return deps.rooms.withRoom(plan, (doc) => fn(doc, editor, key));
  }

  app.get(`${API_BASE}/plans/:plan`, async (c) => {
    const meta = await inPlan(c, 'read', (doc) => readMeta(doc));
    const answer: v.InferOutput<typeof PlanBody> = { id: c.req.param('plan'), name: meta.name, description: meta.description, timeZone: meta.timeZone, workingDays: meta.workingDays, estimateUnit: meta.estimateUnit };
    return c.json(answer);
  });

  for (const resource of RESOURCES) {
    const base = `${API_BASE}/plans/:plan/${resource.path}`;
    const missing = (id: string) => new HttpError(404, 'notFound', `no ${resource.title} ${id} in this plan`);
    const refused = (reason: string) => new HttpError(422, 'refused', reason);
    /** 412 unless If-Match names the item's current version (or `*`). */
    const checkIfMatch = (c: Context, current: unknown) => {
      const wanted = c.req.header('if-match');
      if (wanted === undefined || wanted.trim() === '*') return;
      const tags = wanted.split(',').map((t) => t.trim().replace(/^W\//, ''));
      if (!tags.includes(etagOf(current))) throw new HttpError(412, 'preconditionFailed', `the ${resource.title} changed since that version`, { etag: etagOf(current) });
    };

    app.get(base, async (c) => c.json(await inPlan(c, 'read', (doc) => page(resource.list(doc), resource, c.req.query()))));

    app.get(`${base}/:id`, async (c) => {
      const id = c.req.param('id');
      const item = await inPlan(c, 'read', (doc) => resource.get(doc, id));
      if (!item) throw missing(id);
      return c.json(item, 200, { etag: etagOf(item) });
    });

    app.post(base, limit, async (c) => {
      const input = parseBody(resource.create, await body(c));
      const item = await inPlan(c, 'write', (doc, editor) => {
        const id = resource.add(doc, editor, input);
        if (isRefusal(id)) throw refused(id.refused);
        return resource.get(doc, id)!;
      });
      return c.json(item, 201, { etag: etagOf(item), location: `${API_BASE}/plans/${c.req.param('plan')}/${resource.path}/${item.id}` });
    });

    app.patch(`${base}/:id`, limit, async (c) => {
      const id = c.req.param('id');
      const input = parseBody(resource.update, await body(c));
      const item = await inPlan(c, 'write', (doc, editor) => {
        const before = resource.get(doc, id);
        if (!before) throw missing(id);
        checkIfMatch(c, before);
        const done = resource.change(doc, editor, id, input);
        if (isRefusal(done)) throw refused(done.refused);
        if (!done) throw missing(id);
        return resource.get(doc, id)!;
      });
      return c.json(item, 200, { etag: etagOf(item) });
    });

    app.delete(`${base}/:id`, async (c) => {
      const id = c.req.param('id');
      await inPlan(c, 'write', (doc, editor) => {
        const before = resource.get(doc, id);
        if (!before) throw missing(id);
        checkIfMatch(c, before);
        resource.remove(doc, editor, id);
      });
      return c.body(null, 204);
    });
  }
}
