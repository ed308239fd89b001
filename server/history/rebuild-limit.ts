/**
 * A per-person rate limit on rebuilding past moments (GET /at, /compare): a rebuild reads a
 * checkpoint and up to a day of log from the store, so one person scrubbing in a loop (or a
 * script with a viewer's token) must not starve everyone else's reads. Keyed by the session's
 * subject, never by anything in the request. Scrubbing a slider stays far inside the default: the
 * client fetches once on release, and moves forward by `from=` diffs.
 *
 * Buckets of people idle for a while are dropped, so the map stays as small as the active crowd.
 */
import { TokenBucket } from '../sync/rate.ts';

export type RebuildRate = { perSecond: number; burst: number };

/** 4 rebuilds a second sustained, 20 at once: a quick scrub plus a compare never hits it. */
export const DEFAULT_REBUILD_RATE: RebuildRate = { perSecond: 4, burst: 20 };

export type RebuildLimiter = {
  /** Takes `cost` rebuilds from the person's budget; false when they are over it. */
  take(person: string, cost?: number): boolean;
  /** People currently tracked (for tests and metrics). */
  size(): number;
};

export function createRebuildLimiter(rate: RebuildRate = DEFAULT_REBUILD_RATE, now: () => number = performance.now.bind(performance)): RebuildLimiter {
  const buckets = new Map<string, { bucket: TokenBucket; seen: number }>();
  // A bucket refills completely in burst / perSecond seconds; after that it is the same as a new one.
  const idleMs = (rate.burst / rate.perSecond) * 1000;
  let lastSweep = now();
  return {
    take(person, cost = 1) {
      const t = now();
      if (t - lastSweep > idleMs) {
        for (const [k, v] of buckets) if (t - v.seen > idleMs) buckets.delete(k);
        lastSweep = t;
      }
      let entry = buckets.get(person);
      if (!entry) buckets.set(person, (entry = { bucket: new TokenBucket(rate.perSecond, rate.burst, now), seen: t }));
      entry.seen = t;
      return entry.bucket.take(cost);
    },
    size: () => buckets.size
  };
}
