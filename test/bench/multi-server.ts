/**
 * Several servers (issue 12), `npm run bench:multi`, prints JSON. The topology of the tests
 * (test/helpers/topology.ts): 3 Plenary servers on one Postgres schema and one Redis, behind HAProxy.
 *
 * 1. Fan-out: MULTI_CLIENTS clients (1,000) over MULTI_ROOMS rooms (100), in the load-client child
 *    (load-client.ts, load-driver.ts). Half the rooms have their people spread over the 3 servers
 *    (every edit crosses Redis), half have all their people on one server (the rooms spread evenly,
 *    so every server carries the same load in both). Open-loop traffic at MULTI_RATE updates/s for
 *    MULTI_SECONDS; p99 from an edit's send until every other client of its room has it.
 *    Target: cross-server p99 ≤ 2 × one-server p99.
 * 2. Failover: MULTI_FAILOVER_CLIENTS stock clients (the app's provider, which reconnects) through
 *    HAProxy, each writing; kill -9 one server; time until every client it held is connected and
 *    synced again through the balancer, and whether every acknowledged edit is on every client.
 *    Targets: < 5 s; 0 updates lost.
 * 3. Cold start: a MULTI_COLD_CARDS-card plan (5,000) stored in Postgres, opened by a first joiner on
 *    a server that never loaded it: time to its synced document.
 *
 * The full run is for a quiet machine; small env values give a smoke run.
 */
