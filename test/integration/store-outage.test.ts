/**
 * Postgres going away under a server, through a TCP proxy the test controls (the shared Postgres
 * is never touched): frozen (connections open, no bytes) and refusing connections for 10 s. Every
 * store call has a deadline (STORE_TIMEOUT_MS); edits are held, not acknowledged and not shown to
 * anyone, the clients are told (a `store` notice: held / saved), /healthz answers 503 for the
 * store, and when the database returns everything held is committed and acknowledged within
 * about a second, on the same sockets.
 */
import type * as decoding from 'lib0/decoding';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { createPlanRoom } from '../../server/plans.ts';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { isStoreNotice, MESSAGE_ACK, MESSAGE_PRIVATE, readAckBody, readPrivateBody, STORE_NOTICE } from '../../shared/protocol.ts';
import * as Y from 'yjs';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { metricValue } from '../helpers/raw.ts';
import { tokenFor } from '../helpers/server.ts';
import { serverBehindProxy } from '../helpers/proxied-store.ts';
import type { PlenaryServer } from '../../server/server.ts';
import { ensurePostgres } from '../helpers/services.ts';

const SECRET = 'store-outage-test-secret-0123456789';
let cleanup: (() => Promise<void>)[] = [];

type Watched = TestClient & { acks: number; notices: string[]; closes: number[] };

async function behindProxy() {
  const p = await serverBehindProxy(SECRET);
  cleanup.push(() => p.stop());
  return p;
}

/** A Plenary-style client (ack=1) that counts acks, store notices and closes. */
function watchedClient(server: PlenaryServer, room: string, name: string): Watched {
  const c = connectClient(`ws://127.0.0.1:${server.port}/sync`, room, tokenFor(SECRET)(room, 'editor', name), { ack: true });
  const w = Object.assign(c, { acks: 0, notices: [] as string[], closes: [] as number[] });
  c.provider.messageHandlers[MESSAGE_ACK] = (_e: unknown, d: decoding.Decoder) => {
    readAckBody(d);
    w.acks++;
  };
  c.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => {
    const body = readPrivateBody(d);
    if (body?.extension === STORE_NOTICE && isStoreNotice(body.payload)) w.notices.push(body.payload.state);
  };
  c.provider.on('connection-close', (event: { code: number } | null) => w.closes.push(event?.code ?? 0));
  cleanup.push(async () => c.destroy());
  return w;
}

const healthOf = async (s: PlenaryServer) => {
  const res = await fetch(`http://127.0.0.1:${s.port}/healthz`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; store: { ok: boolean }; bus: unknown } };
};
const titles = (doc: Y.Doc) => new Set(cards.list(doc).map((c) => c.title));
const storedTitles = async (store: PlenaryStore, room: string) => {
  const loaded = await store.load(room);
  const doc = new Y.Doc();
  if (loaded.checkpoint) Y.applyUpdate(doc, loaded.checkpoint.data);
  for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
  const t = titles(doc);
  doc.destroy();
  return t;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(ensurePostgres);
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
  cleanup = [];
});

describe('store outages', () => {
  for (const outage of ['frozen', 'refusing'] as const) {
    it(`Postgres ${outage} for 10 s: edits held and not acked, clients told, /healthz 503; all committed and acked on the same sockets when it returns`, async () => {
      const { server, proxy, direct } = await behindProxy();
      const room = await createPlanRoom(direct, { name: `Store ${outage}` }, 'test');
      const a = watchedClient(server, room, 'Ana');
      const b = watchedClient(server, room, 'Bo');
      await Promise.all([waitForSync(a), waitForSync(b)]);
      addCard(a.doc, createEditor('ana'), { title: 'before', status: 'todo', rank: 'a' });
      await waitFor(() => a.acks >= 1 && titles(b.doc).has('before'), 'the first edit acked and fanned out').catch((e) => { throw new Error(e.message + JSON.stringify({ acks: a.acks, b: [...titles(b.doc)], a: [...titles(a.doc)] })); });
      // Acks so far (a client's own state sent at sync is acknowledged too): none may come while held.
      const acked = [a.acks, b.acks];
      expect((await healthOf(server)).status).toBe(200);

      if (outage === 'frozen') proxy.freeze();
      else await proxy.refuse();
      const started = Date.now();
      let i = 0;
      addCard(a.doc, createEditor('ana'), { title: `held ${i++}`, status: 'todo', rank: 'a' });
      await waitFor(() => a.notices.includes('held') && b.notices.includes('held'), 'both clients told their edits are held', 5_000);
      const health = await healthOf(server);
      expect(health.status).toBe(503);
      expect(health.body.store.ok).toBe(false);
      expect(health.body.bus).toBeNull();
      expect(await metricValue(`http://127.0.0.1:${server.port}`, 'plenary_store_held_rooms')).toBe(1);
      while (Date.now() - started < 10_000) {
        addCard((i % 2 ? b : a).doc, createEditor(i % 2 ? 'bo' : 'ana'), { title: `held ${i++}`, status: 'todo', rank: 'a' });
        await sleep(500);
      }
      // Nothing acknowledged, nothing shown to the other client, nothing closed: held.
      expect([a.acks, b.acks]).toEqual(acked);
      expect(titles(b.doc).has('held 0')).toBe(false);
      expect([...a.closes, ...b.closes]).toEqual([]);

      const back = Date.now();
      await proxy.resume();
      const want = Array.from({ length: i }, (_, k) => `held ${k}`);
      await waitFor(() => a.notices.at(-1) === 'saved' && b.acks > acked[1] && want.every((t) => titles(a.doc).has(t) && titles(b.doc).has(t)), 'everything held committed, fanned out and acked', 10_000);
      const recoveredMs = Date.now() - back;
      expect(recoveredMs).toBeLessThan(3_000);
      const stored = await storedTitles(direct, room);
      expect(want.every((t) => stored.has(t))).toBe(true);
      expect([...a.closes, ...b.closes]).toEqual([]);
      await waitFor(async () => (await healthOf(server)).status === 200, '/healthz ok again', 5_000);
      // And the room goes on normally.
      addCard(b.doc, createEditor('bo'), { title: 'after', status: 'todo', rank: 'b' });
      await waitFor(() => titles(a.doc).has('after'), 'an edit after the outage crosses at once', 2_000);
      console.log(JSON.stringify({ outage, edits: i, recoveredMs }));
    }, 40_000);
  }
});
