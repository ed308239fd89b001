/**
 * One contract, three backends: every DocStore must pass `describeStoreContract`. The payloads are
 * real Yjs updates, so a checkpoint/load round trip proves the document survives, not just bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import {
  StoreError,
  type DocStore,
  type LoadedRoom,
  type NewUpdate,
  type StoreErrorKind
} from '../../server/persistence/store.ts';

// ---------------------------------------------------------------------------------------------
// Yjs helpers

/** Applies `change` to the doc's map 'x' in one transaction and returns the update it emitted. */
function edit(doc: Y.Doc, change: (map: Y.Map<unknown>) => void): Uint8Array {
  let update: Uint8Array | undefined;
  const capture = (u: Uint8Array) => (update = u);
  doc.on('update', capture);
  doc.transact(() => change(doc.getMap('x')));
  doc.off('update', capture);
  if (!update) throw new Error('the edit produced no update');
  return update;
}

/** n edits that set, overwrite, nest and delete, so structs and delete sets both matter. */
function edits(doc: Y.Doc, n: number, tag = 'k'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    edit(doc, (map) => {
      map.set(`${tag}${i}`, { step: i, note: `edit ${i}` });
      if (i % 3 === 2) map.delete(`${tag}${i - 1}`);
      if (i % 2 === 1) map.set(`${tag}shared`, i);
    })
  );
}

function rebuild(loaded: LoadedRoom): Y.Doc {
  const doc = new Y.Doc();
  if (loaded.checkpoint) Y.applyUpdate(doc, loaded.checkpoint.data);
  for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
  return doc;
}

const json = (doc: Y.Doc) => doc.getMap('x').toJSON();
const bytes = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
const emptyUpdate = () => Y.encodeStateAsUpdate(new Y.Doc());

const entry = (room: string, data: Uint8Array, receivedAt = 1_000, author = 'user-1'): NewUpdate => ({
  room,
  data,
  receivedAt,
  author
});

async function expectStoreError(promise: Promise<unknown>, kind: StoreErrorKind): Promise<StoreError> {
  const err = await promise.then(
    () => expect.fail(`expected StoreError '${kind}', but the call resolved`),
    (e: unknown) => e
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).kind).toBe(kind);
  return err as StoreError;
}

// ---------------------------------------------------------------------------------------------
// The contract

