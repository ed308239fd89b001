/**
 * Which cards belong to a sprint, and from when to when [SC1–SC6]. The schema records the
 * commitment at start and each card's present sprint, but not when a card joined or left a sprint,
 * so the join and leave times follow the rules below; where history is silent, a card stays in
 * scope as long as possible, so scope is never understated.
 */
import type { Sprint } from '../schema.ts';
import { dayOf, dayOfIso, dayStart, type Day } from './calendar.ts';
import type { PlanContext } from './context.ts';
import type { CardLookup } from './card-index.ts';
import { categoryBefore, pointsBefore, type CardFacts } from './timeline.ts';

export type Unit = 'points' | 'cards';

export type ScopeEntry = {
  readonly facts: CardFacts;
  readonly committed: boolean;
  /** Points the commitment recorded (committed cards only). */
  readonly committedPoints: number | null;
  /** In scope at a cut c when joinAt < c <= leaveAt (and the card exists before c). */
  readonly joinAt: number;
  readonly leaveAt: number;
};

export type SprintScope = {
  readonly sprint: Sprint;
  /** When the commitment was recorded. */
  readonly t0: number;
  readonly closed: boolean;
  /** No evaluation looks at events at or after this: just after the close, or just after now. */
  readonly limitCut: number;
  readonly startDay: Day;
  readonly endDay: Day;
  /** [BD2] Last day of the axis: the end date, or the close (or today) when that is later. */
  readonly lastDay: Day;
  /** Sorted by card id, so sums add in the same order on every replica and path. */
  readonly entries: readonly ScopeEntry[];
};

/** First history entry (after creation) at or after t0 and before the limit, or null. */
function firstEntryFrom(f: CardFacts, t0: number, limit: number): number | null {
  for (let i = 1; i < f.times.length; i++) if (f.times[i] >= t0 && f.times[i] < limit) return f.times[i];
  return null;
}

function lastEntryFrom(f: CardFacts, t0: number, limit: number): number | null {
  for (let i = f.times.length - 1; i >= 1; i--) if (f.times[i] >= t0 && f.times[i] < limit) return f.times[i];
  return null;
}

/** [SC1–SC6] The scope of a sprint that has a commitment; null for one that has none [SC1]. */
export function sprintScope(sprint: Sprint, ctx: PlanContext, cards: CardLookup, now: number): SprintScope | null {
  const commitment = sprint.commitment;
  if (!commitment) return null;
  const tz = ctx.timeZone;
  const t0 = commitment.at;
  const closed = sprint.state === 'closed';
  const startDay = dayOfIso(sprint.start);
  const endDay = Math.max(startDay, dayOfIso(sprint.end));
  const closeCut = closed ? (sprint.closedAt !== null ? sprint.closedAt + 1 : dayStart(endDay + 1, tz)) : Infinity;
  const limitCut = Math.min(closeCut, now + 1);
  const entries: ScopeEntry[] = [];
  const committedIds = new Set<string>();

  for (const c of commitment.cards) {
    const f = cards.facts.get(c.id);
    if (!f || committedIds.has(c.id)) continue; // [G5] deleted cards drop out, even of past sprints
    committedIds.add(c.id);
    let leaveAt = Infinity;
    if (f.card.sprint !== sprint.id) {
      // [SC3] Done at the close, or carried into another sprint: it stayed to the end. [SC4] Otherwise
      // it was removed: at its last move since the start, else (history silent) at the close or now.
      const kept = closed && (categoryBefore(f, limitCut) === 'done' || f.card.sprint !== null);
      if (!kept) leaveAt = lastEntryFrom(f, t0, limitCut) ?? limitCut - 1;
    }
    entries.push({ facts: f, committed: true, committedPoints: c.points, joinAt: -Infinity, leaveAt });
  }
  for (const id of cards.bySprint.get(sprint.id) ?? []) {
    if (committedIds.has(id)) continue;
    const f = cards.facts.get(id)!;
    // [SC2] Added after the commitment: at creation if created since, else at its first move since,
    // else (history silent) at the commitment itself.
    const joinAt = f.created >= t0 ? f.created : (firstEntryFrom(f, t0, Infinity) ?? t0);
    if (joinAt >= limitCut) continue;
    entries.push({ facts: f, committed: false, committedPoints: null, joinAt, leaveAt: Infinity });
  }
  entries.sort((a, b) => (a.facts.id < b.facts.id ? -1 : a.facts.id > b.facts.id ? 1 : 0));
  const lastDay = Math.max(endDay, dayOf(limitCut - 1, tz));
  return { sprint, t0, closed, limitCut, startDay, endDay, lastDay, entries };
}

export const inScope = (e: ScopeEntry, cut: number): boolean => e.joinAt < cut && cut <= e.leaveAt;

/** [G8] A card's value at a cut: 1 in card units, else its estimate then (unestimated = 0). */
export const valueBefore = (f: CardFacts, cut: number, unit: Unit): number => (unit === 'cards' ? 1 : (pointsBefore(f, cut) ?? 0));

/** [BD1] What the commitment line starts from: recorded points (or cards) of committed cards that still exist. */
export const committedTotal = (scope: SprintScope, unit: Unit): number =>
  scope.entries.reduce((n, e) => n + (e.committed ? (unit === 'cards' ? 1 : (e.committedPoints ?? 0)) : 0), 0);

export type ScopeTotals = {
  scope: number;
  committedScope: number;
  addedScope: number;
  done: number;
  doneCommitted: number;
  doneAdded: number;
  /** Committed work removed before the cut, valued when it left. */
  removed: number;
  /** In scope and unestimated (points unit only). */
  unestimated: number;
};

/** [BD3, BU1, V1] Sums over the scope as it stood just before `cut`. */
export function scopeTotals(scope: SprintScope, cut: number, unit: Unit): ScopeTotals {
  const t: ScopeTotals = { scope: 0, committedScope: 0, addedScope: 0, done: 0, doneCommitted: 0, doneAdded: 0, removed: 0, unestimated: 0 };
  for (const e of scope.entries) {
    if (e.committed && e.leaveAt < cut) {
      t.removed += valueBefore(e.facts, e.leaveAt + 1, unit);
      continue;
    }
    if (!inScope(e, cut)) continue;
    const category = categoryBefore(e.facts, cut);
    if (category === null) continue; // not created yet
    const v = valueBefore(e.facts, cut, unit);
    if (unit === 'points' && pointsBefore(e.facts, cut) === null) t.unestimated++;
    t.scope += v;
    if (e.committed) t.committedScope += v;
    else t.addedScope += v;
    if (category === 'done') {
      t.done += v;
      if (e.committed) t.doneCommitted += v;
      else t.doneAdded += v;
    }
  }
  return t;
}
