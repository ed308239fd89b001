/**
 * The Redis bus going away and coming back, with a real redis-server of the test's own (killed
 * with SIGKILL, started again on the same port) and two Plenary servers on one Postgres schema.
 * While Redis is away each server serves its own clients; when it is back every room is
 * resubscribed and repaired from the store without anyone typing, and the metrics show the outage.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { createPlanRoom } from '../../server/plans.ts';
import { startPlenary, type PlenaryServer } from '../../server/server.ts';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { metricValue } from '../helpers/raw.ts';
import { privateRedis, type PrivateRedis } from '../helpers/redis-server.ts';
import { tempDataDir, tokenFor } from '../helpers/server.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';

const SECRET = 'redis-outage-test-secret-0123456789';
const OUTAGE_MS = 10_000;
const schemas: string[] = [];
let cleanup: (() => Promise<void>)[] = [];

/** Plenary servers started as main.ts would (BUS from the config), each with its own store handle. */
async function servers(n: number, redis: PrivateRedis): Promise<{ store: PlenaryStore; servers: PlenaryServer[] }> {
  const schema = `plenary_redis_outage_${process.pid}_${schemas.length}_${Date.now().toString(36)}`;
  schemas.push(schema);
  const store = await openPostgresStore(PG_URL, { schema });
  cleanup.push(() => store.close());
  const dataDir = tempDataDir();
  const list: PlenaryServer[] = [];
  for (let i = 0; i < n; i++) {
    const own = await openPostgresStore(PG_URL, { schema });
    const config = readConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, PLENARY_SECRET: SECRET, BUS: redis.url, ROOM_IDLE_MS: '500' });
    const s = await startPlenary(config, { store: own, log: createLogger('warn') });
    list.push(s);
    cleanup.push(async () => {
      await s.close();
      await own.close();
    });
  }
  return { store, servers: list };
}

function clientOn(server: PlenaryServer, room: string, name: string): TestClient {
  const c = connectClient(`ws://127.0.0.1:${server.port}/sync`, room, tokenFor(SECRET)(room, 'editor', name));
  cleanup.push(async () => c.destroy());
  return c;
}

const url = (s: PlenaryServer) => `http://127.0.0.1:${s.port}`;
const busUp = (s: PlenaryServer) => metricValue(url(s), 'plenary_bus_up');
const titles = (c: TestClient) => new Set(cards.list(c.doc).map((card) => card.title));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(ensurePostgres);
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
  cleanup = [];
});
afterAll(() => dropSchemas(schemas));

