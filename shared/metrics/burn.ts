/**
 * Sprint burn-down and burn-up [BD1–BD7, BU1–BU4]: one evaluation per calendar day of the sprint,
 * at the end of that day in the plan's zone. Scope added or removed after the commitment has its
 * own series; the ideal line starts from the commitment and never absorbs it.
 */
import { dayStart, isoOf, workingDaysBetween, type Day } from './calendar.ts';
import type { PlanContext } from './context.ts';
import { committedTotal, type SprintScope, type Unit } from './scope.ts';
import { scopeSeries, type ScopeTotals } from './scope-sums.ts';

export type SprintBurn = {
  sprint: string;
  unit: Unit;
  days: string[];
  /** [BD1] Commitment total the ideal line starts from. */
  committed: number;
  /** [BD4] Ideal remaining at the end of each day; flat on non-working days. */
  ideal: number[];
  /** [BD3] Remaining work at the end of each day; null for days still to come [BD6]. */
  remaining: (number | null)[];
  remainingCommitted: (number | null)[];
  remainingAdded: (number | null)[];
  /** [BU1] Total scope and completed work at the end of each day. */
  scope: (number | null)[];
  done: (number | null)[];
  /** [BD5] Scope added since the commitment (cumulative) and committed scope removed (cumulative). */
  added: (number | null)[];
  removed: (number | null)[];
  /** [BD7] Reopen transitions of scope cards on each day. */
  reopened: (number | null)[];
};

/** [BD4] Ideal line: the commitment burnt evenly over the working days of start..end. */
function idealLine(scope: SprintScope, ctx: PlanContext, total: number): number[] {
  const workDays = workingDaysBetween(scope.startDay, scope.endDay, ctx.week);
  const out: number[] = [];
  for (let d = scope.startDay; d <= scope.lastDay; d++) {
    if (d >= scope.endDay) out.push(0);
    else if (workDays === 0) out.push(total);
    else out.push((total * (workDays - workingDaysBetween(scope.startDay, d, ctx.week))) / workDays);
  }
  return out;
}

/** [BD2, BD6] Cut of each day of the axis that has started (end of the day, or the limit). */
export function dayCuts(scope: SprintScope, ctx: PlanContext): number[] {
  const cuts: number[] = [];
  for (let d: Day = scope.startDay; d <= scope.lastDay && dayStart(d, ctx.timeZone) < scope.limitCut; d++) {
    cuts.push(Math.min(dayStart(d + 1, ctx.timeZone), scope.limitCut));
  }
  return cuts;
}

/**
 * [BD1–BD7, BU1–BU4] Burn-down and burn-up of a sprint with a commitment. `totals` are the scope
 * sums at `dayCuts(scope)` (computed by the caller in the same sweep as the velocity).
 */
export function sprintBurn(scope: SprintScope, ctx: PlanContext, unit: Unit, totals: readonly ScopeTotals[] = scopeSeries(scope, dayCuts(scope, ctx), unit, dayStart(scope.startDay, ctx.timeZone))): SprintBurn {
  const committed = committedTotal(scope, unit);
  const series = {
    remaining: [] as (number | null)[],
    remainingCommitted: [] as (number | null)[],
    remainingAdded: [] as (number | null)[],
    scope: [] as (number | null)[],
    done: [] as (number | null)[],
    added: [] as (number | null)[],
    removed: [] as (number | null)[],
    reopened: [] as (number | null)[]
  };
  const days: string[] = [];
  for (let d: Day = scope.startDay; d <= scope.lastDay; d++) days.push(isoOf(d));
  for (let i = 0; i < days.length; i++) {
    const t = totals[i];
    // [BD6] A day that has not started yet has no actual values.
    if (!t) {
      for (const s of Object.values(series)) s.push(null);
      continue;
    }
    series.remaining.push(t.scope - t.done);
    series.remainingCommitted.push(t.committedScope - t.doneCommitted);
    series.remainingAdded.push(t.addedScope - t.doneAdded);
    series.scope.push(t.scope);
    series.done.push(t.done);
    series.added.push(t.addedScope);
    series.removed.push(t.removed);
    series.reopened.push(t.reopened);
  }
  return { sprint: scope.sprint.id, unit, days, committed, ideal: idealLine(scope, ctx, committed), ...series };
}
