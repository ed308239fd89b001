/**
 * A server that stalls in the middle of an append (a frozen VM, a process stopped, a partition
 * between it and the database) holds the store-wide append lock of Postgres while its transaction
 * sits idle. Every server's appends queue behind that lock, so without a bound one stalled server
 * stops every edit in the deployment from becoming durable. Plenary's sessions carry
 * `idle_in_transaction_session_timeout` = the store deadline: Postgres ends such a transaction, the
 * others go on, and the stalled server's own retry stores its entries once (issue 12). The ended
 * connection must neither crash the process nor keep its pooled connection: the postgres.js guard
 * of server/deploy/patch-postgres-driver.mjs (without it, this test crashes with a TypeError in
 * the driver's nextWrite, or the retry never gets a connection).
 * Real Postgres; the stalled server's path runs through a TCP proxy that freezes mid-transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import type { NewUpdate } from '../../server/persistence/store.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const schema = `plenary_stalled_${process.pid}_${Date.now().toString(36)}`;
const DEADLINE_MS = 1_000;
let proxy: TcpProxy;
let stalled: PlenaryStore;
let healthy: PlenaryStore;

beforeAll(async () => {
  await ensurePostgres();
  healthy = await openPostgresStore(PG_URL, { schema, timeoutMs: DEADLINE_MS });
  const target = new URL(PG_URL);
  proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  const url = new URL(PG_URL);
  url.port = String(proxy.port);
  stalled = await openPostgresStore(url.toString(), { schema, timeoutMs: DEADLINE_MS, max: 1 });
});
afterAll(async () => {
  await proxy?.resume();
  await stalled?.close();
  await healthy?.close();
  await proxy?.close();
  await dropSchemas([schema]);
});

function edits(room: string, n: number): NewUpdate[] {
  const doc = new Y.Doc();
  const out: NewUpdate[] = [];
  doc.on('update', (data: Uint8Array) => out.push({ room, data, receivedAt: Date.now(), author: 'u-ana' }));
  for (let i = 0; i < n; i++) doc.getMap('x').set(`k${i}`, i);
  doc.destroy();
  return out;
}

/** Retries an append the way the group commit does, until it lands or `withinMs` passes. */
async function appendWithin(store: PlenaryStore, batch: NewUpdate[], withinMs: number): Promise<{ ids: number[]; ms: number } | null> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    try {
      return { ids: await store.append(batch), ms: Date.now() - started };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return null;
}

describe('a server stalled mid-append', () => {
  it('does not hold every other server\'s appends: Postgres ends its idle transaction after the store deadline, and its own retry stores its entries once', async () => {
    const mine = edits('stalled-room', 2);
    // The stalled server's connection takes the append lock and then sends nothing (its insert is held).
    proxy.freezeOn('insert into');
    const first = stalled.append(mine).then(
      () => 'committed',
      (e: unknown) => (e as Error).name
    );
    expect(await first).toBe('StoreError');

    // Another server's append gets through once Postgres has ended the stalled transaction.
    const other = await appendWithin(healthy, edits('other-room', 1), 10 * DEADLINE_MS);
    expect(other).not.toBeNull();
    expect(other!.ms).toBeLessThan(5 * DEADLINE_MS);

    // The stalled transaction was rolled back, not committed later.
    await proxy.resume();
    expect((await healthy.load('stalled-room')).updates).toHaveLength(0);
    const retried = await appendWithin(stalled, mine, 10 * DEADLINE_MS);
    expect(retried).not.toBeNull();
    const stored = (await healthy.loadHistory('stalled-room')).updates;
    expect(stored.map((u) => u.id)).toEqual(retried!.ids);
    expect(stored).toHaveLength(2);
  }, 30_000);
});