describe('Redis outages', () => {
  it('Redis killed for 10 s under edits on two servers: each serves its own clients, then every room converges without a keystroke', async () => {
    const redis = await privateRedis();
    await redis.start();
    cleanup.push(() => redis.kill());
    const { store, servers: [s0, s1] } = await servers(2, redis);
    const room = await createPlanRoom(store, { name: 'Outage' }, 'test');
    const a = clientOn(s0, room, 'Ana');
    const b = clientOn(s1, room, 'Bo');
    await Promise.all([waitForSync(a), waitForSync(b)]);
    addCard(a.doc, createEditor('ana'), { title: 'before', status: 'todo', rank: 'a' });
    await waitFor(() => titles(b).has('before'), 'an edit crosses before the outage');
    expect(await redis.subscribers(`plenary:room:${room}`)).toBe(2);

    await redis.kill();
    await waitFor(async () => (await busUp(s0)) === 0 && (await busUp(s1)) === 0, 'both servers report the bus down');
    // A plan opened during the outage, on both servers: it loads from the store and syncs (no 4503).
    const late = await createPlanRoom(store, { name: 'Opened during the outage' }, 'test');
    const c = clientOn(s0, late, 'Cy');
    const d = clientOn(s1, late, 'Di');
    await Promise.all([waitForSync(c, 5_000), waitForSync(d, 5_000)]);
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < OUTAGE_MS) {
      addCard(a.doc, createEditor('ana'), { title: `a${i}`, status: 'todo', rank: 'a' });
      addCard(b.doc, createEditor('bo'), { title: `b${i}`, status: 'todo', rank: 'b' });
      addCard(c.doc, createEditor('cy'), { title: `c${i}`, status: 'todo', rank: 'c' });
      addCard(d.doc, createEditor('di'), { title: `d${i}`, status: 'todo', rank: 'd' });
      i++;
      await sleep(250);
    }
    // Nothing crossed while Redis was away (the outage was real), yet each server kept its own.
    expect(titles(a).has('b0')).toBe(false);
    expect(titles(b).has('a0')).toBe(false);
    const written = i;

    await redis.start();
    // Nobody types from here on: the reconnect alone must resubscribe and repair.
    const all = (prefixes: string[]) => prefixes.flatMap((p) => Array.from({ length: written }, (_, k) => `${p}${k}`));
    const want1 = ['before', ...all(['a', 'b'])];
    const want2 = all(['c', 'd']);
    const has = (cl: TestClient, want: string[]) => ((t) => want.every((w) => t.has(w)))(titles(cl));
    await waitFor(() => has(a, want1) && has(b, want1) && has(c, want2) && has(d, want2), 'every replica has every outage edit', 10_000);
    expect(cards.list(a.doc).length).toBe(1 + 2 * written);
    expect(await redis.subscribers(`plenary:room:${room}`)).toBe(2);
    expect(await redis.subscribers(`plenary:room:${late}`)).toBe(2);
    for (const s of [s0, s1]) {
      expect(await busUp(s)).toBe(1);
      expect(await metricValue(url(s), 'plenary_bus_reconnects_total')).toBe(1);
      expect(await metricValue(url(s), 'plenary_bus_repairs_total')).toBeGreaterThanOrEqual(2);
    }
    // And the bus carries edits again, both ways, in both rooms.
    addCard(b.doc, createEditor('bo'), { title: 'after-b', status: 'todo', rank: 'b' });
    addCard(c.doc, createEditor('cy'), { title: 'after-c', status: 'todo', rank: 'c' });
    await waitFor(() => titles(a).has('after-b') && titles(d).has('after-c'), 'edits cross again after the outage', 3_000);
  }, 60_000);

  it('servers started while Redis is down start, serve their own clients, and join the bus when it comes', async () => {
    const redis = await privateRedis(); // not started: nothing listens on its port
    cleanup.push(() => redis.kill());
    const { store, servers: [s0, s1] } = await servers(2, redis);
    expect(await busUp(s0)).toBe(0);
    const room = await createPlanRoom(store, { name: 'Started alone' }, 'test');
    const a = clientOn(s0, room, 'Ana');
    const b = clientOn(s1, room, 'Bo');
    await Promise.all([waitForSync(a, 5_000), waitForSync(b, 5_000)]);
    addCard(a.doc, createEditor('ana'), { title: 'alone-a', status: 'todo', rank: 'a' });
    addCard(b.doc, createEditor('bo'), { title: 'alone-b', status: 'todo', rank: 'b' });
    await waitFor(async () => (await store.load(room)).updates.length === 3, 'both edits committed by their own servers');
    expect(titles(a).has('alone-b')).toBe(false);

    await redis.start();
    await waitFor(() => titles(a).has('alone-b') && titles(b).has('alone-a'), 'repaired once the bus came', 10_000);
    await waitFor(async () => (await busUp(s0)) === 1 && (await busUp(s1)) === 1, 'both report the bus up');
    expect(await redis.subscribers(`plenary:room:${room}`)).toBe(2);
    // The first connection is not an outage ending.
    expect(await metricValue(url(s0), 'plenary_bus_reconnects_total')).toBe(0);
    addCard(a.doc, createEditor('ana'), { title: 'joined', status: 'todo', rank: 'a' });
    await waitFor(() => titles(b).has('joined'), 'edits cross once joined', 3_000);
  }, 40_000);
});
