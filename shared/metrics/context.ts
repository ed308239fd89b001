/**
 * The parts of a plan every metric reads besides the cards: zone, work week, column categories,
 * sprints. Built once per plan snapshot; per-card facts depend only on `factsKey`, so a change to
 * sprints, members or the RAID log never forces the cards to be re-derived.
 */
import type { PlanSnapshot, Sprint, Status, StatusCategory } from '../schema.ts';
import { dayOf, dayReader, workWeek, type Day, type WorkWeek } from './calendar.ts';

/** [G7] Column categories as small integers: comparing them is the inner loop of every sprint metric. */
export const TODO = 0;
export const DOING = 1;
export const DONE = 2;
const CODE: Record<StatusCategory, number> = { todo: TODO, doing: DOING, done: DONE };

export type PlanContext = {
  readonly plan: PlanSnapshot;
  readonly timeZone: string;
  readonly week: WorkWeek;
  readonly statuses: readonly Status[];
  readonly categories: ReadonlyMap<string, StatusCategory>;
  /** status id → TODO, DOING or DONE. */
  readonly codes: ReadonlyMap<string, number>;
  /** [G1] instant → Day in the plan's zone. */
  readonly dayOf: (t: number) => Day;
  readonly sprintById: ReadonlyMap<string, Sprint>;
};

/** [G1, G2, G7] The context of a plan's metrics. */
export function planContext(plan: PlanSnapshot): PlanContext {
  return {
    plan,
    timeZone: plan.meta.timeZone,
    week: workWeek(plan.meta.workingDays),
    statuses: plan.statuses,
    categories: new Map(plan.statuses.map((s) => [s.id, s.category])),
    codes: new Map(plan.statuses.map((s) => [s.id, CODE[s.category]])),
    dayOf: dayReader(plan.meta.timeZone),
    sprintById: new Map(plan.sprints.map((s) => [s.id, s]))
  };
}

/** [G7] A status that is not (or no longer) a column of the board counts as 'todo'. */
export const categoryOf = (ctx: PlanContext, status: string): StatusCategory => ctx.categories.get(status) ?? 'todo';

/** [G7] The same as a code. */
export const codeOf = (ctx: PlanContext, status: string): number => ctx.codes.get(status) ?? TODO;

/** [INC3] What per-card facts depend on: the zone (days) and each column's category. */
export function factsKey(plan: PlanSnapshot): string {
  return JSON.stringify([plan.meta.timeZone, plan.statuses.map((s) => [s.id, s.category])]);
}

/** [G1] Today: the date of `now` in the plan's zone. */
export const todayOf = (ctx: PlanContext, now: number): Day => dayOf(now, ctx.timeZone);
