/** HTTP routes: health, Prometheus metrics, the plan API, and the built client (SPA fallback). */
import { Hono } from 'hono';
import { clientFiles } from './client-files.ts';
import { bodyLimit } from 'hono/body-limit';
import { isValidRoom, jsonBounds, LIMITS, scopeCovers } from '../../shared/protocol.ts';
import { JsonBoundsError, parseBoundedJson } from '../../shared/bounded-json.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import type { People } from '../auth/people.ts';
import { issueSession } from '../auth/sessions.ts';
import { mountAccessApi } from './access-api.ts';
import { mountSignIn } from './sign-in.ts';
import type { OidcClient } from '../auth/oidc.ts';
import type { Logger } from '../observability/logger.ts';
import { mountSessionApi } from './session-api.ts';
import { mountHistoryApi } from './history-api.ts';
import type { RebuildRate } from '../history/rebuild-limit.ts';
import { createPlanRoom } from '../plans.ts';
import { createRetroRoom, RetroError, type RoomAccess } from '../retros.ts';
import { readRetroInit } from '../../shared/retro/templates.ts';
import { authenticate, bearer } from './access.ts';
import { errorResponse, HttpError } from './errors.ts';
import type { Health } from './health.ts';
import { planMetrics, readMetricsQuery } from './metrics-api.ts';
import type * as Y from 'yjs';
import { ApiKeys } from '../api/keys.ts';
import { mountKeyApi } from '../api/key-api.ts';
import { mountRestApi } from '../api/routes.ts';
import { mountWebhookApi } from '../api/webhook-api.ts';
import type { IncomingMessage } from 'node:http';

export type AppDeps = {
  secret: string;
  store: PlenaryStore;
  metrics: Metrics;
  /** Personal sessions resolved through the access registry. */
  people: People;
  /** Whether a person has a live socket on this server (the People panel's "online"). */
  online?: (personId: string) => boolean;
  clientDir: string;
  stats: () => { rooms: number; sockets: number };
  /** Store and bus health for /healthz (http/health.ts); absent = always ok. */
  health?: () => Promise<Health>;
  /** The server's rooms, for routes that change a document through its normal commit path. */
  rooms?: RoomAccess;
  /** The live document of a resident room (undefined when not loaded), for read-only routes. */
  resident?: (room: string) => Y.Doc | undefined;
  /** Sign-in through the organisation's identity provider; null or absent = off. */
  oidc?: OidcClient | null;
  /** PUBLIC_URL, for the OIDC redirect URL. */
  publicUrl?: string | null;
  log?: Logger;
  /** Whether another sync socket from this address fits under the cap (the upgrade's 429). */
  admitsAddress?: (address: string) => boolean;
  /** The server's clock (injected in tests, like the rooms'). */
  now?: () => number;
  /** API keys for the REST API (issue 16); absent = resolved without a bus. */
  apiKeys?: ApiKeys;
  /** Per-person limit on rebuilding past moments (history-api.ts); null or absent = none. */
  rebuildRate?: RebuildRate | null;
};

/** The client's address as the upgrade sees it (`req.socket.remoteAddress`), when served by Node. */
const remoteAddress = (env: unknown): string | undefined => (env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;

/**
 * Request bodies are limited before they are read (per route, below): a body over the limit is
 * answered 413 without buffering it. What is read is parsed within the same JSON bounds as a
 * client's frames (depth, keys, string length).
 */
export const BODY_LIMITS = { small: 16 * 1024, retro: 64 * 1024 } as const;

export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, 'bodyTooLarge', `request body over ${maxSize} bytes`);
    }
  });
}

export async function body(c: { req: { text: () => Promise<string> } }): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = parseBoundedJson(await c.req.text(), jsonBounds(LIMITS));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof JsonBoundsError) throw new HttpError(400, 'badRequest', `body ${err.message}`);
    throw new HttpError(400, 'badRequest', 'expected a JSON object body');
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new HttpError(400, 'badRequest', 'expected a JSON object body');
}

