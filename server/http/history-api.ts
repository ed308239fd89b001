/**
 * Time travel over HTTP (issue 14), access-checked like the plan itself: any role the token grants
 * on the plan may read its history; naming a moment needs editor or above.
 *
 * - GET  /api/plans/:room/history[?bucket=hour|day] → the plan's life (created, earliest moment
 *   that can be rebuilt, now), activity per bucket with authors, and the named versions.
 * - GET  /api/plans/:room/at?t=<ms>[&from=<ms>] → the encoded Yjs state at t (application/
 *   octet-stream), rebuilt from the store (server/history/rebuild.ts); t is clamped to now, and a t
 *   before the retained history is 409 `beforeHistory`. With `from` < t, only the changes received
 *   in (from, t], to apply on top of the state at `from` (answered with `x-plenary-from`).
 * - GET  /api/plans/:room/compare?from=<ms>&to=<ms> → what changed between the two moments
 *   (shared/history/compare.ts), each change with who (user id and, for people, their name) and when.
 * - POST /api/plans/:room/versions {name, at?} → names a moment (default now) in the store.
 *
 * Rebuilds (/at, and /compare, which costs two) are limited per person (history/rebuild-limit.ts):
 * over the limit is 429 `tooManyRebuilds`.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import * as Y from 'yjs';
import { isValidRoom, type Role } from '../../shared/protocol.ts';
import { raidHistories } from '../../shared/doc/raid.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { sprints } from '../../shared/doc/sprints.ts';
import { comparePlans, countChanges } from '../../shared/history/compare.ts';
import type { People } from '../auth/people.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import { readRoomDoc } from '../plans.ts';
import { BUCKETS, defaultBucket, toBuckets, type BucketSize } from '../history/activity.ts';
import { earliestMoment } from '../history/range.ts';
import { changesBetween, stateAt } from '../history/rebuild.ts';
import { createRebuildLimiter, type RebuildRate } from '../history/rebuild-limit.ts';
import { allVersions, readVersionName, VERSION_NAME_MAX } from '../history/versions.ts';
import { authenticate, bearer } from './access.ts';
import { HttpError } from './errors.ts';

export type HistoryApiDeps = {
  secret: string;
  store: PlenaryStore;
  metrics: Metrics;
  people: People;
  resident?: (room: string) => Y.Doc | undefined;
  now?: () => number;
  limit: MiddlewareHandler;
  body: (c: Context) => Promise<Record<string, unknown>>;
  /** Per-person limit on rebuilds; null or absent = none. */
  rebuildRate?: RebuildRate | null;
};

/** A query parameter that must be a moment in ms since the epoch; NaN when it is not one. */
function readMoment(raw: string | undefined): number {
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
}

/** The plan at a moment as a plain snapshot plus the RAID logs compare reads who from. */
async function planAt(store: PlenaryStore, room: string, at: number) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await stateAt(store, room, at)).state);
  const out = { snap: snapshot(doc), raid: raidHistories(doc) };
  doc.destroy();
  return out;
}

const EDITORS: Role[] = ['editor', 'facilitator', 'admin'];

