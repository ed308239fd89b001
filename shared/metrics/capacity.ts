/**
 * Capacity and utilisation per sprint [CAP1–CAP5]: each member's capacity for the sprint against
 * the estimates of the cards assigned to them in it, in the plan's estimate unit.
 */
import type { Member, Sprint } from '../schema.ts';
import { dayOfIso, workingDaysBetween } from './calendar.ts';
import type { CardLookup } from './card-index.ts';
import { categoryOf, type PlanContext } from './context.ts';

export type MemberLoad = {
  member: string;
  name: string;
  /** False for an assignee who is not (or no longer) a member of the plan [CAP4]. */
  known: boolean;
  capacity: number;
  daysOff: number;
  load: number;
  done: number;
  remaining: number;
  /** load / capacity; null when capacity is 0. */
  utilisation: number | null;
  over: boolean;
};

export type SprintCapacity = {
  sprint: string;
  workingDays: number;
  capacity: number;
  load: number;
  /** Points on cards with no assignee. */
  unassigned: number;
  utilisation: number | null;
  members: MemberLoad[];
  /** [CAP5] velocity / capacity for a closed sprint, else null. */
  focusFactor: number | null;
};

/** [CAP1] A member's capacity in a sprint: its own entry (days off already taken off), else the default scaled by days off. */
export function memberCapacity(m: Member, sprintId: string, workingDays: number): number {
  const own = m.capacity[sprintId];
  if (own !== undefined) return own;
  if (workingDays === 0) return 0;
  const off = m.daysOff[sprintId] ?? 0;
  return (m.defaultCapacity * Math.max(0, workingDays - off)) / workingDays;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** [CAP1–CAP5] Capacity and load of one sprint. `velocity` is the sprint's V1 value (null if open). */
export function sprintCapacity(sprint: Sprint, ctx: PlanContext, cards: CardLookup, velocity: number | null): SprintCapacity {
  const workingDays = workingDaysBetween(dayOfIso(sprint.start), dayOfIso(sprint.end), ctx.week);
  const rows = new Map<string, MemberLoad>();
  for (const m of ctx.plan.members) {
    const capacity = memberCapacity(m, sprint.id, workingDays);
    rows.set(m.id, { member: m.id, name: m.name, known: true, capacity, daysOff: m.daysOff[sprint.id] ?? 0, load: 0, done: 0, remaining: 0, utilisation: null, over: false });
  }
  let unassigned = 0;
  // [CAP2] Cards in the sprint now, at their present estimates. [G10] Fractional points are summed
  // in id order so every replica gets the same bits; whole points add up exactly in any order.
  const list = [...(cards.bySprint.get(sprint.id) ?? [])].map((id) => cards.facts.get(id)!.card);
  if (list.some((c) => c.points !== null && !Number.isInteger(c.points))) list.sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const card of list) {
    const points = card.points ?? 0;
    if (card.assignee === null) {
      unassigned += points;
      continue;
    }
    let row = rows.get(card.assignee);
    if (!row) {
      row = { member: card.assignee, name: card.assignee, known: false, capacity: 0, daysOff: 0, load: 0, done: 0, remaining: 0, utilisation: null, over: false };
      rows.set(card.assignee, row);
    }
    row.load += points;
    if (categoryOf(ctx, card.status) === 'done') row.done += points;
    else row.remaining += points;
  }
  const members = [...rows.values()].sort((a, b) => (a.member < b.member ? -1 : 1));
  let capacity = 0;
  let load = unassigned;
  for (const r of members) {
    r.utilisation = ratio(r.load, r.capacity);
    r.over = r.load > r.capacity;
    capacity += r.capacity;
    load += r.load;
  }
  return {
    sprint: sprint.id,
    workingDays,
    capacity,
    load,
    unassigned,
    utilisation: ratio(load, capacity),
    members,
    focusFactor: velocity === null ? null : ratio(velocity, capacity)
  };
}
