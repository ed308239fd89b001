/**
 * The two aggregate structures that make metrics incremental: per-day delta counters (a card adds
 * its contribution, and takes it back when it changes) and a sorted list of samples with
 * O(log n) find. Both give the same answer however their contents arrived, which is what lets the
 * incremental path equal a full recomputation.
 */
import type { Day } from './calendar.ts';
import type { CardFacts } from './timeline.ts';

/** Days a dense window may span (about 55 years); deltas further out go to a sparse map. */
const MAX_SPAN = 20_000;

/**
 * [INC1] Per-day deltas. The running total on day d is the sum of every delta on days <= d. Dense in a
 * window that grows to cover the days used (real plans span a few hundred days), sparse beyond it,
 * so a garbage timestamp from a peer (year 200,000) costs one map entry, not a huge array.
 */
export class DayCounts {
  private base = 0;
  private values: number[] = [];
  private readonly far = new Map<Day, number>();

  add(day: Day, n: number): void {
    let i = day - this.base;
    if (i < 0 || i >= this.values.length) {
      if (!this.grow(day)) {
        const v = (this.far.get(day) ?? 0) + n;
        if (v === 0) this.far.delete(day);
        else this.far.set(day, v);
        return;
      }
      i = day - this.base;
    }
    this.values[i] += n;
  }

  /** Widens the dense window to hold `day`, with room to spare; false if it would grow too wide. */
  private grow(day: Day): boolean {
    const len = this.values.length;
    if (len === 0) {
      this.base = day - 64;
      this.values = new Array<number>(256).fill(0);
      return true;
    }
    const from = Math.min(this.base, day - 64);
    const to = Math.max(this.base + len, day + 65);
    if (to - from > MAX_SPAN) return false;
    const next = new Array<number>(Math.min(MAX_SPAN, Math.max(to - from, 2 * len))).fill(0);
    const shift = this.base - from;
    for (let k = 0; k < len; k++) next[k + shift] = this.values[k];
    this.base = from;
    this.values = next;
    return true;
  }

  /** Running totals for each day of [from, to]. */
  cumulative(from: Day, to: Day): number[] {
    const out = this.daily(from, to);
    let carry = 0;
    const stop = Math.min(this.values.length, from - this.base);
    for (let k = 0; k < stop; k++) carry += this.values[k];
    for (const [day, v] of this.far) if (day < from) carry += v;
    for (let i = 0; i < out.length; i++) out[i] = carry += out[i];
    return out;
  }

  /** The deltas themselves for each day of [from, to] (0 where none). */
  daily(from: Day, to: Day): number[] {
    const out = new Array<number>(Math.max(0, to - from + 1)).fill(0);
    const lo = Math.max(from, this.base);
    const hi = Math.min(to, this.base + this.values.length - 1);
    for (let d = lo; d <= hi; d++) out[d - from] = this.values[d - this.base];
    for (const [day, v] of this.far) if (day >= from && day <= to) out[day - from] += v;
    return out;
  }

  /** Earliest day with a non-zero delta, or null. */
  firstDay(): Day | null {
    let min: Day | null = null;
    for (const day of this.far.keys()) if (min === null || day < min) min = day;
    for (let k = 0; k < this.values.length; k++) {
      if (this.values[k] !== 0) {
        if (min === null || this.base + k < min) min = this.base + k;
        break;
      }
    }
    return min;
  }
}

/**
 * [INC1, CT7] Durations of done cards (cycle or lead time), sorted by (duration, card id) so percentiles need no
 * sort at query time. The items are the cards' facts themselves (no allocation per sample). Inserts
 * wait in a pending list that the next query sorts and merges in: building 10,000 samples costs
 * one sort, and one edit O(log n) plus a merge at the next query.
 */
export class SortedSamples {
  private items: CardFacts[] = [];
  private pending: CardFacts[] = [];

  constructor(readonly valueOf: (f: CardFacts) => number) {}

  private before(a: CardFacts, b: CardFacts): boolean {
    const va = this.valueOf(a);
    const vb = this.valueOf(b);
    return va < vb || (va === vb && a.id < b.id);
  }

  private position(f: CardFacts): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(this.items[mid], f)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(f: CardFacts): void {
    this.pending.push(f);
  }

  /** Removes exactly the facts object that was inserted (the card's old facts). */
  remove(f: CardFacts): void {
    // A long pending list (just after a build) is merged first, so removal stays O(log n).
    if (this.pending.length > 32) this.settle();
    const k = this.pending.indexOf(f);
    if (k >= 0) {
      this.pending.splice(k, 1);
      return;
    }
    const i = this.position(f);
    if (this.items[i] === f) this.items.splice(i, 1);
  }

  private settle(): CardFacts[] {
    if (this.pending.length === 0) return this.items;
    const add = this.pending.sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
    const merged: CardFacts[] = [];
    let i = 0;
    let j = 0;
    while (i < this.items.length || j < add.length) {
      if (j >= add.length || (i < this.items.length && this.before(this.items[i], add[j]))) merged.push(this.items[i++]);
      else merged.push(add[j++]);
    }
    this.items = merged;
    this.pending = [];
    return merged;
  }

  /** Facts of cards done on a day in [from, to], ascending by duration. */
  within(from: Day, to: Day): CardFacts[] {
    return this.settle().filter((f) => f.doneDay! >= from && f.doneDay! <= to);
  }
}
