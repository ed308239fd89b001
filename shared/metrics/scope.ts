/**
 * Which cards belong to a sprint, and from when to when [SC1–SC7]. The commitment says what was in
 * at the start; each card's sprint log says when it joined or left since. Cards without a sprint
 * log (written before the log existed, or built outside the accessors) fall back to inference from
 * their present sprint and status history; where history is silent, a card stays in scope as long
 * as possible, so scope is never understated.
 */
import type { Sprint } from '../schema.ts';
import { dayOf, dayOfIso, dayStart, type Day } from './calendar.ts';
import type { PlanContext } from './context.ts';
import type { CardLookup } from './card-index.ts';
import { categoryBefore, DONE, pointsBefore, type CardFacts } from './timeline.ts';

export type Unit = 'points' | 'cards';

export type ScopeEntry = {
  readonly facts: CardFacts;
  readonly committed: boolean;
  /** Points the commitment recorded (committed cards only). */
  readonly committedPoints: number | null;
  /**
   * When the card was in the sprint, as [join, leave] pairs, ascending: it is in scope at a cut c
   * when join < c <= leave for one pair (and it exists before c).
   */
  readonly spans: readonly number[];
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
  /**
   * Committed cards in commitment order, then added cards by id: a converged order, so sums add up
   * in the same order on every replica and on the full and incremental paths (to the last bit).
   */
  readonly entries: readonly ScopeEntry[];
};

/** First history entry (after creation) at or after t0 and before the limit, or null. */
function firstEntryFrom(f: CardFacts, t0: number, limit: number): number | null {
  for (let i = 1; i < f.history.length; i++) if (f.history[i].at >= t0 && f.history[i].at < limit) return f.history[i].at;
  return null;
}

function lastEntryFrom(f: CardFacts, t0: number, limit: number): number | null {
  for (let i = f.history.length - 1; i >= 1; i--) if (f.history[i].at >= t0 && f.history[i].at < limit) return f.history[i].at;
  return null;
}

/**
 * [SC2, SC5] Spans from the sprint log: committed cards are in from the start; sprint moves from
 * t0 up to (not including) `until` open and close spans. Moves at or after the close are the
 * close's own carry-over, not removals.
 */
function loggedSpans(f: CardFacts, sprintId: string, committed: boolean, t0: number, until: number): number[] {
  const { times, ids } = f.sprintLog!;
  const spans: number[] = [];
  let i = 0;
  while (i + 1 < times.length && times[i + 1] < t0) i++;
  // Membership at the commitment (or at creation, for a card created after it) is ids[i].
  let inside = committed || ids[i] === sprintId;
  let join = committed ? -Infinity : Math.max(times[i], t0);
  for (let j = i + 1; j < times.length && times[j] < until; j++) {
    const now = ids[j] === sprintId;
    if (now && !inside) join = times[j];
    if (!now && inside) spans.push(join, times[j]);
    inside = now;
  }
  if (inside) spans.push(join, Infinity);
  return spans;
}

/** In the sprint throughout. */
const ALWAYS: readonly number[] = Object.freeze([-Infinity, Infinity]);

/** [SC4] A committed card without a sprint log: kept, or removed at its last move or the limit. */
function inferredCommitted(f: CardFacts, sprint: Sprint, closed: boolean, t0: number, limitCut: number): readonly number[] {
  if (f.card.sprint === sprint.id) return ALWAYS;
  const kept = closed && (categoryBefore(f, limitCut) === 'done' || f.card.sprint !== null);
  return [-Infinity, kept ? Infinity : (lastEntryFrom(f, t0, limitCut) ?? limitCut - 1)];
}

/** [SC3] An added card without a sprint log: joined at creation, else its first move since t0, else t0. */
function inferredAdded(f: CardFacts, t0: number): readonly number[] {
  return [f.created >= t0 ? f.created : (firstEntryFrom(f, t0, Infinity) ?? t0), Infinity];
}

/**
 * [SC7] A card already done when the sprint started is not the sprint's work: it is out of the
 * commitment and of completed work, like Jira's sprint report. Reopened while in the sprint (before
 * the limit), it becomes added scope from the reopen on. Returns the spans cut to start there, or
 * null when the card never counts.
 */
