/**
 * The prune rule, shared by every backend so they cannot drift apart. Backends read the room's
 * checkpoint metadata (never the data), ask `planPrune` what to delete, and execute the plan in one
 * transaction.
 *
 * What time travel needs from it (server/history): any moment inside the retention window can be
 * rebuilt from the newest checkpoint at or before it plus the log entries received after that
 * checkpoint up to the moment. So the log inside the window is never touched, one checkpoint from
 * before the window is kept as the base, and the checkpoints inside the window are thinned to a
 * spacing (below) that bounds how much log a rebuild replays without keeping a full copy of the
 * document for every compaction.
 */

export type CheckpointMeta = { id: number; uptoId: number; createdAt: number };

export type PrunePlan = {
  /** Delete log entries of the room with id <= this and receivedAt < olderThan (0: none). */
  entriesUpToId: number;
  /** Delete these checkpoints of the room (superseded by the base, or thinned out). */
  checkpointIds: number[];
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Checkpoints kept inside the retention window: the newest of each hour for the last week, the
 * newest of each (UTC) day before that. A rebuild therefore replays at most about two hours of log
 * for a recent moment and two days for an older one.
 */
export const CHECKPOINT_SPACING = { recentMs: 7 * DAY, recentBucketMs: HOUR, olderBucketMs: DAY } as const;

/**
 * The base checkpoint is the newest one created before `olderThan`: it plus the entries after it
 * rebuild the room at any moment from its creation time on, and `loadHistory` (oldest retained
 * checkpoint + every entry after it) still yields the full current state. Without one, no entry is
 * deleted. Deleted entries are additionally capped at the newest checkpoint's uptoId, so even a
 * caller that stored checkpoints with decreasing uptoIds can never lose an entry `load` needs.
 *
 * With `now`, checkpoints inside the window (newer than the base, older than the newest) are thinned
 * to CHECKPOINT_SPACING, measured back from `now`. The newest, the base and (with no base yet) the
 * oldest checkpoint are always kept: the oldest is what tells a pruned log from a complete one.
 * Returns null when there is nothing to delete.
 */
export function planPrune(checkpoints: readonly CheckpointMeta[], olderThan: number, now?: number): PrunePlan | null {
  if (!checkpoints.length) return null;
  const byId = [...checkpoints].sort((a, b) => a.id - b.id);
  const newest = byId.at(-1)!;
  let base: CheckpointMeta | null = null;
  for (const c of byId) if (c.createdAt < olderThan) base = c;

  const drop: number[] = [];
  const keepFrom = base ?? byId[0];
  for (const c of byId) if (c.id < keepFrom.id) drop.push(c.id);

  if (now !== undefined) {
    // Walk newest first so the newest checkpoint of each bucket is the one kept.
    const seen = new Set<string>();
    for (let i = byId.length - 2; i >= 0; i--) {
      const c = byId[i];
      if (c.id <= keepFrom.id) break;
      const recent = c.createdAt >= now - CHECKPOINT_SPACING.recentMs;
      const bucket = recent
        ? `h${Math.floor(c.createdAt / CHECKPOINT_SPACING.recentBucketMs)}`
        : `d${Math.floor(c.createdAt / CHECKPOINT_SPACING.olderBucketMs)}`;
      if (seen.has(bucket)) drop.push(c.id);
      else seen.add(bucket);
    }
  }
  const entriesUpToId = base ? Math.min(base.uptoId, newest.uptoId) : 0;
  if (!drop.length && !entriesUpToId) return null;
  return { entriesUpToId, checkpointIds: drop.sort((a, b) => a - b) };
}
