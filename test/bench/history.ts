/**
 * Time-travel benchmark (issue 14): a plan with many stored updates spread over 90 days, in a real
 * SQLite file, compacted as the server does (a checkpoint every 500 entries) and pruned/thinned by
 * the retention rule; then rebuilding random moments, directly (server/history/rebuild.ts: the
 * store read plus the merge) and through a real server's GET /api/plans/:room/at (auth, HTTP),
 * plus GET /history (activity over the whole log) and what a browser does with the answer (apply
 * to a fresh Y.Doc and take the plan snapshot). Target: any moment < 300 ms server-side for
 * 100,000 updates over 90 days.
 *
 * `npx tsx test/bench/history.ts [updates=100000] [days=90] [moments=60]` prints the JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { addCard, cards, estimateCard, moveCard, rankAtEnd } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { createPrng } from '../../shared/prng.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import { earliestMoment } from '../../server/history/range.ts';
import { changesBetween, stateAt } from '../../server/history/rebuild.ts';
import { readConfig } from '../../server/config.ts';
import { startPlenary } from '../../server/server.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { signToken } from '../../server/auth/token.ts';
import { round, summarize } from './stats.ts';

const DAY = 86_400_000;
const COMPACT_ENTRIES = 500;
const ROOM = 'history-bench';

type Args = { updates: number; days: number; moments: number };

async function buildStore(file: string, { updates, days }: Args) {
  const store = openSqliteStore(file);
  const rng = createPrng(14);
  const now = Date.UTC(2026, 11, 1, 12);
  const start = now - days * DAY;
  let clock = start;
  const doc = new Y.Doc();
  const people = ['u-ann', 'u-bob', 'u-cem', 'u-dia', 'u-eve'];
  const editors = people.map((p) => createEditor(p, 'user', () => clock));
  createPlan(doc, createEditor('u-ann', 'server', () => clock), { name: 'History bench' });
  await store.append([{ room: ROOM, data: Y.encodeStateAsUpdate(doc), receivedAt: clock, author: 'u-ann' }]);
  await store.registerRoom({ room: ROOM, kind: 'plan', createdAt: clock, createdBy: 'u-ann' });
  const cols = statuses.list(doc).map((s) => s.id);
  const ids: string[] = [];
  let pending: { room: string; data: Uint8Array; receivedAt: number; author: string }[] = [];
  let captured: Uint8Array | null;
  doc.on('update', (u: Uint8Array) => (captured = u));
  let sinceCheckpoint = 0;
  let checkpoints = 0;
  const gap = (days * DAY) / updates;
  const t0 = performance.now();
  let written = 0;
  for (let i = 0; written < updates; i++) {
    clock += Math.max(1, Math.round(gap * 2 * rng()));
    const who = Math.floor(rng() * people.length);
    const ed = editors[who];
    const r = rng();
    captured = null;
    if (ids.length < 50 || r < 0.04) ids.push(addCard(doc, ed, { title: `Card ${ids.length}`, status: cols[0], rank: rankAtEnd(doc) }));
    else {
      const id = ids[Math.floor(rng() * ids.length)];
      if (r < 0.45) moveCard(doc, ed, id, { status: cols[Math.floor(rng() * cols.length)] });
      else if (r < 0.7) estimateCard(doc, ed, id, Math.floor(rng() * 13));
      else if (r < 0.98) cards.update(doc, ed, id, { title: `Card ${id.slice(0, 4)} v${i}` });
      else cards.remove(doc, ed, ids.splice(ids.indexOf(id), 1)[0]);
    }
    if (!captured) continue; // an edit that changed nothing writes nothing
    pending.push({ room: ROOM, data: captured, receivedAt: clock, author: people[who] });
    sinceCheckpoint++;
    written++;
    if (sinceCheckpoint >= COMPACT_ENTRIES || written === updates) {
      const got = await store.append(pending);
      pending = [];
      await store.checkpoint(ROOM, Y.encodeStateAsUpdate(doc), got.at(-1)!, clock);
      // As compaction calls it, with a retention longer than the plan so all `updates` stay stored.
      await store.prune(ROOM, clock - (days + 30) * DAY, clock);
      sinceCheckpoint = 0;
      checkpoints++;
    }
  }
  const buildMs = performance.now() - t0;
  const index = await store.historyIndex(ROOM);
  const stats = { entries: (await store.activity(ROOM, DAY)).reduce((n, r) => n + r.count, 0), checkpointsWritten: checkpoints, checkpointsKept: index.checkpoints.length };
  const docBytes = Y.encodeStateAsUpdate(doc).length;
  const cardCount = cards.list(doc).length;
  doc.destroy();
  return { store, start, end: clock, buildMs, stats, docBytes, cards: cardCount };
}

export async function benchHistory(args: Args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plenary-history-bench-'));
  const file = path.join(dir, 'plenary.db');
  try {
    const built = await buildStore(file, args);
    const { store, start, end } = built;
    const rng = createPrng(99);
    const earliest = earliestMoment(await store.historyIndex(ROOM), start);
    const moments = Array.from({ length: args.moments }, () => Math.round(earliest + rng() * (end - earliest)));
    // Direct: the store read + merge, as the route does after its auth check.
    for (const t of moments.slice(0, 5)) await stateAt(store, ROOM, t); // warm-up
    const direct: number[] = [];
    const replayed: number[] = [];
    const client: number[] = [];
    for (const t of moments) {
      const a = performance.now();
      const s = await stateAt(store, ROOM, t);
      direct.push(performance.now() - a);
      replayed.push(s.entries);
      const b = performance.now();
      const d = new Y.Doc();
      Y.applyUpdate(d, s.state);
      snapshot(d);
      d.destroy();
      client.push(performance.now() - b);
    }
    // Scrubbing forward an hour from a moment shown: the server's changes since, the client's apply
    // onto the document it keeps, and its snapshot.
    const forward: number[] = [];
    const forwardClient: number[] = [];
    for (const t of moments.slice(0, 20)) {
      const d = new Y.Doc();
      Y.applyUpdate(d, (await stateAt(store, ROOM, t)).state);
      const a = performance.now();
      const diff = await changesBetween(store, ROOM, t, t + 3_600_000);
      forward.push(performance.now() - a);
      const b = performance.now();
      Y.applyUpdate(d, diff.state);
      snapshot(d);
      forwardClient.push(performance.now() - b);
      d.destroy();
    }
    await store.close();

    // Through a real server on the same file.
    const log = createLogger('warn');
    const server = await startPlenary(readConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'warn', HISTORY_REBUILDS_PER_SEC: '0' }), { log, now: () => end });
    const token = signToken(server.secret, { sub: 'u-viewer', name: 'Viewer', room: ROOM, role: 'viewer', exp: Math.floor(Date.now() / 1000) + 3600 });
    const http: number[] = [];
    let bytes = 0;
    try {
      for (const t of [...moments.slice(0, 5), ...moments]) {
        const a = performance.now();
        const res = await fetch(`${server.url}/api/plans/${ROOM}/at?t=${t}`, { headers: { authorization: `Bearer ${token}` } });
        const body = new Uint8Array(await res.arrayBuffer());
        if (res.status !== 200) throw new Error(`GET /at answered ${res.status}`);
        http.push(performance.now() - a);
        bytes = Math.max(bytes, body.length);
      }
      http.splice(0, 5);
      // Comparing a moment with the one a week before (a steering cycle) through GET /compare: two
      // rebuilds, two snapshots and the pure compare (shared/history/compare.ts).
      const compareMs: number[] = [];
      let changes = 0;
      for (const t of moments.slice(0, 15)) {
        const from = Math.max(earliest, t - 7 * DAY);
        const a = performance.now();
        const res = await fetch(`${server.url}/api/plans/${ROOM}/compare?from=${from}&to=${t}`, { headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 200) throw new Error(`GET /compare answered ${res.status}`);
        changes = Math.max(changes, ((await res.json()) as { changes: unknown[] }).changes.length);
        compareMs.push(performance.now() - a);
      }
      // The activity query alone (GET /history also reads the plan's sprints, from the live room
      // when it is resident, else by rebuilding the current document).
      const activityMs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const a = performance.now();
        await server.store.activity(ROOM, 3_600_000);
        activityMs.push(performance.now() - a);
      }
      const historyMs: number[] = [];
      let buckets = 0;
      for (let i = 0; i < 5; i++) {
        const a = performance.now();
        const res = await fetch(`${server.url}/api/plans/${ROOM}/history?bucket=hour`, { headers: { authorization: `Bearer ${token}` } });
        buckets = ((await res.json()) as { buckets: unknown[] }).buckets.length;
        historyMs.push(performance.now() - a);
      }
      const ms = (xs: number[]) => {
        const s = summarize(xs);
        return { p50: round(s.p50, 1), p95: round(s.p95, 1), max: round(s.max, 1) };
      };
      return {
        benchmark: 'history',
        machine: { cpus: os.cpus().length, node: process.version },
        plan: { updates: built.stats.entries, days: args.days, cards: built.cards, finalDocBytes: built.docBytes, checkpointsWritten: built.stats.checkpointsWritten, checkpointsKept: built.stats.checkpointsKept, buildSeconds: round(built.buildMs / 1000, 1), dbBytes: fs.statSync(file).size },
        moments: args.moments,
        rebuildMs: ms(direct),
        replayedEntries: { p50: summarize(replayed).p50, max: summarize(replayed).max },
        httpAtMs: ms(http),
        stateBytesMax: bytes,
        historyMs: { ...ms(historyMs), hourBuckets: buckets, activityQueryMs: ms(activityMs).p50 },
        clientApplyAndSnapshotMs: ms(client),
        forwardHourServerMs: ms(forward),
        forwardHourClientApplyAndSnapshotMs: ms(forwardClient),
        compareWeekMs: { ...ms(compareMs), changesMax: changes },
        targets: { rebuildUnder300ms: (summarize(http).max ?? Infinity) < 300, compareUnder500ms: (summarize(compareMs).max ?? Infinity) < 500 }
      };
    } finally {
      await server.close();
    }
  } finally {
    if (process.env.HISTORY_BENCH_KEEP) console.error(`kept ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [updates = 100_000, days = 90, moments = 60] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(await benchHistory({ updates, days, moments }), null, 2));
}
