/**
 * A room as it was at a moment T, rebuilt from the store without touching the live room: the
 * newest checkpoint created at or before T plus the log entries received after it up to T
 * (DocStore.loadAt), merged into one update. "As it was at T" is by the server's receive time: an
 * edit made offline at 10:00 and synced at 12:00 appears from 12:00 on, which is what anyone
 * looking at the plan could have seen, and what makes a past moment immutable.
 *
 * Merging the encoded updates (Y.mergeUpdates) needs no Y.Doc, so a rebuild costs about the size
 * of its parts and leaves nothing behind. The parts were validated when they were committed.
 */
import * as Y from 'yjs';
import type { DocStore, LoadedRoom } from '../persistence/store.ts';

/** The parts of a loaded room as one encoded Yjs update (an empty update when there are none). */
export function mergeLoaded(loaded: LoadedRoom): Uint8Array {
  const parts = [...(loaded.checkpoint ? [loaded.checkpoint.data] : []), ...loaded.updates.map((u) => u.data)];
  if (parts.length === 0) return new Uint8Array([0, 0]); // Yjs's empty update
  return parts.length === 1 ? parts[0] : Y.mergeUpdates(parts);
}

export type StateAt = {
  /** The room's encoded state at the moment. */
  state: Uint8Array;
  /** Log entries replayed on top of the checkpoint (what a rebuild costs). */
  entries: number;
  checkpointId: number | null;
};

export async function stateAt(store: DocStore, room: string, at: number): Promise<StateAt> {
  const loaded = await store.loadAt(room, at);
  return { state: mergeLoaded(loaded), entries: loaded.updates.length, checkpointId: loaded.checkpoint?.id ?? null };
}

/**
 * What changed between two moments `from` < `at`: the entries received in (from, at], merged. The
 * state at `from` holds exactly the entries received up to `from`, so applying this to it gives the
 * state at `at`: a client moving forward does not need a rebuild.
 */
export async function changesBetween(store: DocStore, room: string, from: number, at: number): Promise<StateAt> {
  const updates = await store.entriesReceived(room, from, at);
  return { state: mergeLoaded({ checkpoint: null, updates }), entries: updates.length, checkpointId: null };
}
