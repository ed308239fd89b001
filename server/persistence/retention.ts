/**
 * The prune rule, shared by every backend so they cannot drift apart. Backends read the room's
 * checkpoint metadata (never the data), ask `planPrune` what to delete, and execute the plan in one
 * transaction.
 */

export type CheckpointMeta = { id: number; uptoId: number; createdAt: number };

export type PrunePlan = {
  /** Delete log entries of the room with id <= this and receivedAt < olderThan. */
  entriesUpToId: number;
  /** Delete checkpoints of the room with id < this (superseded by the kept one). */
  checkpointsBelowId: number;
};

/**
 * Picks the checkpoint to keep as the base of the retained history: the newest one created before
 * `olderThan`. Because it predates the retention window, it plus the entries after it can rebuild
 * the room at any moment inside the window (time travel), and `loadHistory` (oldest retained
 * checkpoint + every entry after it) still yields the full current state. Returns null when no
 * checkpoint is old enough: then nothing may be deleted.
 *
 * Deleted entries are additionally capped at the newest checkpoint's uptoId, so even a caller that
 * stored checkpoints with decreasing uptoIds can never lose an entry that `load` still needs.
 */
export function planPrune(checkpoints: readonly CheckpointMeta[], olderThan: number): PrunePlan | null {
  let newest: CheckpointMeta | null = null;
  let keep: CheckpointMeta | null = null;
  for (const c of checkpoints) {
    if (!newest || c.id > newest.id) newest = c;
    if (c.createdAt < olderThan && (!keep || c.id > keep.id)) keep = c;
  }
  if (!newest || !keep) return null;
  return {
    entriesUpToId: Math.min(keep.uptoId, newest.uptoId),
    checkpointsBelowId: keep.id
  };
}
