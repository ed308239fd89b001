/**
 * The document store: the one interface every persistence backend implements (memory, SQLite,
 * Postgres). The server core never talks to a database directly.
 *
 * Model: each room has an append-only log of Yjs updates (with the server's receive time and the
 * author) and, from time to time, a checkpoint: one merged update covering every log entry up to
 * an id. Loading reads the newest checkpoint plus the entries after it. Originals stay in the log
 * after a checkpoint (version history and time travel are built on them) until `prune` drops the
 * ones older than the retention window that an older-kept checkpoint already covers.
 *
 * Ids are assigned by the store, increase monotonically per store (not per room), and are returned
 * in the order the batch was given, so several servers can share one database later.
 */
import type { CheckpointMeta } from './retention.ts';

export type NewUpdate = {
  room: string;
  data: Uint8Array;
  /** Server receive time, ms since epoch. */
  receivedAt: number;
  /** The author's user id from the token (never the token itself). */
  author: string;
  /**
   * Yjs client ids this update is the first to write with: claimed for `author` in the same
   * transaction (AccessStore.clientOwners), first claim wins. Not part of the stored entry.
   */
  clients?: number[];
};

export type StoredUpdate = Omit<NewUpdate, 'clients'> & { id: number };

export type Checkpoint = {
  id: number;
  room: string;
  /** Merged update covering every log entry of the room with id <= uptoId. */
  data: Uint8Array;
  uptoId: number;
  createdAt: number;
};

export type LoadedRoom = {
  checkpoint: Checkpoint | null;
  /** Log entries with id > checkpoint.uptoId (all entries without a checkpoint), ascending. */
  updates: StoredUpdate[];
};

export type RoomInfo = {
  room: string;
  /** 'plan' or 'retro'; later issues may add kinds. */
  kind: string;
  createdAt: number;
  createdBy: string;
};

export type LogStats = { entries: number; bytes: number };

export type { CheckpointMeta };

/** What a room's retained history starts from: its checkpoints' metadata and its oldest log entry. */
export type HistoryIndex = {
  /** Every retained checkpoint of the room, without data, ascending by id. */
  checkpoints: CheckpointMeta[];
  /** The room's oldest retained log entry, or null when its log is empty. */
  firstEntry: { id: number; receivedAt: number } | null;
};

/** Log entries of one room received in [start, start + bucket), per author. */
export type ActivityRow = { start: number; author: string; count: number };

/** A named moment of a room ("Steering 12 Nov"). */
export type NewVersion = {
  room: string;
  name: string;
  /** The moment named, ms since epoch. */
  at: number;
  /** The user id of whoever named it, from their session. */
  createdBy: string;
  createdAt: number;
};
export type Version = NewVersion & { id: number };

export interface DocStore {
  /** A short name for logs and metrics: 'memory', 'sqlite', 'postgres'. */
  readonly name: string;

  /** Newest checkpoint plus the log after it. An unknown room loads as empty. */
  load(room: string): Promise<LoadedRoom>;

  /**
   * Full retained history: the oldest retained checkpoint (or none) plus EVERY retained log entry,
   * ascending, including entries that checkpoint already covers (Yjs applies them idempotently), so
   * the originals with their times are all there for history and time travel. Used to rebuild a
   * room whose newest checkpoint cannot be read.
   */
  loadHistory(room: string): Promise<LoadedRoom>;

  /**
   * Group commit: append every update of the batch (any mix of rooms) in one transaction and
   * return their ids in batch order. Either all are durable when the promise resolves, or it
   * rejects and none are.
   */
  append(batch: NewUpdate[]): Promise<number[]>;

  /**
   * Store a checkpoint of `room` covering log entries up to `uptoId`. Refused with
   * StoreError('emptyOverNonEmpty') when `data` is an empty Yjs update while the room has any
   * stored content, so a bug that produced an empty doc can never replace a real one.
   */
  checkpoint(room: string, data: Uint8Array, uptoId: number, createdAt: number): Promise<Checkpoint>;

  /** Entries and bytes in the log after the newest checkpoint: the compaction trigger reads it. */
  logStats(room: string): Promise<LogStats>;

  /**
   * Retention: delete log entries received before `olderThan` that are covered by a checkpoint
   * which itself is kept, and checkpoints superseded by that one; with `now`, also thin the
   * checkpoints inside the window to CHECKPOINT_SPACING (retention.ts, planPrune). Returns entries
   * deleted. The newest checkpoint and every entry after it are never deleted.
   */
  prune(room: string, olderThan: number, now?: number): Promise<number>;

  /** The retained checkpoints (metadata only) and oldest entry of a room, read in one snapshot. */
  historyIndex(room: string): Promise<HistoryIndex>;

  /**
   * The room as it was at `at` (time travel): the newest checkpoint created at or before `at`
   * (null if none) plus the log entries after its uptoId received at or before `at`, ascending by
   * id, read in one snapshot. Whether the retained history reaches back to `at` is the caller's
   * question (server/history/range.ts answers it from historyIndex).
   */
  loadAt(room: string, at: number): Promise<LoadedRoom>;

  /**
   * Log entries of a room received in (after, until], ascending by id: what changed between two
   * moments, so a client showing the room at `after` can move forward to `until` without a rebuild.
   */
  entriesReceived(room: string, after: number, until: number): Promise<StoredUpdate[]>;

  /** Log entries per `bucketMs`-wide bucket (aligned to the epoch) and author, ascending by start, then author. */
  activity(room: string, bucketMs: number): Promise<ActivityRow[]>;

  /** Names a moment of a room; versions are kept whatever retention prunes (they are tiny). */
  addVersion(version: NewVersion): Promise<Version>;
  /** A room's named versions, ascending by moment, then id. */
  listVersions(room: string): Promise<Version[]>;

  /** The room registry: rooms exist once registered (a plan created, a retro opened). */
  registerRoom(info: RoomInfo): Promise<void>;
  getRoom(room: string): Promise<RoomInfo | null>;
  listRooms(): Promise<RoomInfo[]>;

  close(): Promise<void>;
}

/** `conflict`: a uniqueness rule of the data refused the write (nothing was written). */
export type StoreErrorKind = 'emptyOverNonEmpty' | 'closed' | 'corrupt' | 'backend' | 'timeout' | 'conflict';

/** The one error type at the store boundary. */
export class StoreError extends Error {
  constructor(readonly kind: StoreErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** An encoded Yjs update that carries no structs and no deletions. */
export function isEmptyUpdate(data: Uint8Array): boolean {
  // Yjs v1 encoding of an empty update is [0 structs-clients][0 delete-set-clients].
  return data.length === 0 || (data.length === 2 && data[0] === 0 && data[1] === 0);
}
