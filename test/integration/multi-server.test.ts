/**
 * Several servers on one store: Postgres as the shared store, Redis (or an in-process bus) for
 * fan-out. A room open on two servers converges, and a message lost on the bus is repaired from
 * the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import type { BusMessage, FanoutBus } from '../../server/fanout/bus.ts';
import { createLocalBus } from '../../server/fanout/local.ts';
import { openRedisBus } from '../../server/fanout/redis.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import type { DocStore } from '../../server/persistence/store.ts';
import { createPlanRoom } from '../../server/plans.ts';
import { startPlenary, type PlenaryServer } from '../../server/server.ts';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { tempDataDir, tokenFor } from '../helpers/server.ts';
import { dropSchemas, ensurePostgres, ensureRedis, PG_URL, REDIS_URL } from '../helpers/services.ts';

const schemas: string[] = [];
const toClose: (() => Promise<void>)[] = [];
const clients: TestClient[] = [];

async function twoServers(bus: () => Promise<FanoutBus>, n = 2): Promise<{ store: DocStore; servers: PlenaryServer[] }> {
  const schema = `plenary_multi_${process.pid}_${schemas.length}_${Date.now().toString(36)}`;
  schemas.push(schema);
  const store = await openPostgresStore(PG_URL, { schema });
  const dataDir = tempDataDir();
  const servers: PlenaryServer[] = [];
  for (let i = 0; i < n; i++) {
    const b = await bus();
    // Each server gets its own store handle, as separate processes would.
    const own = await openPostgresStore(PG_URL, { schema });
    const s = await startPlenary(readConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, PLENARY_SECRET: 'multi-server-test-secret-0123456789' }), {
      store: own,
      bus: b,
      log: createLogger('warn')
    });
    servers.push(s);
    toClose.push(async () => {
      await s.close();
      await own.close();
      await b.close();
    });
  }
  toClose.push(() => store.close());
  return { store, servers };
}

function clientOn(server: PlenaryServer, room: string, name: string): TestClient {
  const c = connectClient(`ws://127.0.0.1:${server.port}/sync`, room, tokenFor(server.secret)(room, 'editor', name));
  clients.push(c);
  return c;
}

beforeAll(async () => {
  await ensurePostgres();
  await ensureRedis();
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  for (const close of toClose.reverse()) await close();
  await dropSchemas(schemas);
});

describe('several servers', () => {
  it('a room open on two servers (Postgres store, Redis bus) converges both ways', async () => {
    const { store, servers } = await twoServers(() => openRedisBus(REDIS_URL, `plenary-test-${process.pid}:`));
    const room = await createPlanRoom(store, { name: 'Two servers' }, 'test');
    const a = clientOn(servers[0], room, 'Ana');
    const b = clientOn(servers[1], room, 'Bo');
    await Promise.all([waitForSync(a), waitForSync(b)]);
    for (let i = 0; i < 10; i++) {
      addCard(a.doc, createEditor('ana'), { title: `from A ${i}`, status: 'todo', rank: 'a' });
      addCard(b.doc, createEditor('bo'), { title: `from B ${i}`, status: 'todo', rank: 'b' });
    }
    await waitFor(() => cards.list(a.doc).length === 20 && cards.list(b.doc).length === 20, 'both see 20 cards');
    // Stored once, by the server that received each edit: 1 creation + 20 cards.
    await waitFor(async () => (await store.load(room)).updates.length === 21, 'each edit stored once');
  });

  it('a message lost on the bus is repaired from the store', async () => {
    const shared = createLocalBus();
    let drop = 1;
    const lossy = async (): Promise<FanoutBus> => ({
      ...shared,
      name: 'lossy',
      async publish(r: string, m: BusMessage) {
        if (m.seq === 2 && drop-- > 0) return; // the second publish of one server never arrives
        return shared.publish(r, m);
      },
      close: async () => {}
    });
    const { store, servers } = await twoServers(lossy);
    const room = await createPlanRoom(store, { name: 'Lossy' }, 'test');
    const a = clientOn(servers[0], room, 'Ana');
    const b = clientOn(servers[1], room, 'Bo');
    await Promise.all([waitForSync(a), waitForSync(b)]);
    for (let i = 0; i < 5; i++) {
      addCard(a.doc, createEditor('ana'), { title: `A${i}`, status: 'todo', rank: 'a' });
      await waitFor(async () => (await store.load(room)).updates.length === 2 + i, `A${i} committed`);
    }
    await waitFor(() => cards.list(b.doc).length === 5, 'B has all five, including the dropped one');
    expect(drop).toBe(0);
  });

  it('what a server committed but never published (it died first) reaches a server that has the plan open, once a later update builds on it', async () => {
    const shared = createLocalBus();
    let made = 0;
    // Server 0 commits, but none of its updates reach the bus: each time it dies before publishing.
    const bus = async (): Promise<FanoutBus> => {
      const me = made++;
      return { ...shared, name: 'lossy', publish: async (r: string, m: BusMessage) => (me === 0 && m.seq > 0 ? undefined : shared.publish(r, m)), close: async () => {} };
    };
    const { store, servers } = await twoServers(bus, 3);
    const room = await createPlanRoom(store, { name: 'Died before publishing' }, 'test');
    const ana = clientOn(servers[0], room, 'Ana');
    const cy = clientOn(servers[2], room, 'Cy');
    await Promise.all([waitForSync(ana), waitForSync(cy)]);
    const stored = async () => (await store.load(room)).updates.length;
    const base = await stored();
    addCard(ana.doc, createEditor('ana'), { title: 'A1', status: 'todo', rank: 'a' });
    addCard(ana.doc, createEditor('ana'), { title: 'A2', status: 'todo', rank: 'b' });
    await waitFor(async () => (await stored()) >= base + 1 || null, 'A1 and A2 committed by server 0');
    await waitFor(() => cards.list(ana.doc).length === 2, 'Ana has both');
    expect(cards.list(cy.doc)).toHaveLength(0);
    // Server 0 is gone; Ana's client comes back on server 1, which opens the plan from the store
    // (A1 and A2 in it), so her client has nothing to send it but what she does next.
    ana.provider.destroy();
    const back = new WebsocketProvider(`ws://127.0.0.1:${servers[1].port}/sync`, room, ana.doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: tokenFor(servers[1].secret)(room, 'editor', 'Ana') },
      disableBc: true
    });
    toClose.push(async () => back.destroy());
    await waitFor(() => back.synced || null, 'Ana synced on server 1');
    addCard(ana.doc, createEditor('ana'), { title: 'A3', status: 'todo', rank: 'c' });
    // A3 builds on A1 and A2 (one client's clock), which server 2 never got from the bus.
    await waitFor(() => cards.list(cy.doc).length === 3 || null, 'Cy (server 2) has A1, A2 and A3', 10_000);
    expect(cards.list(cy.doc).map((c) => c.title).sort()).toEqual(['A1', 'A2', 'A3']);
  });
});
