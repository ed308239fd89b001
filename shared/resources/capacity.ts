/**
 * Capacity per day of a person [RS2–RS4] and of a pool [RS5], over a horizon of days starting at
 * `origin`. Arrays, not objects: the model recomputes a resource's row after each edit, and 200
 * people × 550 days must stay well under a millisecond per row.
 */
import type { Pool, ResourcePerson, Weekday } from '../schema.ts';
import { dayOf, isoOf, mondayOf, weekdayOf, type Day } from './calendar.ts';

export type Horizon = { origin: Day; days: number };

/** [RS4] The days a person works: their own, else the plan's. */
export function workDays(person: ResourcePerson, planDays: readonly Weekday[]): ReadonlySet<Weekday> {
  return new Set(person.workingDays ?? planDays);
}

/** [RS2] Leave days, as a set of day numbers inside the horizon. */
export function leaveDays(person: ResourcePerson, h: Horizon): Set<Day> {
  const out = new Set<Day>();
  for (const l of person.leave) {
    const to = Math.min(dayOf(l.end), h.origin + h.days - 1);
    for (let d = Math.max(dayOf(l.start), h.origin); d <= to; d++) out.add(d);
  }
  return out;
}

/**
 * [RS2][RS3][RS4] Hours a person can give the programme on each day: a full day (`hoursPerDay`)
 * times the week's allocation (the week's own entry, else the person's), on their working days,
 * nothing on leave.
 */
export function personCapacity(person: ResourcePerson, planDays: readonly Weekday[], h: Horizon): Float64Array {
  const out = new Float64Array(h.days);
  const works = workDays(person, planDays);
  const off = leaveDays(person, h);
  let monday = -1;
  let share = person.allocation;
  for (let i = 0; i < h.days; i++) {
    const d = h.origin + i;
    const m = mondayOf(d);
    // Looked up once a week: formatting a date per day would dominate the row's cost.
    if (m !== monday) share = person.weeks[isoOf((monday = m))] ?? person.allocation;
    if (!works.has(weekdayOf(d)) || off.has(d)) continue;
    out[i] = (person.hoursPerDay * share) / 100;
  }
  return out;
}

/**
 * [RS5] Units of a pool in service on each day: the base capacity, plus deliveries from their
 * date on, minus decommissionings from their date on, minus maintenance windows while they last;
 * never below zero.
 */
export function poolCapacity(pool: Pool, h: Horizon): Float64Array {
  const out = new Float64Array(h.days).fill(pool.capacity);
  const last = h.origin + h.days - 1;
  for (const c of pool.changes) {
    const from = dayOf(c.date);
    const to = c.kind === 'maintenance' ? dayOf(c.end ?? c.date) : last;
    const delta = c.kind === 'delivery' ? c.units : -c.units;
    for (let d = Math.max(from, h.origin); d <= Math.min(to, last); d++) out[d - h.origin] += delta;
  }
  for (let i = 0; i < h.days; i++) if (out[i] < 0) out[i] = 0;
  return out;
}