function withoutDoneAtStart(f: CardFacts, spans: readonly number[], t0: number, limitCut: number): readonly number[] | null {
  if (categoryBefore(f, t0) !== 'done') return spans;
  let reopen = -1;
  for (let i = entryBeforeOrAt(f, t0); i < f.history.length && f.history[i].at < limitCut; i++) {
    if (f.codes[i] !== DONE) {
      reopen = f.history[i].at;
      break;
    }
  }
  if (reopen < 0) return null;
  const cut: number[] = [];
  for (let k = 0; k < spans.length; k += 2) {
    const join = Math.max(spans[k], reopen);
    if (join < spans[k + 1]) cut.push(join, spans[k + 1]);
  }
  return cut.length > 0 ? cut : null;
}

/** First history index at or after t0. */
function entryBeforeOrAt(f: CardFacts, t0: number): number {
  let i = 0;
  while (i < f.history.length && f.history[i].at < t0) i++;
  return i;
}

/** [SC1–SC7] The scope of a sprint that has a commitment; null for one that has none [SC1]. */
export function sprintScope(sprint: Sprint, ctx: PlanContext, cards: CardLookup, now: number): SprintScope | null {
  const commitment = sprint.commitment;
  if (!commitment) return null;
  const tz = ctx.timeZone;
  const t0 = commitment.at;
  const closed = sprint.state === 'closed';
  const startDay = dayOfIso(sprint.start);
  const endDay = Math.max(startDay, dayOfIso(sprint.end));
  const closeAt = closed ? (sprint.closedAt ?? dayStart(endDay + 1, tz) - 1) : Infinity;
  const limitCut = Math.min(closeAt + 1, now + 1);
  // [SC5] Sprint moves count before the close (the close's carry-over is not a removal), or up to now.
  const until = Math.min(closeAt, now + 1);
  const entries: ScopeEntry[] = [];
  const committedIds = new Set<string>();
  const reopenedLater: ScopeEntry[] = []; // [SC7] committed while done, reopened in the sprint: added

  for (const c of commitment.cards) {
    const f = cards.facts.get(c.id);
    if (!f || committedIds.has(c.id)) continue; // [G5] deleted cards drop out, even of past sprints
    committedIds.add(c.id);
    const spans = f.sprintLog ? loggedSpans(f, sprint.id, true, t0, until) : inferredCommitted(f, sprint, closed, t0, limitCut);
    const open = withoutDoneAtStart(f, spans, t0, limitCut);
    if (open === spans) entries.push({ facts: f, committed: true, committedPoints: c.points, spans });
    else if (open) reopenedLater.push({ facts: f, committed: false, committedPoints: null, spans: open });
  }
  const added: ScopeEntry[] = reopenedLater;
  const seen = committedIds;
  const consider = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const f = cards.facts.get(id)!;
    const logged = f.sprintLog ? loggedSpans(f, sprint.id, false, t0, until) : inferredAdded(f, t0);
    const spans = withoutDoneAtStart(f, logged, t0, limitCut);
    if (!spans || spans.length === 0 || spans[0] >= limitCut) return; // never in the sprint while it ran
    added.push({ facts: f, committed: false, committedPoints: null, spans });
  };
  // Cards in the sprint now, and cards whose sprint log shows them in it at some time.
  for (const id of cards.bySprint.get(sprint.id) ?? []) consider(id);
  for (const id of cards.loggedIn.get(sprint.id) ?? []) consider(id);
  added.sort((a, b) => (a.facts.id < b.facts.id ? -1 : a.facts.id > b.facts.id ? 1 : 0));
  for (const e of added) entries.push(e);
  const lastDay = Math.max(endDay, dayOf(limitCut - 1, tz));
  return { sprint, t0, closed, limitCut, startDay, endDay, lastDay, entries };
}

/** [SC2–SC5] Whether an entry is in the sprint's scope at a cut. */
export function inScope(e: ScopeEntry, cut: number): boolean {
  for (let k = 0; k < e.spans.length; k += 2) if (e.spans[k] < cut && cut <= e.spans[k + 1]) return true;
  return false;
}

/** [G8] A card's value at a cut: 1 in card units, else its estimate then (unestimated = 0). */
export const valueBefore = (f: CardFacts, cut: number, unit: Unit): number => (unit === 'cards' ? 1 : (pointsBefore(f, cut) ?? 0));

/** [BD1] What the commitment line starts from: recorded points (or cards) of committed cards that still exist. */
export const committedTotal = (scope: SprintScope, unit: Unit): number =>
  scope.entries.reduce((n, e) => n + (e.committed ? (unit === 'cards' ? 1 : (e.committedPoints ?? 0)) : 0), 0);
