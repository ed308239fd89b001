/**
 * Managing API keys (issue 16), for an admin of a plan with their session: make one (the secret is
 * in this one answer only), list them, revoke one. A key's scope is the plan, or the plan and its
 * retros when asked for and the admin's own scope covers them; nothing widens itself.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { isValidRoom, scopeCovers } from '../../shared/protocol.ts';
import type { People } from '../auth/people.ts';
import type { Claims } from '../auth/token.ts';
import { authenticate, bearer } from '../http/access.ts';
import { HttpError } from '../http/errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import { API_ACCESS } from '../persistence/api-key-store.ts';
import { hashSecret, newKeySecret, type ApiKeys } from './keys.ts';
import { parseBody } from './validate.ts';

export type KeyApiDeps = {
  secret: string;
  store: PlenaryStore;
  metrics: Metrics;
  people: People;
  apiKeys: ApiKeys;
  now?: () => number;
  limit: MiddlewareHandler;
  body: (c: Context) => Promise<Record<string, unknown>>;
};

export const NewKeyBody = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'a key needs a name'), v.maxLength(80)),
  access: v.picklist(API_ACCESS, 'access must be read or write'),
  /** Also the plan's retros (only when the admin's own scope covers them). */
  retros: v.optional(v.boolean(), false),
  /** A service key belongs to no person and keeps working when its maker's access ends. */
  service: v.optional(v.boolean(), false)
});

export function mountKeyApi(app: Hono, deps: KeyApiDeps): void {
  const { store, apiKeys, limit, body } = deps;
  const now = deps.now ?? Date.now;

  async function adminOf(c: Context): Promise<{ room: string; claims: Claims }> {
    const room = c.req.param('room') ?? '';
    if (!isValidRoom(room)) throw new HttpError(400, 'badRequest', 'invalid room name');
    const claims = await authenticate(deps, bearer(c.req.header('authorization'), c.req.query('token')), room, ['admin']);
    const info = await store.getRoom(room);
    if (!info || info.kind !== 'plan') throw new HttpError(404, 'unknownRoom', `no plan called ${room}`);
    return { room, claims };
  }

  app.post('/api/plans/:room/api-keys', limit, async (c) => {
    const { room, claims } = await adminOf(c);
    const input = parseBody(NewKeyBody, await body(c));
    if (input.retros && !scopeCovers(claims.room, `${room}/retro`)) throw new HttpError(403, 'widening', 'your own access does not cover this plan’s retros');
    const { id, secret } = newKeySecret();
    const key = await store.createApiKey({
      id,
      secretHash: hashSecret(secret),
      plan: room,
      scope: input.retros ? `${room}/*` : room,
      access: input.access,
      name: input.name,
      personId: input.service ? null : (claims.sid ? claims.sub : null),
      createdBy: claims.sub,
      createdAt: now()
    });
    await store.addAudit({ plan: room, at: now(), actor: claims.sub, actorName: claims.name, action: 'apiKeyCreated', subject: key.id, detail: { name: key.name, access: key.access, scope: key.scope, service: key.personId === null } });
    return c.json({ key, secret }, 201);
  });

  app.get('/api/plans/:room/api-keys', async (c) => {
    const { room } = await adminOf(c);
    return c.json({ keys: await store.listApiKeys(room) });
  });

  app.delete('/api/plans/:room/api-keys/:id', async (c) => {
    const { room, claims } = await adminOf(c);
    const before = await store.getApiKey(c.req.param('id'));
    if (!before || before.plan !== room) throw new HttpError(404, 'unknownApiKey', 'no such API key in this plan');
    const key = await apiKeys.revoke(before.id);
    if (before.revokedAt === null) await store.addAudit({ plan: room, at: now(), actor: claims.sub, actorName: claims.name, action: 'apiKeyRevoked', subject: before.id, detail: { name: before.name } });
    return c.json({ key });
  });
}
