/**
 * Activity over a plan's life for the scrubber: how many changes were stored per hour or per day,
 * and by whom. Pure: shapes the store's per-author counts. Buckets are aligned to UTC (an hour is
 * an hour everywhere; a day bucket is a UTC day, which the client labels in the plan's zone).
 */
import type { ActivityRow } from '../persistence/store.ts';

export const BUCKETS = { hour: 3_600_000, day: 86_400_000 } as const;
export type BucketSize = keyof typeof BUCKETS;

/** Hour buckets while a plan is young (up to two weeks: at most 336 of them), day buckets after. */
export function defaultBucket(from: number, to: number): BucketSize {
  return to - from <= 14 * BUCKETS.day ? 'hour' : 'day';
}

export type ActivityBucket = { start: number; count: number; authors: { id: string; count: number }[] };

/** Rows sorted by start (as the store returns them) → one bucket per start, authors busiest first. */
export function toBuckets(rows: readonly ActivityRow[]): ActivityBucket[] {
  const out: ActivityBucket[] = [];
  for (const r of rows) {
    let b = out.at(-1);
    if (!b || b.start !== r.start) out.push((b = { start: r.start, count: 0, authors: [] }));
    b.count += r.count;
    b.authors.push({ id: r.author, count: r.count });
  }
  for (const b of out) b.authors.sort((x, y) => y.count - x.count || (x.id < y.id ? -1 : 1));
  return out;
}
