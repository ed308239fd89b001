/**
 * Group commit: every update applied during one event-loop turn, in any room, is written to the
 * store in one transaction at the end of the turn; then each room fans out and acknowledges. One
 * flush runs at a time, so batches commit and fan out in order.
 *
 * If the store fails, the rooms keep their updates queued (nobody has seen them) and the flush is
 * retried with backoff; after `maxFailures` in a row the rooms are handed to `onFatal`, which
 * closes their peers (who still hold their edits and resend them on reconnect) and unloads them.
 */
import type { DocStore } from '../persistence/store.ts';
import type { Logger } from '../observability/logger.ts';
import { timed, type Metrics } from '../observability/metrics.ts';
import type { Batch, Room } from './room.ts';

export class GroupCommit {
  private dirty = new Set<Room>();
  private scheduled = false;
  private running: Promise<void> | null = null;
  private failures = 0;

  constructor(
    private readonly store: DocStore,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly onCommitted: (room: Room, fannedOut: Uint8Array[]) => void,
    private readonly onFatal: (rooms: Room[], err: unknown) => void,
    private readonly maxFailures = 5
  ) {}

  schedule(room: Room): void {
    this.dirty.add(room);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flushGuarded());
  }

  /** A scheduled flush is a callback with no caller to tell: its failures end here. */
  private flushGuarded(): void {
    this.flush().catch((err) => {
      this.metrics.callbackErrors.inc({ kind: 'commit' });
      this.log.error({ err }, 'group commit failed');
    });
  }

  /** Commits everything queued so far; resolves when it is durable (used at shutdown and eviction). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.scheduled = false;
    if (this.dirty.size === 0) return;
    const rooms = [...this.dirty];
    this.dirty.clear();
    this.running = this.commit(rooms);
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (this.dirty.size > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushGuarded());
    }
  }

  private async commit(rooms: Room[]): Promise<void> {
    const batches = new Map<Room, Batch>();
    for (const room of rooms) if (!room.destroyed) batches.set(room, room.takeBatch());
    // Entries are copied out before the store sees them: a room whose batch cannot be taken is not here.
    const entries = [...batches.values()].flatMap((b) => b.entries);
    let ids: number[];
    try {
      ids = entries.length ? await timed(this.metrics, 'append', () => this.store.append(entries.map(({ peer: _peer, ...e }) => e))) : [];
    } catch (err) {
      this.failures++;
      for (const [room, batch] of batches) room.failed(batch);
      if (this.failures >= this.maxFailures) {
        this.log.error({ err, rooms: rooms.map((r) => r.name) }, 'store append keeps failing; unloading rooms');
        this.failures = 0;
        this.onFatal(rooms, err);
        return;
      }
      this.log.warn({ err, attempt: this.failures }, 'store append failed; retrying');
      for (const room of rooms) this.dirty.add(room);
      await new Promise((r) => setTimeout(r, 50 * 2 ** this.failures));
      return;
    }
    this.failures = 0;
    this.metrics.updates.inc(entries.length);
    let offset = 0;
    for (const [room, batch] of batches) {
      const roomIds = ids.slice(offset, offset + batch.entries.length);
      offset += batch.entries.length;
      try {
        this.onCommitted(room, room.committed(batch, roomIds));
      } catch (err) {
        // Durable already; only this room's fan-out failed. Its peers reconnect and resync.
        this.metrics.callbackErrors.inc({ kind: 'commit' });
        this.onFatal([room], err);
      }
    }
  }
}