/** `factory` must return a fresh, empty store each time; the suite closes it after each test. */
function describeStoreContract(name: string, factory: () => Promise<DocStore>): void {
  describe(`DocStore contract: ${name}`, () => {
    let store: DocStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('reports its name', () => {
      expect(store.name).toBe(name);
    });

    it('loads an unknown room as empty', async () => {
      expect(await store.load('nowhere')).toEqual({ checkpoint: null, updates: [] });
      expect(await store.loadHistory('nowhere')).toEqual({ checkpoint: null, updates: [] });
      expect(await store.logStats('nowhere')).toEqual({ entries: 0, bytes: 0 });
      expect(await store.prune('nowhere', Date.now())).toBe(0);
      expect(await store.historyIndex('nowhere')).toEqual({ checkpoints: [], firstEntry: null });
      expect(await store.loadAt('nowhere', Date.now())).toEqual({ checkpoint: null, updates: [] });
      expect(await store.activity('nowhere', 3_600_000)).toEqual([]);
      expect(await store.listVersions('nowhere')).toEqual([]);
    });

    it('returns ascending ids in batch order and loads the entries back', async () => {
      const doc = new Y.Doc();
      const [u1, u2, u3, u4] = edits(doc, 4);
      const first = await store.append([entry('r', u1, 1_000, 'ann'), entry('r', u2, 1_001, 'bob'), entry('r', u3, 1_002)]);
      const second = await store.append([entry('r', u4, 1_003)]);

      expect(first).toHaveLength(3);
      const ids = [...first, ...second];
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);

      const loaded = await store.load('r');
      expect(loaded.checkpoint).toBeNull();
      expect(loaded.updates.map((u) => u.id)).toEqual(ids);
      expect(loaded.updates.map((u) => u.author)).toEqual(['ann', 'bob', 'user-1', 'user-1']);
      expect(loaded.updates.map((u) => u.receivedAt)).toEqual([1_000, 1_001, 1_002, 1_003]);
      expect(loaded.updates.map((u) => u.room)).toEqual(['r', 'r', 'r', 'r']);
      loaded.updates.forEach((u, i) => expect(bytes(u.data)).toEqual(bytes([u1, u2, u3, u4][i])));
      expect(json(rebuild(loaded))).toEqual(json(doc));
    });

    it('appends a batch that mixes rooms, each room getting its own entries', async () => {
      const a = new Y.Doc();
      const b = new Y.Doc();
      const [a1, a2] = edits(a, 2, 'a');
      const [b1, b2, b3] = edits(b, 3, 'b');
      const ids = await store.append([entry('a', a1), entry('b', b1), entry('b', b2), entry('a', a2), entry('b', b3)]);
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);

      const loadedA = await store.load('a');
      const loadedB = await store.load('b');
      expect(loadedA.updates.map((u) => u.id)).toEqual([ids[0], ids[3]]);
      expect(loadedB.updates.map((u) => u.id)).toEqual([ids[1], ids[2], ids[4]]);
      expect(json(rebuild(loadedA))).toEqual(json(a));
      expect(json(rebuild(loadedB))).toEqual(json(b));
    });

    it('treats an empty batch as a no-op', async () => {
      expect(await store.append([])).toEqual([]);
      expect(await store.load('r')).toEqual({ checkpoint: null, updates: [] });
    });

    it('stores nothing of a batch that fails, and stays usable', async () => {
      const doc = new Y.Doc();
      const [u1, u2] = edits(doc, 2);
      const bad = { ...entry('r', u2), data: null } as unknown as NewUpdate;
      await expectStoreError(store.append([entry('r', u1), entry('other', u1), bad]), 'backend');
      expect((await store.load('r')).updates).toEqual([]);
      expect((await store.load('other')).updates).toEqual([]);

      const ids = await store.append([entry('r', u1)]);
      expect((await store.load('r')).updates.map((u) => u.id)).toEqual(ids);
    });

    it('gives overlapping appends distinct ascending ids and loses none', async () => {
      const doc = new Y.Doc();
      const updates = edits(doc, 30);
      const batches = Array.from({ length: 10 }, (_, i) => updates.slice(i * 3, i * 3 + 3).map((u) => entry('r', u)));
      const results = await Promise.all(batches.map((batch) => store.append(batch)));
      for (const ids of results) expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const all = results.flat().sort((x, y) => x - y);
      expect(new Set(all).size).toBe(30);
      const loaded = await store.load('r');
      expect(loaded.updates.map((u) => u.id)).toEqual(all);
      expect(json(rebuild(loaded))).toEqual(json(doc));
    });

    it('loads the newest checkpoint plus only the later entries, rebuilding the same doc', async () => {
      const doc = new Y.Doc();
      const early = await store.append(edits(doc, 3, 'early').map((u) => entry('r', u)));
      const firstState = Y.encodeStateAsUpdate(doc);
      const first = await store.checkpoint('r', firstState, early[2], 5_000);
      expect(first).toMatchObject({ room: 'r', uptoId: early[2], createdAt: 5_000 });
      expect(typeof first.id).toBe('number');

      const middle = await store.append(edits(doc, 2, 'middle').map((u) => entry('r', u)));
      const second = await store.checkpoint('r', Y.encodeStateAsUpdate(doc), middle[1], 6_000);
      expect(second.id).toBeGreaterThan(first.id);
      const late = await store.append(edits(doc, 2, 'late').map((u) => entry('r', u)));

      const loaded = await store.load('r');
      expect(loaded.checkpoint).toMatchObject({ id: second.id, room: 'r', uptoId: middle[1], createdAt: 6_000 });
      expect(loaded.updates.map((u) => u.id)).toEqual(late);
      expect(json(rebuild(loaded))).toEqual(json(doc));

      // History has the oldest checkpoint and every retained original, even those it covers.
      const history = await store.loadHistory('r');
      expect(history.checkpoint?.id).toBe(first.id);
      expect(bytes(history.checkpoint!.data)).toEqual(bytes(firstState));
      expect(history.updates.map((u) => u.id)).toEqual([...early, ...middle, ...late]);
      expect(json(rebuild(history))).toEqual(json(doc));
    });

    it('refuses an empty checkpoint over stored content, and allows it for an empty room', async () => {
      const allowed = await store.checkpoint('fresh', emptyUpdate(), 0, 1_000);
      expect(allowed).toMatchObject({ room: 'fresh', uptoId: 0 });
      // Zero bytes count as empty too (and are no valid Yjs update, so keep them out of 'fresh').
      expect(await store.checkpoint('zero', new Uint8Array(0), 0, 1_001)).toMatchObject({ room: 'zero' });
      expect((await store.load('zero')).checkpoint?.data.byteLength).toBe(0);

      // Content in the log.
      const doc = new Y.Doc();
      const ids = await store.append(edits(doc, 2).map((u) => entry('fresh', u)));
      await expectStoreError(store.checkpoint('fresh', emptyUpdate(), ids[1], 2_000), 'emptyOverNonEmpty');
      await expectStoreError(store.checkpoint('fresh', new Uint8Array(0), ids[1], 2_000), 'emptyOverNonEmpty');
      const loaded = await store.load('fresh');
      expect(loaded.updates.map((u) => u.id)).toEqual(ids);
      expect(json(rebuild(loaded))).toEqual(json(doc));

      // Content only in a checkpoint, after its entries were pruned away.
      const [only] = await store.append([entry('pruned', edits(new Y.Doc(), 1)[0], 1_000)]);
      const state = new Y.Doc();
      state.getMap('x').set('kept', true);
      await store.checkpoint('pruned', Y.encodeStateAsUpdate(state), only, 2_000);
      expect(await store.prune('pruned', 3_000)).toBe(1);
      expect((await store.load('pruned')).updates).toEqual([]);
      await expectStoreError(store.checkpoint('pruned', emptyUpdate(), only, 4_000), 'emptyOverNonEmpty');
      expect(json(rebuild(await store.load('pruned')))).toEqual({ kept: true });
    });

    it('counts log entries and bytes after the newest checkpoint', async () => {
      const doc = new Y.Doc();
      const updates = edits(doc, 3);
      const size = (us: Uint8Array[]) => us.reduce((sum, u) => sum + u.byteLength, 0);
      const ids = await store.append(updates.map((u) => entry('r', u)));
      await store.append([entry('other', edits(new Y.Doc(), 1)[0])]);
      expect(await store.logStats('r')).toEqual({ entries: 3, bytes: size(updates) });

      await store.checkpoint('r', Y.encodeStateAsUpdate(doc), ids[1], 2_000);
      expect(await store.logStats('r')).toEqual({ entries: 1, bytes: size(updates.slice(2)) });

      await store.checkpoint('r', Y.encodeStateAsUpdate(doc), ids[2], 3_000);
      expect(await store.logStats('r')).toEqual({ entries: 0, bytes: 0 });
      expect((await store.logStats('other')).entries).toBe(1);
    });

    it('prunes covered old entries, keeps the newest checkpoint and later entries, and history still rebuilds', async () => {
      const doc = new Y.Doc();
      const put = (tag: string, receivedAt: number) =>
        store.append(edits(doc, 2, tag).map((u, i) => entry('r', u, receivedAt + i)));

      const e12 = await put('a', 1_000);
      const c1 = await store.checkpoint('r', Y.encodeStateAsUpdate(doc), e12[1], 1_100);
      const e34 = await put('b', 1_200);
      const c2 = await store.checkpoint('r', Y.encodeStateAsUpdate(doc), e34[1], 1_300);
      const putOne = async (tag: string, receivedAt: number) =>
        (await store.append([entry('r', edits(doc, 1, tag)[0], receivedAt)]))[0];

      const e5 = await putOne('c', 1_400);
      const c3 = await store.checkpoint('r', Y.encodeStateAsUpdate(doc), e5, 1_500);
      // Entries after the newest checkpoint, one of them older than every prune horizon below.
      const e6 = await putOne('d', 1_401);
      const e7 = await putOne('e', 1_600);

      // Nothing is old enough yet: no checkpoint was created before 1_100.
      expect(await store.prune('r', 1_100)).toBe(0);
      expect((await store.loadHistory('r')).checkpoint?.id).toBe(c1.id);

      // c2 is the newest checkpoint before 1_350: it is kept, c1 and e1..e4 go.
      expect(await store.prune('r', 1_350)).toBe(4);
      const history = await store.loadHistory('r');
      expect(history.checkpoint?.id).toBe(c2.id);
      expect(history.updates.map((u) => u.id)).toEqual([e5, e6, e7]);
      expect(json(rebuild(history))).toEqual(json(doc));
      const loaded = await store.load('r');
      expect(loaded.checkpoint?.id).toBe(c3.id);
      expect(loaded.updates.map((u) => u.id)).toEqual([e6, e7]);
      expect(json(rebuild(loaded))).toEqual(json(doc));

      // Far in the future: only c3 and what follows it survive, however old those entries are.
      expect(await store.prune('r', 1_000_000)).toBe(1);
      const after = await store.loadHistory('r');
      expect(after.checkpoint?.id).toBe(c3.id);
      expect(after.updates.map((u) => u.id)).toEqual([e6, e7]);
      expect(json(rebuild(after))).toEqual(json(doc));
      expect(await store.load('r')).toEqual(after);
      expect(await store.prune('r', 1_000_000)).toBe(0);
    });

    it('keeps covered entries that were received inside the retention window', async () => {
      const doc = new Y.Doc();
      const [, recent] = await store.append([
        entry('r', edits(doc, 1, 'old')[0], 1_000),
        entry('r', edits(doc, 1, 'recent')[0], 5_000)
      ]);
      await store.checkpoint('r', Y.encodeStateAsUpdate(doc), recent, 2_000);
      expect(await store.prune('r', 3_000)).toBe(1); // only `old`
      expect(await store.prune('r', 3_000)).toBe(0);
      expect(await store.prune('r', 6_000)).toBe(1); // `recent` was still there
      expect(json(rebuild(await store.loadHistory('r')))).toEqual(json(doc));
    });

    it('prunes nothing in a room without checkpoints', async () => {
      await store.append(edits(new Y.Doc(), 3).map((u) => entry('r', u, 1_000)));
      expect(await store.prune('r', 1_000_000)).toBe(0);
      expect((await store.load('r')).updates).toHaveLength(3);
    });

    // Time travel (issue 14): the store side of rebuilding a room at a moment.

    it('loads the room at a moment: the newest checkpoint made by then plus the entries received after it up to then', async () => {
      const doc = new Y.Doc();
      const seen = new Map<number, unknown>(); // moment → the doc as it was then
      const lastIds: number[] = [];
      // Ten edits one minute apart; checkpoints after the 3rd and the 7th (made a little later).
      for (let i = 0; i < 10; i++) {
        const at = 60_000 * (i + 1);
        const [id] = await store.append([entry('r', edits(doc, 1, `m${i}`)[0], at, `user-${i % 2}`)]);
        lastIds.push(id);
        seen.set(at, json(doc));
        if (i === 2 || i === 6) await store.checkpoint('r', Y.encodeStateAsUpdate(doc), id, at + 30_000);
      }
      await store.append([entry('other', edits(new Y.Doc(), 1)[0], 90_000)]);
      const [c1, c2] = (await store.historyIndex('r')).checkpoints;

      for (const [at, expected] of seen) {
        const loaded = await store.loadAt('r', at);
        expect(json(rebuild(loaded)), `at ${at}`).toEqual(expected);
        expect(loaded.updates.every((u) => u.room === 'r' && u.receivedAt <= at)).toBe(true);
      }
      // Exactly at a checkpoint's time it is used; the entries replayed are only those after it.
      const atC1 = await store.loadAt('r', c1.createdAt);
      expect(atC1.checkpoint?.id).toBe(c1.id);
      expect(atC1.updates).toEqual([]);
      const late = await store.loadAt('r', 10 * 60_000);
      expect(late.checkpoint?.id).toBe(c2.id);
      expect(late.updates.map((u) => u.id)).toEqual(lastIds.slice(7));
      // Before anything: nothing.
      expect(await store.loadAt('r', 59_999)).toEqual({ checkpoint: null, updates: [] });
      // Moving forward between two moments: the entries received in between, and they take the
      // room from one moment to the other.
      const between = await store.entriesReceived('r', 3 * 60_000, 8 * 60_000);
      expect(between.map((u) => u.id)).toEqual(lastIds.slice(3, 8));
      const moved = rebuild(await store.loadAt('r', 3 * 60_000));
      for (const u of between) Y.applyUpdate(moved, u.data);
      expect(json(moved)).toEqual(seen.get(8 * 60_000));
      expect(await store.entriesReceived('r', 8 * 60_000, 8 * 60_000)).toEqual([]);
    });

    it('lists checkpoint metadata ascending and the oldest entry, in one index', async () => {
      const doc = new Y.Doc();
      const ids = await store.append(edits(doc, 3).map((u, i) => entry('r', u, 1_000 + i)));
      const c1 = await store.checkpoint('r', Y.encodeStateAsUpdate(doc), ids[1], 2_000);
      const c2 = await store.checkpoint('r', Y.encodeStateAsUpdate(doc), ids[2], 3_000);
      expect(await store.historyIndex('r')).toEqual({
        checkpoints: [
          { id: c1.id, uptoId: ids[1], createdAt: 2_000 },
          { id: c2.id, uptoId: ids[2], createdAt: 3_000 }
        ],
        firstEntry: { id: ids[0], receivedAt: 1_000 }
      });
    });

    it('counts activity per bucket and author, ascending', async () => {
      const doc = new Y.Doc();
      const hour = 3_600_000;
      const at = [0.1, 0.2, 0.9, 1.5, 3.0, 3.99].map((h) => Math.round(h * hour));
      const who = ['ann', 'bob', 'ann', 'ann', 'bob', 'bob'];
      await store.append(edits(doc, at.length).map((u, i) => entry('r', u, at[i], who[i])));
      await store.append([entry('other', edits(new Y.Doc(), 1)[0], 0, 'zed')]);
      expect(await store.activity('r', hour)).toEqual([
        { start: 0, author: 'ann', count: 2 },
        { start: 0, author: 'bob', count: 1 },
        { start: hour, author: 'ann', count: 1 },
        { start: 3 * hour, author: 'bob', count: 2 }
      ]);
      expect(await store.activity('r', 24 * hour)).toEqual([
        { start: 0, author: 'ann', count: 3 },
        { start: 0, author: 'bob', count: 3 }
      ]);
    });

    it('stores named versions per room, listed by moment', async () => {
      const late = await store.addVersion({ room: 'r', name: 'Steering 12 Nov', at: 5_000, createdBy: 'ann', createdAt: 9_000 });
      const early = await store.addVersion({ room: 'r', name: 'Sprint 5 start', at: 2_000, createdBy: 'bob', createdAt: 9_001 });
      await store.addVersion({ room: 'other', name: 'x', at: 1, createdBy: 'ann', createdAt: 1 });
      expect(late.id).not.toBe(early.id);
      expect(await store.listVersions('r')).toEqual([
        { id: early.id, room: 'r', name: 'Sprint 5 start', at: 2_000, createdBy: 'bob', createdAt: 9_001 },
        { id: late.id, room: 'r', name: 'Steering 12 Nov', at: 5_000, createdBy: 'ann', createdAt: 9_000 }
      ]);
    });

    it('thins checkpoints inside the window to the spacing, and every moment in the window still rebuilds', async () => {
      const hour = 3_600_000;
      const day = 24 * hour;
      const now = 20 * day;
      const doc = new Y.Doc();
      const seen: [number, unknown][] = [];
      // An edit every 20 minutes over the last 12 days, a checkpoint after each: three per hour.
      for (let at = 8 * day; at < now; at += 20 * 60_000) {
        const [id] = await store.append([entry('r', edits(doc, 1, `t${at}`)[0], at)]);
        await store.checkpoint('r', Y.encodeStateAsUpdate(doc), id, at + 1);
        seen.push([at, json(doc)]);
      }
      const before = (await store.historyIndex('r')).checkpoints;
      const olderThan = now - 13 * day; // retention 13 days: no checkpoint is old enough, no entry goes
      expect(await store.prune('r', olderThan, now)).toBe(0);
      const after = (await store.historyIndex('r')).checkpoints;
      const recent = after.filter((c) => c.createdAt >= now - 7 * day);
      const older = after.filter((c) => c.createdAt < now - 7 * day);
      // The last week: one per hour (the newest checkpoint may share its hour with one more).
      expect(recent.length).toBeLessThanOrEqual(7 * 24 + 1);
      expect(recent.length).toBeGreaterThanOrEqual(7 * 24 - 1);
      expect(new Set(recent.map((c) => Math.floor(c.createdAt / hour))).size).toBeGreaterThanOrEqual(recent.length - 1);
      // Before that (days 8 to 13): one per day, and the oldest (no base yet) is kept.
      expect(older[0].id).toBe(before[0].id);
      expect(older.length).toBeLessThanOrEqual(5 + 1);
      expect(older.length).toBeGreaterThanOrEqual(5);
      expect(after.at(-1)!.id).toBe(before.at(-1)!.id);
      for (const [at, expected] of seen.filter((_, i) => i % 7 === 0)) {
        expect(json(rebuild(await store.loadAt('r', at))), `at ${at}`).toEqual(expected);
      }
      // Without `now` nothing more is thinned (callers that only prune are unchanged).
      expect(await store.prune('r', olderThan)).toBe(0);
      expect((await store.historyIndex('r')).checkpoints).toEqual(after);
    });

    it('registers rooms, first registration wins, and lists them oldest first', async () => {
      const plan = { room: 'plan-1', kind: 'plan', createdAt: 2_000, createdBy: 'ann' };
      const retro = { room: 'retro-1', kind: 'retro', createdAt: 1_000, createdBy: 'bob' };
      const twin = { room: 'plan-0', kind: 'plan', createdAt: 2_000, createdBy: 'cy' };
      expect(await store.listRooms()).toEqual([]);
      await store.registerRoom(plan);
      await store.registerRoom(retro);
      await store.registerRoom(twin);
      await store.registerRoom({ ...plan, kind: 'retro', createdAt: 9_000, createdBy: 'mallory' });

      expect(await store.getRoom('plan-1')).toEqual(plan);
      expect(await store.getRoom('retro-1')).toEqual(retro);
      expect(await store.getRoom('missing')).toBeNull();
      expect(await store.listRooms()).toEqual([retro, twin, plan]);
    });

    it('rejects every call after close with StoreError closed', async () => {
      await store.close();
      const calls: Promise<unknown>[] = [
        store.load('r'),
        store.loadHistory('r'),
        store.append([entry('r', edits(new Y.Doc(), 1)[0])]),
        store.checkpoint('r', emptyUpdate(), 0, 1),
        store.logStats('r'),
        store.prune('r', 1),
        store.historyIndex('r'),
        store.loadAt('r', 1),
        store.entriesReceived('r', 0, 1),
        store.activity('r', 1),
        store.addVersion({ room: 'r', name: 'v', at: 1, createdBy: 'ann', createdAt: 1 }),
        store.listVersions('r'),
        store.registerRoom({ room: 'r', kind: 'plan', createdAt: 1, createdBy: 'ann' }),
        store.getRoom('r'),
        store.listRooms()
      ];
      for (const call of calls) await expectStoreError(call, 'closed');
      await store.close(); // idempotent: afterEach closes again
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Memory

describeStoreContract('memory', async () => createMemoryStore());

// ---------------------------------------------------------------------------------------------
// SQLite: one temp file per store, the directory removed afterwards

describe('sqlite', () => {
  let dir = '';
  let files = 0;
  const freshFile = () => path.join(dir, `store-${++files}.db`);

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plenary-store-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describeStoreContract('sqlite', async () => openSqliteStore(freshFile()));

  describe('sqlite specifics', () => {
    it('keeps data across close and reopen of the same file', async () => {
      const file = freshFile();
      const doc = new Y.Doc();
      const first = openSqliteStore(file);
      const ids = await first.append(edits(doc, 3).map((u) => entry('r', u)));
      await first.checkpoint('r', Y.encodeStateAsUpdate(doc), ids[1], 2_000);
      await first.registerRoom({ room: 'r', kind: 'plan', createdAt: 1, createdBy: 'ann' });
      await first.close();

      const reopened = openSqliteStore(file);
      try {
        const loaded = await reopened.load('r');
        expect(loaded.checkpoint?.uptoId).toBe(ids[1]);
        expect(loaded.updates.map((u) => u.id)).toEqual([ids[2]]);
        expect(json(rebuild(loaded))).toEqual(json(doc));
        expect(await reopened.getRoom('r')).toMatchObject({ kind: 'plan', createdBy: 'ann' });
        const [next] = await reopened.append([entry('r', edits(doc, 1, 'more')[0])]);
        expect(next).toBeGreaterThan(ids[2]);
      } finally {
        await reopened.close();
      }
    });

    it('returns a corrupted checkpoint blob as-is instead of failing', async () => {
      const file = freshFile();
      const store = openSqliteStore(file);
      try {
        const doc = new Y.Doc();
        const ids = await store.append(edits(doc, 2).map((u) => entry('r', u)));
        await store.checkpoint('r', Y.encodeStateAsUpdate(doc), ids[1], 2_000);

        const garbage = Buffer.from([0xff, 0x13, 0x37, 0x00, 0xde, 0xad, 0xbe, 0xef]);
        const raw = new Database(file);
        raw.prepare('UPDATE checkpoints SET data = ? WHERE room = ?').run(garbage, 'r');
        raw.close();

        const loaded = await store.load('r');
        expect(loaded.checkpoint?.data).toBeInstanceOf(Uint8Array);
        expect(bytes(loaded.checkpoint!.data)).toEqual(garbage);
        expect(() => Y.applyUpdate(new Y.Doc(), loaded.checkpoint!.data)).toThrow();
        // The rest of the store keeps working around it.
        expect((await store.loadHistory('r')).updates.map((u) => u.id)).toEqual(ids);
        expect(await store.logStats('r')).toEqual({ entries: 0, bytes: 0 });
        await expectStoreError(store.checkpoint('r', emptyUpdate(), ids[1], 3_000), 'emptyOverNonEmpty');
      } finally {
        await store.close();
      }
    });

    it('runs in WAL mode and records its schema version', async () => {
      const file = freshFile();
      await openSqliteStore(file).close();
      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(raw.pragma('user_version', { simple: true })).toBe(4);
      } finally {
        raw.close();
      }
    });

    it('refuses a file written by a newer schema', () => {
      const file = freshFile();
      const raw = new Database(file);
      raw.pragma('user_version = 99');
      raw.close();
      expect(() => openSqliteStore(file)).toThrow(StoreError);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Postgres: one fresh schema per store, all dropped afterwards

describe('postgres', () => {
  const prefix = `plenary_test_${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];

  beforeAll(ensurePostgres);
  afterAll(() => dropSchemas(schemas));

  describeStoreContract('postgres', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    return openPostgresStore(PG_URL, { schema, max: 4 });
  });

  describe('postgres specifics', () => {
    it('shares one schema between two stores without id collisions', async () => {
      const schema = `${prefix}_shared`;
      schemas.push(schema);
      const [a, b] = await Promise.all([
        openPostgresStore(PG_URL, { schema, max: 2 }),
        openPostgresStore(PG_URL, { schema, max: 2 })
      ]);
      try {
        const doc = new Y.Doc();
        const updates = edits(doc, 6);
        const [idsA, idsB] = await Promise.all([
          a.append(updates.slice(0, 3).map((u) => entry('r', u))),
          b.append(updates.slice(3).map((u) => entry('r', u)))
        ]);
        const all = [...idsA, ...idsB].sort((x, y) => x - y);
        expect(new Set(all).size).toBe(6);
        expect((await b.load('r')).updates.map((u) => u.id)).toEqual(all);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('reports an unreachable server as StoreError backend', async () => {
      await expectStoreError(openPostgresStore('postgres://postgres@127.0.0.1:1/test'), 'backend');
    });
  });
});
