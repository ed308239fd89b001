/**
 * Plan-wide flow aggregates kept as counters: each card contributes its CFD segments, its
 * completion day, its arrival day and its durations, and takes exactly that back when it changes
 * or is deleted [G5]. Reports read these counters; they never walk the cards.
 */
import { DayCounts, SortedSamples } from './counters.ts';
import type { CardFacts } from './timeline.ts';

/** [CFD1, TP1, CT1–CT6, LT1–LT3, WIP2, INC1] Plan-wide flow counters. */
export class FlowCounters {
  /** [CFD1] status → deltas of "cards ending the day in this status". */
  readonly cfd = new Map<string, DayCounts>();
  /** [TP1] completions per day. */
  readonly throughput = new DayCounts();
  /** Cards created per day (also gives the first day of the plan's series). */
  readonly arrivals = new DayCounts();
  /** [CT1–CT6] and [LT1–LT3] durations of cards done now. */
  readonly cycle = new SortedSamples((f) => f.cycleMs!);
  readonly lead = new SortedSamples((f) => f.leadMs!);
  /** [WIP2] cards per present status. */
  readonly statusNow = new Map<string, number>();
  /** [CT3] cards that have been reopened at least once, and reopen transitions in all. */
  reopenedCards = 0;
  reopens = 0;
  cards = 0;
  /** Cards done now [TP1]. */
  doneNow = 0;

  add(f: CardFacts): void {
    this.contribute(f, 1);
  }

  remove(f: CardFacts): void {
    this.contribute(f, -1);
  }

  private contribute(f: CardFacts, sign: 1 | -1): void {
    const days = f.segDays;
    for (let i = 0; i < days.length; i++) {
      let counts = this.cfd.get(f.segStatuses[i]);
      if (!counts) this.cfd.set(f.segStatuses[i], (counts = new DayCounts()));
      counts.add(days[i], sign);
      if (i + 1 < days.length) counts.add(days[i + 1], -sign);
    }
    this.arrivals.add(days[0], sign);
    if (f.doneDay !== null) {
      this.throughput.add(f.doneDay, sign);
      this.doneNow += sign;
    }
    this.sample(this.cycle, f, f.cycleMs, sign);
    this.sample(this.lead, f, f.leadMs, sign);
    this.statusNow.set(f.card.status, (this.statusNow.get(f.card.status) ?? 0) + sign);
    if (f.reopens > 0) this.reopenedCards += sign;
    this.reopens += sign * f.reopens;
    this.cards += sign;
  }

  private sample(into: SortedSamples, f: CardFacts, value: number | null, sign: 1 | -1): void {
    if (value === null || f.doneDay === null) return;
    if (sign > 0) into.insert(f);
    else into.remove(f);
  }
}
