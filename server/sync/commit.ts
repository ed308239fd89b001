/**
 * Group commit: every update applied during one event-loop turn, in any room, is written to the
 * store in one transaction at the end of the turn; then each room fans out and acknowledges. One
 * flush runs at a time, so batches commit and fan out in order.
 *
 * If the store fails (refused, or past its deadline: STORE_TIMEOUT_MS), the rooms keep their
 * updates queued (nobody has seen them, nothing is acknowledged) and are handed to `onHeld`, which
 * tells their people their edits are held; the flush is retried with a backoff capped at
 * RETRY_CAP_MS, so edits are saved within about a second of the store coming back. Only after
 * `holdMs` of failing without a break are the rooms handed to `onFatal`, which closes their peers
 * (who still hold their edits and resend them on reconnect) and unloads them: a bound on what a
 * server holds in memory for a store that is not coming back.
 */
import type { DocStore } from '../persistence/store.ts';
import type { Logger } from '../observability/logger.ts';
import { timed, type Metrics } from '../observability/metrics.ts';
import type { Batch, Room } from './room.ts';

/** The longest wait between two attempts at a failing commit. */
const RETRY_CAP_MS = 1_000;

export class GroupCommit {
  private dirty = new Set<Room>();
  private scheduled = false;
  private running: Promise<void> | null = null;
  private failures = 0;
  /** When the current run of failures began (ms), or null while the store answers. */
  private failingSince: number | null = null;

  constructor(
    private readonly store: DocStore,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly onCommitted: (room: Room, fannedOut: Uint8Array[]) => void,
    private readonly onFatal: (rooms: Room[], err: unknown) => void,
    private readonly onHeld: (rooms: Room[], err: unknown) => void = () => {},
    private readonly holdMs = 120_000
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
      this.failingSince ??= Date.now();
      for (const [room, batch] of batches) room.failed(batch);
      if (Date.now() - this.failingSince >= this.holdMs) {
        this.log.error({ err, rooms: rooms.map((r) => r.name) }, 'store append keeps failing; unloading rooms');
        this.failures = 0;
        this.failingSince = null;
        this.onFatal(rooms, err);
        return;
      }
      this.log.warn({ err, attempt: this.failures }, 'store append failed; edits held, retrying');
      for (const room of rooms) this.dirty.add(room);
      this.onHeld(rooms, err);
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** this.failures, RETRY_CAP_MS)));
      return;
    }
    this.failures = 0;
    this.failingSince = null;
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
