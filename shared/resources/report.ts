/**
 * The resource picture as plain JSON (metrics API): utilisation per resource and week from the
 * current week on, the over-allocated weeks and the milestones they threaten [RS9–RS15].
 * Utilisation without capacity (∞, RS11) is sent as null, which JSON can carry.
 */
import type { Booking, Member, Milestone, Pool, ResourcePerson, Weekday } from '../schema.ts';
import { dayOf, isoOf, mondayOf, todayIn } from './calendar.ts';
import { ResourceModel } from './model.ts';
import { threats, type Threat } from './threats.ts';
import { utilisation } from './utilisation.ts';

export type ResourceInput = {
  people: ResourcePerson[];
  pools: Pool[];
  bookings: Booking[];
  milestones: Milestone[];
  members: Member[];
  timeZone: string;
  workingDays: Weekday[];
};

export type ResourceWeek = { week: string; capacity: number; demand: number; free: number; utilisation: number | null; over: boolean };
export type ResourceReport = {
  from: string;
  weeks: number;
  resources: { id: string; kind: 'person' | 'pool'; name: string; unit: string; weeks: ResourceWeek[] }[];
  overAllocated: { resource: string; week: string }[];
  threats: Threat[];
};

const r2 = (n: number) => Math.round(n * 100) / 100;

export function resourceReport(input: ResourceInput, now: number, weeks = 13): ResourceReport {
  const from = isoOf(mondayOf(dayOf(todayIn(input.timeZone, now))));
  const model = new ResourceModel({ start: from, weeks, workingDays: input.workingDays }).apply({
    people: input.people, pools: input.pools, bookings: input.bookings, milestones: input.milestones
  });
  const names = new Map(input.members.map((m) => [m.id, m.name]));
  const ids = [...model.peopleIds(), ...model.poolIds()];
  const resources = ids.map((id) => {
    const row = model.row(id)!;
    const pool = model.pool(id);
    return {
      id,
      kind: row.kind,
      name: pool?.name ?? names.get(id) ?? id,
      unit: pool?.unit ?? 'hours',
      weeks: model.weekStarts.map((week, w) => {
        const u = utilisation(row.demand[w], row.capacity[w]);
        return { week, capacity: r2(row.capacity[w]), demand: r2(row.demand[w]), free: r2(row.free[w]), utilisation: Number.isFinite(u) ? r2(u) : null, over: row.over[w] === 1 };
      })
    };
  });
  const overAllocated = resources.flatMap((r) => r.weeks.filter((w) => w.over).map((w) => ({ resource: r.id, week: w.week })));
  return { from, weeks, resources, overAllocated, threats: threats(model, ids, input.milestones) };
}
