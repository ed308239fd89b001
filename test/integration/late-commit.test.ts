/**
 * An append whose deadline passed while the database was frozen, but that committed when it came
 * back, then retried by the server (as the group commit retries held edits): stored once, not twice
 * (issue 12). Real Postgres behind a TCP proxy the test freezes (test/helpers/tcp-proxy.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { StoreError, type NewUpdate } from '../../server/persistence/store.ts';
import { waitFor } from '../helpers/clients.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const schema = `plenary_late_${process.pid}_${Date.now().toString(36)}`;
let proxy: TcpProxy;
let proxied: PlenaryStore;
let direct: PlenaryStore;

beforeAll(async () => {
  await ensurePostgres();
  direct = await openPostgresStore(PG_URL, { schema });
  const target = new URL(PG_URL);
  proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  const url = new URL(PG_URL);
  url.port = String(proxy.port);
  proxied = await openPostgresStore(url.toString(), { schema, timeoutMs: 500, max: 2 });
});
afterAll(async () => {
  await proxy?.resume();
  await proxied?.close();
  await direct?.close();
  await proxy?.close();
  await dropSchemas([schema]);
});

function edits(n: number): NewUpdate[] {
  const doc = new Y.Doc();
  const out: NewUpdate[] = [];
  doc.on('update', (data: Uint8Array) => out.push({ room: 'late', data, receivedAt: Date.now(), author: 'u-ana' }));
  for (let i = 0; i < n; i++) doc.getMap('x').set(`k${i}`, i);
  return out;
}

describe('late commit', () => {
  it('an append past its deadline that lands later is not stored twice by the retry', async () => {
    const batch = edits(3);
    const [first] = await proxied.append(edits(1).map((u) => ({ ...u, room: 'warm' }))); // connections open
    expect(first).toBeGreaterThan(0);
    proxy.freeze();
    const err = await proxied.append(batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('timeout');
    await proxy.resume();
    // The first try's transaction commits now that its bytes get through.
    await waitFor(async () => (await direct.load('late')).updates.length === 3 || null, 'the late commit landed');
    const retried = await proxied.append(batch);
    const stored = (await direct.loadHistory('late')).updates;
    expect(stored).toHaveLength(3);
    expect(retried).toEqual(stored.map((u) => u.id));
    // A different edit by the same author, or the same bytes in another room, is a new entry.
    await proxied.append([...edits(1), { ...batch[0], room: 'elsewhere' }]);
    expect((await direct.loadHistory('late')).updates).toHaveLength(4);
    expect((await direct.loadHistory('elsewhere')).updates).toHaveLength(1);
  });
});
