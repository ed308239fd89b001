/**
 * The two aggregate structures that make metrics incremental: per-day delta counters (a card adds
 * its contribution, and takes it back when it changes) and a sorted list of samples with
 * O(log n) find. Both give the same answer however their contents arrived, which is what lets the
 * incremental path equal a full recomputation.
 */
import type { Day } from './calendar.ts';

/** Sparse per-day deltas. The running total on day d is the sum of every delta on days <= d. */
export class DayCounts {
  private readonly deltas = new Map<Day, number>();

  add(day: Day, n: number): void {
    const v = (this.deltas.get(day) ?? 0) + n;
    if (v === 0) this.deltas.delete(day);
    else this.deltas.set(day, v);
  }

  /** Running totals for each day of [from, to]. */
  cumulative(from: Day, to: Day): number[] {
    const out = this.daily(from, to);
    let carry = 0;
    for (const [day, v] of this.deltas) if (day < from) carry += v;
    for (let i = 0; i < out.length; i++) out[i] = carry += out[i];
    return out;
  }

  /** The deltas themselves for each day of [from, to] (0 where none). */
  daily(from: Day, to: Day): number[] {
    const out = new Array<number>(Math.max(0, to - from + 1)).fill(0);
    for (const [day, v] of this.deltas) if (day >= from && day <= to) out[day - from] += v;
    return out;
  }

  /** Earliest day with a non-zero delta, or null. */
  firstDay(): Day | null {
    let min: Day | null = null;
    for (const day of this.deltas.keys()) if (min === null || day < min) min = day;
    return min;
  }

  get size(): number {
    return this.deltas.size;
  }
}

/** One observation: a duration of one card that finished on `day` at `at`. */
export type Sample = { readonly id: string; readonly value: number; readonly day: Day; readonly at: number };

const before = (a: Sample, b: Sample) => a.value < b.value || (a.value === b.value && a.id < b.id);

/** Samples kept sorted by (value, id): percentiles need no sort at query time. */
export class SortedSamples {
  private readonly items: Sample[] = [];

  private position(s: Sample): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.items[mid], s)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(s: Sample): void {
    this.items.splice(this.position(s), 0, s);
  }

  remove(s: Sample): void {
    const i = this.position(s);
    if (i < this.items.length && this.items[i].id === s.id && this.items[i].value === s.value) this.items.splice(i, 1);
  }

  /** Samples whose day is in [from, to], ascending by value. */
  within(from: Day, to: Day): Sample[] {
    return this.items.filter((s) => s.day >= from && s.day <= to);
  }
}
