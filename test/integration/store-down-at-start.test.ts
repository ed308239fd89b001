/**
 * A server started while Postgres is down (issue 12) does not exit: it listens, /healthz answers 503
 * naming the store (so a balancer keeps it out), it retries with backoff, and once the database is
 * reachable it serves: /healthz 200, a plan opens and an edit is stored. Real Postgres behind a TCP
 * proxy that refuses connections until the test lets them through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanRoom } from '../../server/plans.ts';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { spawnServer, tokenFor, type SpawnedServer } from '../helpers/server.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const SECRET = 'store-down-at-start-secret-0123456789';
const schema = `plenary_down_start_${process.pid}_${Date.now().toString(36)}`;
let proxy: TcpProxy;
let server: SpawnedServer;
let direct: PlenaryStore | undefined;
let client: TestClient | undefined;

beforeAll(async () => {
  await ensurePostgres();
  const target = new URL(PG_URL);
  proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  await proxy.refuse();
});
afterAll(async () => {
  client?.destroy();
  await server?.kill('SIGKILL');
  await proxy?.close();
  await direct?.close();
  await dropSchemas([schema]);
});

describe('store down at start', () => {
  it('starts, says the store is down, and serves once Postgres is reachable', async () => {
    const url = new URL(PG_URL);
    url.port = String(proxy.port);
    server = await spawnServer({ env: { STORE: url.toString(), STORE_SCHEMA: schema, PLENARY_SECRET: SECRET, STORE_TIMEOUT_MS: '1000' }, anyHealth: true });
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { store: { ok: boolean; error?: string } }).store).toMatchObject({ ok: false, error: expect.any(String) });
    await new Promise((r) => setTimeout(r, 1_500)); // a few retries while still down
    expect(server.child.exitCode).toBeNull();

    await proxy.resume();
    await waitFor(async () => (await fetch(`${server.url}/healthz`)).ok || null, '/healthz 200 once the store is reachable', 15_000);
    direct = await openPostgresStore(PG_URL, { schema });
    const room = await createPlanRoom(direct, { name: 'Late store' }, 'test');
    client = connectClient(server.wsUrl, room, tokenFor(SECRET)(room, 'editor', 'Ana'), { ack: true });
    await waitForSync(client);
    addCard(client.doc, createEditor('u-ana'), { title: 'Saved after all', status: 'todo', rank: 'a' });
    await waitFor(async () => {
      const loaded = await direct!.load(room);
      return loaded.updates.length > 0 || loaded.checkpoint !== null || null;
    }, 'the edit is stored');
    expect(cards.list(client.doc).map((c) => c.title)).toContain('Saved after all');
  });
});
