/**
 * How far back a room's retained history reaches. Pure: reads the store's HistoryIndex.
 *
 * Prune (persistence/retention.ts) deletes, in one transaction, the checkpoints older than its base
 * checkpoint and every entry that base covers (they were all received before it was made). So:
 * - while the oldest retained entry is one the oldest checkpoint covers (or there is no checkpoint
 *   at all), nothing was ever pruned and the log reaches back to the room's creation;
 * - otherwise the oldest checkpoint is the base, and nothing before it can be rebuilt.
 */
import type { HistoryIndex } from '../persistence/store.ts';

/** The earliest moment that can be rebuilt exactly, ms since epoch. */
export function earliestMoment(index: HistoryIndex, roomCreatedAt: number): number {
  const oldest = index.checkpoints[0];
  const first = index.firstEntry;
  const complete = !oldest || (first !== null && first.id <= oldest.uptoId);
  if (complete) return Math.min(roomCreatedAt, first?.receivedAt ?? roomCreatedAt);
  return oldest.createdAt;
}
