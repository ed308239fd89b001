/**
 * Three Plenary servers behind a real HAProxy (round-robin, no sticky sessions) on one Postgres
 * schema and one Redis: clients land on different servers through the balancer. Redis killed for
 * 10 s: nothing is drained, every replica converges when it is back. Postgres frozen under one
 * server: the balancer drains it, its clients are held and saved after. One server stalled
 * (SIGSTOP): drained, the others keep acknowledging, nothing lost after. One server cut off from
 * Redis alone: it serves its own clients, and the plan converges when it is back. One server killed with
 * SIGKILL under continuous edits: its clients reconnect through the balancer to the others, and
 * nothing any client had acknowledged is lost; every replica converges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createPlanRoom } from '../../server/plans.ts';
import { cards } from '../../shared/doc/cards.ts';
import { waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { metricValue } from '../helpers/raw.ts';
import { ensurePostgres } from '../helpers/services.ts';
import { ackedWriter, startTopology, type Topology } from '../helpers/topology.ts';

let topology: Topology;
const clients: TestClient[] = [];

beforeAll(async () => {
  await ensurePostgres();
  topology = await startTopology(3);
}, 60_000);
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await topology?.stop();
});

function balancedClient(room: string, name: string) {
  const c = ackedWriter(topology, room, name);
  clients.push(c);
  return c;
}

const titles = (doc: Y.Doc) => new Set(cards.list(doc).map((c) => c.title));

describe('load-balanced topology', () => {
  it('Redis killed for 10 s under edits through the balancer: no server drained, every replica converges after without a keystroke', async () => {
    const room = await createPlanRoom(topology.store, { name: 'Balanced, Redis away' }, 'test');
    const people = Array.from({ length: 6 }, (_, i) => balancedClient(room, `R${i}`));
    await Promise.all(people.map((p) => waitForSync(p)));
    const before = await waitFor(async () => ((s) => (s.reduce((a, b) => a + b, 0) === people.length ? s : null))(await topology.sockets()), 'six sockets open');
    await topology.redis.kill();
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < 10_000) {
      for (const p of people) p.edit(`${p.doc.clientID}-${n}`);
      n++;
      await new Promise((r) => setTimeout(r, 250));
    }
    // /healthz stayed 200 (the bus does not fail it): HAProxy kept every server, no socket moved.
    expect(await topology.sockets()).toEqual(before);
    expect(await topology.balancerSees()).toEqual([true, true, true]);
    const all = people.flatMap((p) => p.written.map((w) => w.title));
    expect(people.some((p) => !all.every((w) => titles(p.doc).has(w)))).toBe(true);
    await topology.redis.start();
    await waitFor(() => people.every((p) => ((t) => all.every((w) => t.has(w)))(titles(p.doc))), 'every replica has every outage edit', 10_000);
    for (const s of topology.servers) {
      expect(await metricValue(s.url, 'plenary_bus_up')).toBe(1);
      expect(await metricValue(s.url, 'plenary_bus_reconnects_total')).toBe(1);
    }
    expect(await topology.redis.subscribers(`plenary:room:${room}`)).toBe(3);
    people.forEach((p) => p.destroy());
  }, 60_000);

  it('Postgres frozen under one server: HAProxy drains it (503), newcomers land on the others, its own clients are held, not cut, and saved when it answers', async () => {
    const room = await createPlanRoom(topology.store, { name: 'Balanced, store away' }, 'test');
    const first = Array.from({ length: 3 }, (_, i) => balancedClient(room, `F${i}`));
    await Promise.all(first.map((p) => waitForSync(p)));
    const before = await waitFor(async () => ((s) => (s.reduce((a, b) => a + b, 0) === first.length ? s : null))(await topology.sockets()), 'three sockets open');
    const sick = before.findIndex((n) => n > 0);
    const closes: number[] = [];
    first.forEach((p) => p.provider.on('connection-close', (e: { code: number } | null) => closes.push(e?.code ?? 0)));

    topology.storePaths[sick].freeze();
    const health = await fetch(`${topology.servers[sick].url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(health.status).toBe(503);
    // fall 2 at inter 300 ms: marked down within about a second; then newcomers avoid it.
    await waitFor(async () => (await topology.balancerSees())[sick] === false, 'HAProxy marks the server down', 5_000);
    for (const p of first) p.edit(`held-${p.doc.clientID}`);
    const late = Array.from({ length: 4 }, (_, i) => balancedClient(room, `L${i}`));
    await Promise.all(late.map((p) => waitForSync(p)));
    const during = await topology.sockets();
    expect(during[sick]).toBe(before[sick]);
    expect(during.reduce((a, b) => a + b, 0)).toBe(7);

    topology.storePaths[sick].resume();
    const everyone = [...first, ...late];
    const all = first.map((p) => `held-${p.doc.clientID}`);
    await waitFor(() => everyone.every((p) => ((t) => all.every((w) => t.has(w)))(titles(p.doc))), 'held edits saved and seen by everyone', 10_000);
    await waitFor(() => first.every((p) => p.acked.has(`held-${p.doc.clientID}`)), 'held edits acknowledged', 5_000);
    expect(closes).toEqual([]);
    await waitFor(async () => (await topology.balancerSees()).every(Boolean), 'HAProxy takes the server back', 5_000);
    everyone.forEach((p) => p.destroy());
  }, 60_000);

  it('a stalled server (SIGSTOP for 4 s) under edits: HAProxy drains it, the others keep acknowledging, its clients are held, and after SIGCONT every replica converges with nothing acknowledged lost', async () => {
    const room = await createPlanRoom(topology.store, { name: 'Balanced, one server stalled' }, 'test');
    const people = Array.from({ length: 6 }, (_, i) => balancedClient(room, `S${i}`));
    await Promise.all(people.map((p) => waitForSync(p)));
    const before = await waitFor(async () => ((s) => (s.reduce((a, b) => a + b, 0) === people.length ? s : null))(await topology.sockets()), 'six sockets open');
    const stalled = before.indexOf(Math.max(...before));
    const closes: number[] = [];
    people.forEach((p) => p.provider.on('connection-close', (e: { code: number } | null) => closes.push(e?.code ?? 0)));
    let stop = false;
    let n = 0;
    const editing = (async () => {
      while (!stop) {
        for (const p of people) p.edit(`${p.doc.clientID}-${n}`);
        n++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await new Promise((r) => setTimeout(r, 500));

    // A stopped process: its sockets stay open, its kernel still accepts connections, it answers nothing.
    topology.servers[stalled].child.kill('SIGSTOP');
    const stalledAt = Date.now();
    try {
      await waitFor(async () => (await topology.balancerSees())[stalled] === false, 'HAProxy marks the stalled server down', 5_000);
      const ackedThen = people.map((p) => p.acked.size);
      // A newcomer lands on a live server and syncs while the stalled one answers nothing.
      const newcomer = balancedClient(room, 'Newcomer');
      await waitForSync(newcomer);
      const remaining = 4_000 - (Date.now() - stalledAt);
      if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
      // Everyone on the other servers went on being acknowledged; nobody on the stalled one was.
      const progressed = people.filter((p, i) => p.acked.size > ackedThen[i]).length;
      expect(progressed).toBe(people.length - before[stalled]);
      newcomer.destroy();
    } finally {
      topology.servers[stalled].child.kill('SIGCONT');
    }
    await new Promise((r) => setTimeout(r, 1_000));
    stop = true;
    await editing;

    const all = people.flatMap((p) => p.written.map((w) => w.title));
    await waitFor(() => people.every((p) => ((t) => all.every((w) => t.has(w)))(titles(p.doc))), 'every replica has every edit', 15_000);
    await waitFor(() => people.every((p) => p.written.every((w) => p.acked.has(w.title))), 'every edit acknowledged', 10_000);
    // Held, not cut: the stalled server's clients kept their sockets through the stall.
    expect(closes).toEqual([]);
    const stored = await topology.store.load(room);
    const doc = new Y.Doc();
    if (stored.checkpoint) Y.applyUpdate(doc, stored.checkpoint.data);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
    const durable = titles(doc);
    doc.destroy();
    expect(all.filter((t) => !durable.has(t))).toEqual([]);
    await waitFor(async () => (await topology.balancerSees()).every(Boolean), 'HAProxy takes the server back', 5_000);
    people.forEach((p) => p.destroy());
  }, 60_000);

  it('one server cut off from Redis for 5 s under edits: it keeps serving its own clients durably, reports the bus down without being drained, and every replica converges after without a keystroke', async () => {
    const room = await createPlanRoom(topology.store, { name: 'Balanced, one server partitioned' }, 'test');
    const people = Array.from({ length: 6 }, (_, i) => balancedClient(room, `C${i}`));
    await Promise.all(people.map((p) => waitForSync(p)));
    const before = await waitFor(async () => ((s) => (s.reduce((a, b) => a + b, 0) === people.length ? s : null))(await topology.sockets()), 'six sockets open');
    const cut = before.indexOf(Math.max(...before));
    const server = topology.servers[cut];
    const reconnects = await metricValue(server.url, 'plenary_bus_reconnects_total');
    const health = async () => (await (await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(3_000) })).json()) as { ok: boolean; bus: { up: boolean } };

    await topology.busPaths[cut].refuse();
    await waitFor(async () => (await health()).bus.up === false, 'the cut server reports its bus down', 5_000);
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < 5_000) {
      for (const p of people) p.edit(`${p.doc.clientID}-${n}`);
      n++;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await health()).ok).toBe(true);
    expect(await metricValue(server.url, 'plenary_bus_up')).toBe(0);
    expect(await topology.balancerSees()).toEqual([true, true, true]);
    expect(await topology.sockets()).toEqual(before);
    // Durable on every server (the store is there), but split: the cut server's people and the others see different plans.
    await waitFor(() => people.every((p) => p.written.every((w) => p.acked.has(w.title))), 'every edit acknowledged during the partition', 5_000);
    const all = people.flatMap((p) => p.written.map((w) => w.title));
    expect(people.some((p) => !all.every((w) => titles(p.doc).has(w)))).toBe(true);

    await topology.busPaths[cut].resume();
    await waitFor(() => people.every((p) => ((t) => all.every((w) => t.has(w)))(titles(p.doc))), 'every replica has every partition edit, nobody typing', 10_000);
    expect(await metricValue(server.url, 'plenary_bus_up')).toBe(1);
    expect(await metricValue(server.url, 'plenary_bus_reconnects_total')).toBe(reconnects + 1);
    expect(await topology.redis.subscribers(`plenary:room:${room}`)).toBe(3);
    people.forEach((p) => p.destroy());
  }, 60_000);

  it('kill -9 of one of three servers under edits: clients come back through HAProxy, nothing acknowledged is lost', async () => {
    const room = await createPlanRoom(topology.store, { name: 'Balanced' }, 'test');
    const people = Array.from({ length: 6 }, (_, i) => balancedClient(room, `P${i}`));
    await Promise.all(people.map((p) => waitForSync(p)));
    // Only these six (an earlier test's clients have left every server).
    const before = await waitFor(async () => ((s) => (s.reduce((a, b) => a + b, 0) === people.length ? s : null))(await topology.sockets()), 'six sockets open');
    // Round-robin: six sockets over three servers land on every one of them.
    expect(before.filter((n) => n > 0).length).toBe(3);

    let stop = false;
    let n = 0;
    const editing = (async () => {
      while (!stop) {
        for (const p of people) p.edit(`${p.doc.clientID}-${n}`);
        n++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_500));
    const victim = topology.servers[before.indexOf(Math.max(...before))];
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    // Every client is connected again (on the survivors) and synced.
    await waitFor(() => people.every((p) => p.provider.wsconnected && p.provider.synced), 'every client back through the balancer', 10_000);
    const backMs = Date.now() - killedAt;
    await new Promise((r) => setTimeout(r, 1_500));
    stop = true;
    await editing;

    const after = await topology.sockets();
    expect(after[topology.servers.indexOf(victim)]).toBe(-1);
    expect(after.reduce((a, b) => a + Math.max(b, 0), 0)).toBe(people.length);
    // Every edit ever made converges everywhere (clients resend what was not durable); and what was
    // acknowledged before the kill is in the store.
    const all = people.flatMap((p) => p.written.map((w) => w.title));
    await waitFor(() => people.every((p) => ((t) => all.every((w) => t.has(w)))(titles(p.doc))), 'every replica has every edit', 15_000);
    const acked = people.flatMap((p) => [...p.acked]);
    const stored = await topology.store.load(room);
    const doc = new Y.Doc();
    if (stored.checkpoint) Y.applyUpdate(doc, stored.checkpoint.data);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
    const durable = titles(doc);
    doc.destroy();
    const lost = acked.filter((t) => !durable.has(t));
    console.log(JSON.stringify({ edits: all.length, acked: acked.length, lost: lost.length, clientsBackMs: backMs, socketsBefore: before, socketsAfter: after }));
    expect(acked.length).toBeGreaterThan(all.length / 2);
    expect(lost).toEqual([]);
  }, 60_000);
});
