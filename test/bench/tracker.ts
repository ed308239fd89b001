/**
 * Delivery tracking for the load clients. Every client lives in the one load-client process, so a
 * writer registers each update it sends (writer's Yjs client id + clock → send time and how many
 * other clients must receive it) and each receiver reports the Yjs (client, clock) ranges of every
 * update frame it gets. When the last receiver has it, the fan-out latency is recorded.
 *
 * Receivers do not apply updates (500 Y.Docs applying every update would measure the load
 * generator, not the server): they read the update's (client, clock) ranges with
 * `Y.parseUpdateMeta`, once per distinct frame — every receiver in a room gets the same bytes, so
 * the parse is cached by the frame's content.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

type Rec = { t: number; remaining: number; done: ((ms: number) => void) | null };

export type Phase = {
  /** Fan-out latencies (ms) of updates every other client received. */
  fanout: number[];
  /** Send → ack latencies (ms) (Plenary's `?ack=1`). */
  acks: number[];
  /** Sync-update frames received by all clients. */
  framesIn: number;
};

export function newPhase(): Phase {
  return { fanout: [], acks: [], framesIn: 0 };
}

const META_CACHE_LIMIT = 50_000;

export class Tracker {
  /** writer client id → clock → record. */
  private readonly writers = new Map<number, Map<number, Rec>>();
  private readonly metaCache = new Map<string, number[]>();
  private outstandingCount = 0;
  phase: Phase = newPhase();

  get outstanding(): number {
    return this.outstandingCount;
  }

  /** A writer sent clocks [from, to) of its client id; `expected` other clients must receive them. */
  sent(client: number, from: number, to: number, expected: number, t: number, done: ((ms: number) => void) | null = null): void {
    if (expected <= 0) return;
    let clocks = this.writers.get(client);
    if (!clocks) this.writers.set(client, (clocks = new Map()));
    for (let clock = from; clock < to; clock++) {
      clocks.set(clock, { t, remaining: expected, done: clock === to - 1 ? done : null });
      this.outstandingCount++;
    }
  }

  /** A client (whose own Yjs id is `self`) received a sync-update frame at time t. */
  received(self: number, frame: Buffer, payloadOffset: number, t: number): void {
    this.phase.framesIn++;
    const key = frame.toString('latin1');
    let ranges = this.metaCache.get(key);
    if (!ranges) {
      ranges = parseRanges(frame, payloadOffset);
      if (this.metaCache.size >= META_CACHE_LIMIT) this.metaCache.clear();
      this.metaCache.set(key, ranges);
    }
    for (let i = 0; i < ranges.length; i += 3) {
      const client = ranges[i];
      if (client === self) continue;
      const clocks = this.writers.get(client);
      if (!clocks) continue;
      for (let clock = ranges[i + 1]; clock < ranges[i + 2]; clock++) {
        const rec = clocks.get(clock);
        if (!rec) continue;
        if (--rec.remaining === 0) {
          clocks.delete(clock);
          this.outstandingCount--;
          const ms = t - rec.t;
          this.phase.fanout.push(ms);
          rec.done?.(ms);
        }
      }
    }
  }

  /** Gives up on one tracked clock (sequential mode timeout). */
  forget(client: number, clock: number): void {
    if (this.writers.get(client)?.delete(clock)) this.outstandingCount--;
  }

  /**
   * Ends the wait for everything still outstanding: each counts as undelivered, with its age so far
   * as a lower bound of its latency. Returns how many there were.
   */
  expireAll(now: number): number {
    let n = 0;
    for (const clocks of this.writers.values()) {
      for (const rec of clocks.values()) {
        this.phase.fanout.push(now - rec.t);
        n++;
      }
      clocks.clear();
    }
    this.outstandingCount = 0;
    return n;
  }
}

/** [client, fromClock, toClock, …] of the update inside a [0 sync][2 update][update] frame. */
function parseRanges(frame: Buffer, payloadOffset: number): number[] {
  const decoder = decoding.createDecoder(new Uint8Array(frame.buffer, frame.byteOffset + payloadOffset, frame.length - payloadOffset));
  const update = decoding.readVarUint8Array(decoder);
  const meta = Y.parseUpdateMeta(update);
  const out: number[] = [];
  for (const [client, from] of meta.from) out.push(client, from, meta.to.get(client) ?? from);
  return out;
}