export function mountHistoryApi(app: Hono, deps: HistoryApiDeps): void {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const token = (c: Context) => bearer(c.req.header('authorization'), c.req.query('token'));
  const limiter = deps.rebuildRate ? createRebuildLimiter(deps.rebuildRate) : null;
  /** Takes `cost` rebuilds from the session's person (never from anything in the request). */
  function spendRebuilds(person: string, cost: number) {
    if (limiter && !limiter.take(person, cost)) throw new HttpError(429, 'tooManyRebuilds', 'too many past moments rebuilt at once: wait a moment and try again');
  }

  /** The plan named by the route, after the access check; 404 for anything that is not a plan. */
  async function plan(c: Context, roles?: Role[]) {
    const room = c.req.param('room') ?? '';
    if (!isValidRoom(room)) throw new HttpError(400, 'badRequest', 'invalid room name');
    const claims = await authenticate(deps, token(c), room, roles);
    const info = await store.getRoom(room);
    if (!info || info.kind !== 'plan') throw new HttpError(404, 'unknownRoom', `no plan called ${room}`);
    return { room, info, claims };
  }

  const earliestOf = async (room: string, createdAt: number) => earliestMoment(await store.historyIndex(room), createdAt);

  app.get('/api/plans/:room/history', async (c) => {
    const { room, info } = await plan(c);
    const asked = c.req.query('bucket');
    if (asked !== undefined && !(asked in BUCKETS)) throw new HttpError(400, 'badRequest', 'bucket must be hour or day');
    const t = now();
    const earliest = await earliestOf(room, info.createdAt);
    const bucket = (asked as BucketSize | undefined) ?? defaultBucket(info.createdAt, t);
    const [rows, named, people, planSprints] = await Promise.all([
      store.activity(room, BUCKETS[bucket]),
      store.listVersions(room),
      store.listPeople(room),
      readRoomDoc(store, deps.resident, room, (doc) => sprints.list(doc))
    ]);
    // Authors are user ids from sessions; personal ones resolve to the person's current name.
    const names = new Map(people.map((p) => [p.id, p.name]));
    const buckets = toBuckets(rows).map((b) => ({ ...b, authors: b.authors.map((a) => ({ ...a, name: names.get(a.id) ?? null })) }));
    const versions = allVersions(named, planSprints).map((v) => ({ ...v, available: v.at >= earliest && v.at <= t }));
    return c.json({ room, createdAt: info.createdAt, earliest, now: t, bucket, bucketMs: BUCKETS[bucket], buckets, versions }, 200, {
      'cache-control': 'no-store'
    });
  });

  app.get('/api/plans/:room/at', async (c) => {
    const { room, info, claims } = await plan(c);
    spendRebuilds(claims.sub, 1);
    const asked = readMoment(c.req.query('t'));
    if (!Number.isSafeInteger(asked)) throw new HttpError(400, 'badRequest', 't must be a time in ms since the epoch');
    const at = Math.min(asked, now());
    const earliest = await earliestOf(room, info.createdAt);
    if (at < earliest) throw new HttpError(409, 'beforeHistory', `history of ${room} starts at ${new Date(earliest).toISOString()}`);
    // With `from` (a moment the client already shows), only what changed since: much less to send
    // and to apply than the whole state when scrubbing forward.
    const fromRaw = c.req.query('from');
    const from = fromRaw === undefined ? null : readMoment(fromRaw);
    if (from !== null && !(Number.isSafeInteger(from) && from >= earliest && from < at)) {
      throw new HttpError(400, 'badRequest', 'from must be a moment in ms inside the history and before t');
    }
    const built = from === null ? await stateAt(store, room, at) : await changesBetween(store, room, from, at);
    return c.body(built.state as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
      'x-plenary-at': String(at),
      ...(from === null ? {} : { 'x-plenary-from': String(from) }),
      'x-plenary-replayed': String(built.entries),
      'cache-control': 'no-store'
    });
  });

  app.get('/api/plans/:room/compare', async (c) => {
    const { room, info, claims } = await plan(c);
    spendRebuilds(claims.sub, 2);
    const t = now();
    const [from, to] = [readMoment(c.req.query('from')), Math.min(readMoment(c.req.query('to')), t)];
    const earliest = await earliestOf(room, info.createdAt);
    if (!(from >= earliest && from <= to)) throw new HttpError(400, 'badRequest', 'from and to must be moments in ms inside the history, from before to');
    const [before, after, people] = await Promise.all([planAt(store, room, from), planAt(store, room, to), store.listPeople(room)]);
    const changes = comparePlans(before.snap, after.snap, { from, to }, { raid: after.raid });
    const names = new Map(people.map((p) => [p.id, p.name]));
    return c.json(
      { room, from, to, counts: countChanges(changes), changes: changes.map((ch) => ({ ...ch, name: ch.by === null ? null : (names.get(ch.by) ?? null) })) },
      200,
      { 'cache-control': 'no-store' }
    );
  });

  app.post('/api/plans/:room/versions', deps.limit, async (c) => {
    const { room, info, claims } = await plan(c, EDITORS);
    const b = await deps.body(c);
    const name = readVersionName(b.name);
    if (!name) throw new HttpError(400, 'badRequest', `a version needs a name of 1 to ${VERSION_NAME_MAX} characters`);
    const t = now();
    const at = b.at === undefined ? t : b.at;
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at > t || at < info.createdAt) {
      throw new HttpError(400, 'badRequest', 'at must be a moment in ms between the plan’s creation and now');
    }
    const v = await store.addVersion({ room, name, at, createdBy: claims.sub, createdAt: t });
    return c.json({ id: v.id, kind: 'named', name: v.name, at: v.at, by: v.createdBy }, 201);
  });
}
