/**
 * "Online" and "last seen" over long-lived sockets, across servers (server/sync/online.ts): two
 * servers on one Postgres store with a Redis bus, heartbeats shortened to 200 ms and last-seen
 * writes to at most one per 600 ms per person.
 *
 * - A person connected to server B is online in server A's People list within a second, and
 *   offline there within a second of closing (not after the awareness timeout).
 * - While the socket stays open, lastSeenAt keeps moving (the heartbeat), but never more often than
 *   the throttle allows, in batched writes; after the close it stays put.
 * - A server that vanishes without a word is forgotten after three heartbeats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisBus } from '../../server/fanout/redis.ts';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { createPlanRoom } from '../../server/plans.ts';
import type { PlenaryServer } from '../../server/server.ts';
import { accept, api, invite, peopleOnOneLink } from '../helpers/access.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { tokenFor } from '../helpers/server.ts';
import { ensurePostgres, ensureRedis, REDIS_URL } from '../helpers/services.ts';
import { serversOnPostgres, type ServersOnPostgres } from '../helpers/servers-on-postgres.ts';

const HEARTBEAT_MS = 200;
const LAST_SEEN_MS = 600;
const clients: TestClient[] = [];
let servers: PlenaryServer[] = [];
let stores: PlenaryStore[] = [];
let running: ServersOnPostgres | undefined;

beforeAll(async () => {
  await ensurePostgres();
  await ensureRedis();
  running = await serversOnPostgres(2, {
    name: 'online',
    env: { HEARTBEAT_MS: String(HEARTBEAT_MS), LAST_SEEN_MS: String(LAST_SEEN_MS) },
    bus: () => openRedisBus(REDIS_URL, `plenary-online-test-${process.pid}:`)
  });
  servers = running.servers;
  stores = running.handles;
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await running?.close();
});

const base = (s: PlenaryServer) => `http://127.0.0.1:${s.port}`;
const wsBase = (s: PlenaryServer) => `ws://127.0.0.1:${s.port}/sync`;

async function personOn(s: PlenaryServer, room: string, admin: string, id: string): Promise<{ online: boolean; lastSeenAt: number }> {
  const r = await api(base(s), 'GET', `/api/plans/${room}/people`, admin);
  expect(r.status).toBe(200);
  return r.json.people.find((p: { id: string }) => p.id === id);
}

describe('online and last seen across servers', () => {
  it('online on the other server within a second, last seen moving while connected, throttled and batched', async () => {
    const [a, b] = servers;
    const room = await createPlanRoom(a.store, { name: 'Online' }, 'test');
    const admin = tokenFor(a.secret)(`${room}/*`, 'admin', 'Admin', 86_400);
    const { people: [ana, bo] } = await peopleOnOneLink(base(a), room, admin, 'editor', ['Ana', 'Bo']);
    expect((await personOn(a, room, admin, ana.person.id)).online).toBe(false);

    // Count B's batched last-seen writes (the real Postgres write still happens).
    const writes: string[][] = [];
    const touch = stores[1].touchPeople.bind(stores[1]);
    stores[1].touchPeople = (ids, at) => {
      writes.push([...ids]);
      return touch(ids, at);
    };

    const client = connectClient(wsBase(b), room, ana.token);
    const client2 = connectClient(wsBase(b), room, bo.token);
    clients.push(client, client2);
    await waitForSync(client);
    await waitForSync(client2);
    const started = Date.now();
    await waitFor(async () => (await personOn(a, room, admin, ana.person.id)).online, 'Ana online on server A', 2_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitFor(async () => (await personOn(a, room, admin, bo.person.id)).online, 'Bo online on server A', 1_000);

    // The socket stays open: the heartbeat keeps lastSeenAt moving.
    const first = (await personOn(a, room, admin, ana.person.id)).lastSeenAt;
    await new Promise((r) => setTimeout(r, 2_000));
    const later = (await personOn(a, room, admin, ana.person.id)).lastSeenAt;
    expect(later - first).toBeGreaterThanOrEqual(LAST_SEEN_MS);
    // ~10 heartbeats in 2 s, but at most one write per person per 600 ms, both people in one batch.
    const anaWrites = writes.filter((w) => w.includes(ana.person.id)).length;
    expect(anaWrites).toBeGreaterThanOrEqual(2);
    expect(anaWrites).toBeLessThanOrEqual(Math.ceil(2_000 / LAST_SEEN_MS) + 1);
    expect(writes.some((w) => w.includes(ana.person.id) && w.includes(bo.person.id))).toBe(true);

    // Closing: offline on A within a second, last seen set at the close and not moving after.
    client.destroy();
    const closed = Date.now();
    await waitFor(async () => !(await personOn(a, room, admin, ana.person.id)).online, 'Ana offline on server A', 2_000);
    expect(Date.now() - closed).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 300));
    const atClose = (await personOn(a, room, admin, ana.person.id)).lastSeenAt;
    expect(atClose).toBeGreaterThanOrEqual(closed - HEARTBEAT_MS);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await personOn(a, room, admin, ana.person.id)).lastSeenAt).toBe(atClose);
    // Bo, still connected, is still online.
    expect((await personOn(a, room, admin, bo.person.id)).online).toBe(true);
  });

  it('a server that stops talking is forgotten after three heartbeats', async () => {
    const [a] = servers;
    const room = await createPlanRoom(a.store, { name: 'Ghost' }, 'test');
    const admin = tokenFor(a.secret)(`${room}/*`, 'admin', 'Admin', 86_400);
    const { code } = await invite(base(a), room, admin, { role: 'editor' });
    const gus = await accept(base(a), code, 'Gus');
    // A list from a server that then goes silent (as if it crashed).
    const bus = await openRedisBus(REDIS_URL, `plenary-online-test-${process.pid}:`);
    await bus.publishAccess({ server: 'ghost-server', personIds: [], online: [gus.person.id] });
    await waitFor(async () => (await personOn(a, room, admin, gus.person.id)).online, 'Gus online through the ghost', 2_000);
    const heard = Date.now();
    await waitFor(async () => !(await personOn(a, room, admin, gus.person.id)).online, 'the ghost forgotten', 3_000);
    expect(Date.now() - heard).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS);
    await bus.close();
  });
});