import * as Y from 'yjs';
import { createPlanRoom } from '../../server/plans.ts';
import { cards } from '../../shared/doc/cards.ts';
import { waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import postgres from 'postgres';
import { ensurePostgres, PG_URL } from '../helpers/services.ts';
import { ackedWriter, startTopology, type Topology } from '../helpers/topology.ts';
import { buildBigPlan } from './big-plan.ts';
import { startLoadClient, type LoadDriver } from './load-driver.ts';
import { killAllChildren, progress, sleep } from './proc.ts';
import { ratio, round } from './stats.ts';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const CONFIG = {
  clients: env('MULTI_CLIENTS', 1_000),
  rooms: env('MULTI_ROOMS', 100),
  rate: env('MULTI_RATE', 200),
  seconds: env('MULTI_SECONDS', 20),
  failoverClients: env('MULTI_FAILOVER_CLIENTS', 30),
  coldCards: env('MULTI_COLD_CARDS', 5_000)
};

type TrafficResult = { fanoutMs: { p50: number | null; p99: number | null }; undelivered: number; sent: number; [k: string]: unknown };

async function fanout(topology: Topology, load: LoadDriver) {
  const target = (i: number) => ({ kind: 'plenary' as const, port: topology.servers[i].port, secret: topology.secret });
  const n = topology.servers.length;
  const half = Math.max(1, Math.floor(CONFIG.rooms / 2));
  const perRoom = Math.max(2, Math.round(CONFIG.clients / (2 * half)));
  const make = (tag: string) => Promise.all(Array.from({ length: half }, (_, i) => createPlanRoom(topology.store, { name: `${tag} ${i}` }, 'bench')));
  const crossRooms = await make('Cross');
  const oneRooms = await make('One');
  await load.call('configure', { acks: true }, 5_000);
  // Cross: each room's people spread over every server. One: each room's people all on one server.
  for (let s = 0; s < n; s++) {
    const share = Math.floor(perRoom / n) + (s < perRoom % n ? 1 : 0);
    if (share > 0) await load.call('connect', { group: 'cross', target: target(s), rooms: crossRooms, perRoom: share, concurrency: 50 }, 180_000);
    const mine = oneRooms.filter((_, i) => i % n === s);
    await load.call('connect', { group: 'one', target: target(s), rooms: mine, perRoom, concurrency: 50 }, 180_000);
  }
  progress(`fan-out: ${half} cross-server rooms and ${half} one-server rooms, ${perRoom} people each`);
  const run = async (group: string) => {
    await sleep(1_000);
    return load.call<TrafficResult>('traffic', { group, rate: CONFIG.rate / 2, seconds: CONFIG.seconds, drainMs: 10_000 }, (CONFIG.seconds + 30) * 1000);
  };
  // Alternate, so neither group always runs on a warmer process.
  const one1 = await run('one');
  const cross1 = await run('cross');
  await load.call('close', { group: 'one' }, 60_000);
  await load.call('close', { group: 'cross' }, 60_000);
  return {
    rooms: half * 2,
    clients: half * 2 * perRoom,
    ratePerGroup: CONFIG.rate / 2,
    crossServer: { fanoutMs: cross1.fanoutMs, undelivered: cross1.undelivered, sent: cross1.sent },
    oneServer: { fanoutMs: one1.fanoutMs, undelivered: one1.undelivered, sent: one1.sent },
    p99Ratio: ratio(cross1.fanoutMs.p99, one1.fanoutMs.p99)
  };
}

async function diagnose(topology: Topology, clients: ReturnType<typeof ackedWriter>[], dropped: Set<TestClient>) {
  const rooms = [...new Set(clients.map((c) => c.room))];
  let missingFromStore = 0;
  const behind: { room: string; name: string; dropped: boolean; connected: boolean; synced: boolean; missing: number; from: { author: string; dropped: boolean; titles: string[] }[] }[] = [];
  for (const room of rooms) {
    const stored = await topology.store.load(room);
    const doc = new Y.Doc();
    if (stored.checkpoint) Y.applyUpdate(doc, stored.checkpoint.data);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
    const durable = new Set(cards.list(doc).map((c) => c.title));
    doc.destroy();
    const inRoom = clients.filter((c) => c.room === room);
    const acked = inRoom.flatMap((c) => [...c.acked]);
    missingFromStore += acked.filter((t) => !durable.has(t)).length;
    for (const c of inRoom) {
      const seen = new Set(cards.list(c.doc).map((card) => card.title));
      const missing = acked.filter((t) => !seen.has(t));
      if (!missing.length) continue;
      // Titles are `${author clientID}-${n}`: whose edits this replica lacks, and was that author on the dead server.
      const from = inRoom
        .map((a) => ({ author: String(a.doc.clientID), dropped: dropped.has(a), titles: missing.filter((t) => t.startsWith(`${a.doc.clientID}-`)) }))
        .filter((f) => f.titles.length)
        .map((f) => ({ ...f, titles: [f.titles[0], f.titles[f.titles.length - 1]] }));
      behind.push({ room, name: String(c.doc.clientID), dropped: dropped.has(c), connected: c.provider.wsconnected, synced: c.provider.synced, missing: missing.length, from });
    }
  }
  const logs = topology.servers.map((s) => s.output().split('\n').slice(-3).join('\n'));
  const pg = postgres(PG_URL, { max: 1 });
  // Sessions inside a transaction or waiting: a stuck lock holder shows here.
  const activity = await pg`select pid, state, wait_event_type, wait_event, extract(epoch from now() - xact_start)::float as xact_seconds, left(query, 80) as query
    from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`.catch((e: unknown) => String(e));
  await pg.end();
  return { missingFromStore, replicasBehind: behind, sockets: await topology.sockets().catch(() => null), activity, logs };
}

async function failover(topology: Topology) {
  const rooms = await Promise.all(Array.from({ length: Math.max(1, Math.ceil(CONFIG.failoverClients / 5)) }, (_, i) => createPlanRoom(topology.store, { name: `Failover ${i}` }, 'bench')));
  const clients = Array.from({ length: CONFIG.failoverClients }, (_, i) => ackedWriter(topology, rooms[i % rooms.length], `F${i}`));
  const all: TestClient[] = clients;
  try {
    await Promise.all(clients.map((c) => waitForSync(c, 30_000)));
    const before = await topology.sockets();
    const victim = before.indexOf(Math.max(...before));
    let n = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        for (const c of clients) if (c.provider.wsconnected) c.edit(`${c.doc.clientID}-${n}`);
        n++;
        await sleep(100);
      }
    })();
    await sleep(1_000);
    // Which clients the victim holds: they are the ones that lose their socket.
    const dropped = new Set<TestClient>();
    for (const c of clients)
      c.provider.once('connection-close', () => dropped.add(c));
    const killedAt = performance.now();
    await topology.servers[victim].kill('SIGKILL');
    await waitFor(() => dropped.size >= before[victim] || null, 'the victim\'s clients dropped', 10_000).catch(() => null);
    await waitFor(() => [...dropped].every((c) => c.provider.wsconnected) || null, 'the victim\'s clients reconnected', 30_000, 5);
    const reconnectedMs = performance.now() - killedAt;
    const synced = await waitFor(() => [...dropped].every((c) => c.provider.synced) || null, 'the victim\'s clients synced', 10_000, 5).catch(() => false);
    const backMs = synced ? performance.now() - killedAt : null;
    await sleep(1_500);
    writing = false;
    await writer;
    // Every acknowledged edit of every client, on every client of its room, after convergence.
    // One pass over each replica's cards per check (the check runs in a loop beside the clients).
    const lost = async () => {
      const seen = new Map(clients.map((c) => [c, new Set(cards.list(c.doc).map((card) => card.title))]));
      let missing = 0;
      for (const c of clients) {
        const inRoom = clients.filter((o) => o.room === c.room);
        for (const title of c.acked) for (const o of inRoom) if (!seen.get(o)!.has(title)) missing++;
      }
      return missing;
    };
    // (waitFor takes a falsy answer as "not yet", so converged is true or null.)
    const converged = await waitFor(async () => ((await lost()) === 0 ? true : null), 'every acknowledged edit everywhere', 15_000).catch(() => null);
    // When something is missing: is it missing from the store (lost) or only from some replicas
    // (not converged), and in what state are the replicas that miss it?
    const diagnosis = converged ? null : await diagnose(topology, clients, dropped);
    return {
      clients: clients.length,
      rooms: rooms.length,
      onVictim: before[victim],
      reconnected: dropped.size,
      reconnectedThroughBalancerMs: round(reconnectedMs),
      syncedAgainMs: round(backMs),
      syncedAgain: [...dropped].filter((c) => c.provider.synced).length,
      acknowledgedEdits: clients.reduce((s, c) => s + c.acked.size, 0),
      lostUpdates: converged ? 0 : await lost(),
      ...(diagnosis ? { diagnosis } : {})
    };
  } finally {
    all.forEach((c) => c.destroy());
  }
}

