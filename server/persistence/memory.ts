/**
 * In-process store for tests. It behaves like the database backends where it matters: bytes are
 * copied in and out (no aliasing with the caller's buffers), a batch is validated before anything
 * is written (all or nothing), and ids are shared by all rooms.
 */
import { planPrune } from './retention.ts';
import { StoreGuard } from './guard.ts';
import {
  isEmptyUpdate,
  StoreError,
  type Checkpoint,
  type DocStore,
  type LoadedRoom,
  type NewUpdate,
  type RoomInfo,
  type StoredUpdate
} from './store.ts';

type RoomLog = { updates: StoredUpdate[]; checkpoints: Checkpoint[] };

const copyUpdate = (u: StoredUpdate): StoredUpdate => ({ ...u, data: u.data.slice() });
const copyCheckpoint = (c: Checkpoint): Checkpoint => ({ ...c, data: c.data.slice() });

/** What a database's NOT NULL and column types would reject. */
function checkUpdate(u: NewUpdate, index: number): void {
  const ok =
    u != null &&
    typeof u.room === 'string' &&
    typeof u.author === 'string' &&
    Number.isFinite(u.receivedAt) &&
    u.data instanceof Uint8Array;
  if (!ok) throw new StoreError('backend', `memory append: invalid update at index ${index}`);
}

export function createMemoryStore(): DocStore {
  const guard = new StoreGuard('memory');
  const logs = new Map<string, RoomLog>();
  const rooms = new Map<string, RoomInfo>();
  let nextUpdateId = 1;
  let nextCheckpointId = 1;

  const logOf = (room: string): RoomLog => {
    let log = logs.get(room);
    if (!log) logs.set(room, (log = { updates: [], checkpoints: [] }));
    return log;
  };
  const newestCheckpoint = (log: RoomLog | undefined): Checkpoint | null =>
    log?.checkpoints.at(-1) ?? null; // checkpoints are kept in id order

  const loaded = (checkpoint: Checkpoint | null, updates: StoredUpdate[], after = checkpoint?.uptoId ?? 0): LoadedRoom => ({
    checkpoint: checkpoint && copyCheckpoint(checkpoint),
    updates: updates.filter((u) => u.id > after).map(copyUpdate)
  });

  return {
    name: 'memory',

    load: (room) =>
      guard.run('load', () => {
        const log = logs.get(room);
        return loaded(newestCheckpoint(log), log?.updates ?? []);
      }),

    loadHistory: (room) =>
      guard.run('loadHistory', () => {
        const log = logs.get(room);
        return loaded(log?.checkpoints[0] ?? null, log?.updates ?? [], 0);
      }),

    append: (batch) =>
      guard.run('append', () => {
        batch.forEach(checkUpdate);
        return batch.map((u) => {
          const id = nextUpdateId++;
          logOf(u.room).updates.push({
            id,
            room: u.room,
            receivedAt: u.receivedAt,
            author: u.author,
            data: u.data.slice()
          });
          return id;
        });
      }),

    checkpoint: (room, data, uptoId, createdAt) =>
      guard.run('checkpoint', () => {
        const log = logs.get(room);
        const hasContent =
          !!log && (log.updates.length > 0 || log.checkpoints.some((c) => !isEmptyUpdate(c.data)));
        if (isEmptyUpdate(data) && hasContent) {
          throw new StoreError('emptyOverNonEmpty', `refusing an empty checkpoint over room ${room}`);
        }
        const cp: Checkpoint = { id: nextCheckpointId++, room, data: data.slice(), uptoId, createdAt };
        logOf(room).checkpoints.push(cp);
        return copyCheckpoint(cp);
      }),

    logStats: (room) =>
      guard.run('logStats', () => {
        const log = logs.get(room);
        const after = newestCheckpoint(log)?.uptoId ?? 0;
        let entries = 0;
        let bytes = 0;
        for (const u of log?.updates ?? []) {
          if (u.id <= after) continue;
          entries++;
          bytes += u.data.byteLength;
        }
        return { entries, bytes };
      }),

    prune: (room, olderThan) =>
      guard.run('prune', () => {
        const log = logs.get(room);
        const plan = log && planPrune(log.checkpoints, olderThan);
        if (!log || !plan) return 0;
        const before = log.updates.length;
        log.updates = log.updates.filter((u) => !(u.id <= plan.entriesUpToId && u.receivedAt < olderThan));
        log.checkpoints = log.checkpoints.filter((c) => c.id >= plan.checkpointsBelowId);
        return before - log.updates.length;
      }),

    registerRoom: (info) =>
      guard.run('registerRoom', () => {
        // First registration wins, as with the databases' ON CONFLICT DO NOTHING.
        if (!rooms.has(info.room)) rooms.set(info.room, { ...info });
      }),

    getRoom: (room) =>
      guard.run('getRoom', () => {
        const info = rooms.get(room);
        return info ? { ...info } : null;
      }),

    listRooms: () =>
      guard.run('listRooms', () => [...rooms.values()].map((r) => ({ ...r })).sort(compareRooms)),

    async close() {
      guard.close();
      logs.clear();
      rooms.clear();
    }
  };
}

/** listRooms order, the same in every backend: oldest first, ties by name. */
function compareRooms(a: RoomInfo, b: RoomInfo): number {
  return a.createdAt - b.createdAt || (a.room < b.room ? -1 : a.room > b.room ? 1 : 0);
}
