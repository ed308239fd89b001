/**
 * Plan-wide flow aggregates kept as counters: each card contributes its CFD segments, its
 * completion day, its arrival day and its durations, and takes exactly that back when it changes
 * or is deleted [G5]. Reports read these counters; they never walk the cards.
 */
import { DayCounts, SortedSamples, type Sample } from './counters.ts';
import type { CardFacts } from './timeline.ts';

export class FlowCounters {
  /** [CFD1] status → deltas of "cards ending the day in this status". */
  readonly cfd = new Map<string, DayCounts>();
  /** [TP1] completions per day. */
  readonly throughput = new DayCounts();
  /** Cards created per day (also gives the first day of the plan's series). */
  readonly arrivals = new DayCounts();
  /** [CT1–CT6] and [LT1–LT3] durations of cards done now. */
  readonly cycle = new SortedSamples();
  readonly lead = new SortedSamples();
  /** [WIP2] cards per present status. */
  readonly statusNow = new Map<string, number>();
  /** [CT3] cards that have been reopened at least once, and reopen transitions in all. */
  reopenedCards = 0;
  reopens = 0;
  cards = 0;

  add(f: CardFacts): void {
    this.contribute(f, 1);
  }

  remove(f: CardFacts): void {
    this.contribute(f, -1);
  }

  private contribute(f: CardFacts, sign: 1 | -1): void {
    const segs = f.segments;
    for (let i = 0; i < segs.length; i++) {
      let counts = this.cfd.get(segs[i].status);
      if (!counts) this.cfd.set(segs[i].status, (counts = new DayCounts()));
      counts.add(segs[i].day, sign);
      if (i + 1 < segs.length) counts.add(segs[i + 1].day, -sign);
    }
    this.arrivals.add(segs[0].day, sign);
    if (f.doneDay !== null) this.throughput.add(f.doneDay, sign);
    this.sample(this.cycle, f, f.cycleMs, sign);
    this.sample(this.lead, f, f.leadMs, sign);
    this.statusNow.set(f.card.status, (this.statusNow.get(f.card.status) ?? 0) + sign);
    if (f.reopens > 0) this.reopenedCards += sign;
    this.reopens += sign * f.reopens;
    this.cards += sign;
  }

  private sample(into: SortedSamples, f: CardFacts, value: number | null, sign: 1 | -1): void {
    if (value === null || f.doneDay === null || f.doneAt === null) return;
    const s: Sample = { id: f.id, value, day: f.doneDay, at: f.doneAt };
    if (sign > 0) into.insert(s);
    else into.remove(s);
  }
}