async function coldStart(topology: Topology, load: LoadDriver) {
  const room = await createPlanRoom(topology.store, { name: 'Cold' }, 'bench');
  const doc = buildBigPlan(CONFIG.coldCards);
  const expectCards = cards.list(doc).length;
  await topology.store.append([{ room, data: Y.encodeStateAsUpdate(doc), receivedAt: Date.now(), author: 'bench' }]);
  // The server that never had it (servers[0] may be dead after the failover).
  const live = topology.servers.findIndex((s) => s.child.exitCode === null && s.child.signalCode === null);
  const target = { kind: 'plenary' as const, port: topology.servers[live].port, secret: topology.secret };
  const r = await load.call<{ syncedMs: { p50: number | null }; step2Bytes: number }>('initialSync', { target, room, joiners: 1, warmup: 0, expectCards }, 120_000);
  return { cards: expectCards, step2Bytes: r.step2Bytes, firstJoinSyncedMs: r.syncedMs.p50 };
}

async function main() {
  await ensurePostgres();
  const topology = await startTopology(3, { MAX_CONNECTIONS_PER_ADDRESS: '100000', ...(process.env.MULTI_ROOM_IDLE_MS ? { ROOM_IDLE_MS: process.env.MULTI_ROOM_IDLE_MS } : {}) }, { direct: true });
  const load = await startLoadClient();
  try {
    progress(`config ${JSON.stringify(CONFIG)}`);
    const fan = await fanout(topology, load);
    progress(`fan-out done: ${JSON.stringify(fan)}`);
    const fail = await failover(topology);
    progress(`failover done: ${JSON.stringify(fail)}`);
    const cold = await coldStart(topology, load);
    const report = {
      bench: 'multi-server',
      config: CONFIG,
      fanout: fan,
      failover: fail,
      coldStart: cold,
      targets: {
        crossServerP99AtMost2xOneServer: fan.p99Ratio !== null && fan.p99Ratio <= 2,
        failoverUnder5s: fail.syncedAgainMs !== null && fail.syncedAgainMs < 5_000,
        zeroUpdatesLost: fail.lostUpdates === 0 && fan.crossServer.undelivered === 0 && fan.oneServer.undelivered === 0
      }
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    await load.stop();
    await topology.stop();
    killAllChildren();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    killAllChildren();
    process.exit(1);
  }
);
