/**
 * Per-card derived facts: the card's history put in order [G3], corrected to its present status
 * [G4], cut into calendar days [G1], with the cycle-time and lead-time clocks read off it [CT1–CT6,
 * LT1–LT3]. Everything else (flow counters, sprints, forecasts) reads these facts, never raw
 * history, so an edit to one card re-derives one card.
 */
import type { Card, EstimateChange, StatusCategory } from '../schema.ts';
import { dayOf, type Day } from './calendar.ts';
import { categoryOf, type PlanContext } from './context.ts';

/** From `day` on (until the next segment) the card ends each day in `status`. */
export type Segment = { readonly day: Day; readonly status: string };

export type CardFacts = {
  readonly id: string;
  readonly card: Card;
  /** Effective history, ascending: times[i] is when the card entered statuses[i]. */
  readonly times: readonly number[];
  readonly statuses: readonly string[];
  readonly categories: readonly StatusCategory[];
  /** [LT1] First moment the card existed. */
  readonly created: number;
  readonly segments: readonly Segment[];
  /** [CT1] First entry into a 'doing' status, or null. */
  readonly firstStart: number | null;
  /** [CT2] Start of the final run of 'done' statuses, when the card is done now. */
  readonly doneAt: number | null;
  readonly doneDay: Day | null;
  /** [LT2] Done now, and has been since it was created. */
  readonly createdDone: boolean;
  /** [CT3] Transitions from a 'done' status to any other. */
  readonly reopens: number;
  readonly cycleMs: number | null;
  readonly leadMs: number | null;
  /** Estimate log ascending [G3]. */
  readonly estimates: readonly EstimateChange[];
};

const sortedByTime = <T extends { at: number }>(list: readonly T[]): readonly T[] => {
  for (let i = 1; i < list.length; i++) {
    // Array#sort is stable, so equal times keep their log order, the same on every replica [G3].
    if (list[i].at < list[i - 1].at) return [...list].sort((a, b) => a.at - b.at);
  }
  return list;
};

/** [G3, G4, CT1–CT6, LT1–LT3] Derives a card's facts. Pure; cost O(its history). */
export function cardFacts(card: Card, ctx: PlanContext): CardFacts {
  const history = sortedByTime(card.history);
  const times: number[] = [];
  const statuses: string[] = [];
  if (history.length === 0) {
    times.push(card.createdAt);
    statuses.push(card.status);
  }
  for (const h of history) {
    times.push(h.at);
    statuses.push(h.to);
  }
  // [G4] Concurrent moves both reach the log but only one wins the status field: the board shows
  // the winner, so the effective history ends there too.
  if (statuses[statuses.length - 1] !== card.status) {
    times.push(times[times.length - 1]);
    statuses.push(card.status);
  }
  const categories = statuses.map((s) => categoryOf(ctx, s));

  const segments: Segment[] = [];
  for (let i = 0; i < times.length; i++) {
    const day = dayOf(times[i], ctx.timeZone);
    const last = segments[segments.length - 1];
    if (last && last.day === day) segments[segments.length - 1] = { day, status: statuses[i] };
    else segments.push({ day, status: statuses[i] });
    // A day that ends where the previous one ended is no change.
    const n = segments.length;
    if (n > 1 && segments[n - 1].status === segments[n - 2].status) segments.pop();
  }

  let firstStart: number | null = null;
  let reopens = 0;
  for (let i = 0; i < categories.length; i++) {
    if (firstStart === null && categories[i] === 'doing') firstStart = times[i];
    if (i > 0 && categories[i - 1] === 'done' && categories[i] !== 'done') reopens++;
  }
  let doneAt: number | null = null;
  let runStart = categories.length;
  while (runStart > 0 && categories[runStart - 1] === 'done') runStart--;
  if (runStart < categories.length) doneAt = times[runStart];
  const created = times[0];
  const createdDone = doneAt !== null && runStart === 0;

  return {
    id: card.id,
    card,
    times,
    statuses,
    categories,
    created,
    segments,
    firstStart,
    doneAt,
    doneDay: doneAt === null ? null : dayOf(doneAt, ctx.timeZone),
    createdDone,
    reopens,
    // [CT4] no start, no cycle time; [CT6] clamped at zero.
    cycleMs: firstStart !== null && doneAt !== null ? Math.max(0, doneAt - firstStart) : null,
    leadMs: doneAt !== null && !createdDone ? Math.max(0, doneAt - created) : null,
    estimates: sortedByTime(card.estimates)
  };
}

/** Index of the last history entry strictly before `cut`, or −1 if the card did not yet exist. */
export function entryBefore(f: CardFacts, cut: number): number {
  let lo = 0;
  let hi = f.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f.times[mid] < cut) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Category of the card just before `cut`, or null if it did not yet exist. */
export function categoryBefore(f: CardFacts, cut: number): StatusCategory | null {
  const i = entryBefore(f, cut);
  return i < 0 ? null : f.categories[i];
}

/**
 * [G8] The card's estimate just before `cut`: the last estimate change before it; before the first
 * change, that change's `from`; after the last one, the card's present points [G4]. Null: unestimated.
 */
export function pointsBefore(f: CardFacts, cut: number): number | null {
  const log = f.estimates;
  if (log.length === 0 || cut > log[log.length - 1].at) return f.card.points;
  let value = log[0].from;
  for (const e of log) {
    if (e.at >= cut) break;
    value = e.to;
  }
  return value;
}
