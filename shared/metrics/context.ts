/**
 * The parts of a plan every metric reads besides the cards: zone, work week, column categories,
 * sprints. Built once per plan snapshot; per-card facts depend only on `factsKey`, so a change to
 * sprints, members or the RAID log never forces the cards to be re-derived.
 */
import type { PlanSnapshot, Sprint, Status, StatusCategory } from '../schema.ts';
import { dayOf, workWeek, type Day, type WorkWeek } from './calendar.ts';

export type PlanContext = {
  readonly plan: PlanSnapshot;
  readonly timeZone: string;
  readonly week: WorkWeek;
  readonly statuses: readonly Status[];
  readonly categories: ReadonlyMap<string, StatusCategory>;
  readonly sprintById: ReadonlyMap<string, Sprint>;
  /** card id → sprints whose commitment lists it (a card can be committed to several, e.g. carried). */
  readonly committedIn: ReadonlyMap<string, readonly string[]>;
};

export function planContext(plan: PlanSnapshot): PlanContext {
  const committedIn = new Map<string, string[]>();
  for (const s of plan.sprints) {
    for (const c of s.commitment?.cards ?? []) {
      const list = committedIn.get(c.id);
      if (list) list.push(s.id);
      else committedIn.set(c.id, [s.id]);
    }
  }
  return {
    plan,
    timeZone: plan.meta.timeZone,
    week: workWeek(plan.meta.workingDays),
    statuses: plan.statuses,
    categories: new Map(plan.statuses.map((s) => [s.id, s.category])),
    sprintById: new Map(plan.sprints.map((s) => [s.id, s])),
    committedIn
  };
}

/** [G7] A status that is not (or no longer) a column of the board counts as 'todo'. */
export const categoryOf = (ctx: PlanContext, status: string): StatusCategory => ctx.categories.get(status) ?? 'todo';

/** What per-card facts depend on: the zone (days) and each column's category. */
export function factsKey(plan: PlanSnapshot): string {
  return JSON.stringify([plan.meta.timeZone, plan.statuses.map((s) => [s.id, s.category])]);
}

export const todayOf = (ctx: PlanContext, now: number): Day => dayOf(now, ctx.timeZone);