export function createApp(deps: AppDeps): Hono {
  const { secret, store, metrics } = deps;
  const app = new Hono();
  const token = (c: { req: { header: (n: string) => string | undefined; query: (n: string) => string | undefined } }) =>
    bearer(c.req.header('authorization'), c.req.query('token'));

  app.onError((err, c) => errorResponse(c, err));

  app.get('/healthz', async (c) => {
    if (!deps.health) return c.json({ ok: true, ...deps.stats() });
    const health = await deps.health();
    return c.json(health, health.ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));

  // With ?room=, also answers whether that room exists and the token grants it (403/404), and whether
  // this address is over its socket cap (429): a browser
  // cannot read the HTTP status of a refused WebSocket upgrade, so the client asks here.
  app.get('/api/session', async (c) => {
    const room = c.req.query('room');
    if (room !== undefined && !isValidRoom(room)) throw new HttpError(400, 'badRoom', 'invalid room name');
    const claims = await authenticate(deps, token(c), room ?? null);
    if (room !== undefined && !(await store.getRoom(room))) throw new HttpError(404, 'unknownRoom', `no room called ${room}`);
    // The upgrade's own 429, said where the browser can read it (the client retries with backoff).
    const address = remoteAddress(c.env);
    if (room !== undefined && address !== undefined && deps.admitsAddress && !deps.admitsAddress(address)) {
      throw new HttpError(429, 'tooManyConnectionsFromAddress', 'too many open connections from this address');
    }
    return c.json({ user: { id: claims.sub, name: claims.name }, room: claims.room, role: claims.role, exp: claims.exp, ...(claims.sid ? { personal: true } : {}) });
  });

  app.post('/api/plans', limitBody(BODY_LIMITS.small), async (c) => {
    const claims = await authenticate(deps, token(c), null, ['admin']);
    const b = await body(c);
    const name = typeof b.name === 'string' ? b.name.trim().slice(0, 120) : '';
    if (!name) throw new HttpError(400, 'badRequest', 'a plan needs a name');
    const timeZone = typeof b.timeZone === 'string' ? b.timeZone : undefined;
    if (timeZone) {
      try {
        new Intl.DateTimeFormat('en', { timeZone });
      } catch {
        throw new HttpError(400, 'badRequest', `unknown time zone: ${timeZone}`);
      }
    }
    const room = await createPlanRoom(store, { name, timeZone }, claims.sub);
    // The creator becomes the plan's first person: a personal admin session, no longer than theirs.
    const scope = scopeCovers(claims.room, `${room}/retro`) ? `${room}/*` : room;
    const { token: t, person, exp } = await issueSession(store, secret, {
      plan: room,
      scope,
      name: claims.name.slice(0, 80) || 'Admin',
      role: 'admin',
      invitationId: null,
      until: claims.exp * 1000
    });
    return c.json({ room, token: t, url: `/p/${room}?token=${t}`, person: { id: person.id, name: person.name, role: person.role, memberId: null }, exp }, 201);
  });

  mountAccessApi(app, { ...deps, sso: deps.oidc != null, limit: limitBody(BODY_LIMITS.small), body });
  mountSignIn(app, { ...deps, oidc: deps.oidc ?? null, publicUrl: deps.publicUrl ?? null });
  mountSessionApi(app, deps);
  mountHistoryApi(app, { ...deps, limit: limitBody(BODY_LIMITS.small), body });

  // A retro for a plan: facilitators and admins whose token covers the plan. The server links it
  // from the plan document itself (server/retros.ts), so the answer means "created and linked".
  app.post('/api/plans/:room/retros', limitBody(BODY_LIMITS.retro), async (c) => {
    const room = c.req.param('room');
    if (!isValidRoom(room)) throw new HttpError(400, 'badRequest', 'invalid room name');
    const claims = await authenticate(deps, token(c), room, ['facilitator', 'admin']);
    const init = readRetroInit(await body(c));
    if (typeof init === 'string') throw new HttpError(400, 'badRequest', init);
    if (!deps.rooms) throw new HttpError(503, 'unavailable', 'retros need a running sync server');
    try {
      const { room: retro } = await createRetroRoom(store, room, init, claims.sub, deps.rooms);
      return c.json({ room: retro, url: `/p/${retro}` }, 201);
    } catch (err) {
      if (err instanceof RetroError) throw new HttpError(err.status, err.status === 404 ? 'unknownRoom' : 'badRequest', err.message);
      throw err;
    }
  });

  // Every metric of a plan, for any role the token grants on it (shared/METRICS.md).
  app.get('/api/plans/:room/metrics', async (c) => {
    const room = c.req.param('room');
    if (!isValidRoom(room)) throw new HttpError(400, 'badRequest', 'invalid room name');
    await authenticate(deps, token(c), room);
    const query = readMetricsQuery(c.req.query('unit'), c.req.queries('by'));
    if (typeof query === 'string') throw new HttpError(400, 'badRequest', query);
    const report = await planMetrics({ store, resident: deps.resident }, room, query);
    if (!report) throw new HttpError(404, 'unknownRoom', `no plan called ${room}`);
    return c.json(report, 200, { 'cache-control': 'no-store' });
  });

  // REST API and API keys (issue 16): server/api/.
  const apiKeys = deps.apiKeys ?? new ApiKeys(store, deps.now);
  mountKeyApi(app, { ...deps, apiKeys, limit: limitBody(BODY_LIMITS.small), body });
  mountRestApi(app, { ...deps, apiKeys, limit: limitBody(BODY_LIMITS.small), body });
  mountWebhookApi(app, { ...deps, limit: limitBody(BODY_LIMITS.small), body });

  app.all('/api/*', () => {
    throw new HttpError(404, 'notFound', 'no such API route');
  });

  // The built client: assets by path, every other GET answered by the SPA shell; compressed and
  // with cache headers (http/client-files.ts).
  const files = clientFiles(deps.clientDir);
  app.get('*', async (c) => {
    const asset = await files.serve(c, c.req.path);
    if (asset) return asset;
    // A missing build file is a 404, never the HTML shell (a stale chunk must fail as a script).
    if (c.req.path.startsWith('/_app/')) return c.text('not found', 404);
    const shell = await files.serve(c, '/index.html');
    return shell ?? c.text('Plenary client is not built: run `npm run build`.', 503);
  });
  return app;
}
