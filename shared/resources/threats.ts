/**
 * Over-allocations and the milestones they threaten [RS14][RS15].
 *
 * - [RS14] An over-allocated week of a resource threatens a milestone when a booking in that week
 *   serves the milestone (follows it, or was made for it) and the week starts on or before the
 *   milestone's end: work booked after a milestone cannot delay it.
 * - [RS15] Each (resource, milestone) pair raises one suggested RAID risk. It is linked both ways
 *   through the RAID item's links (the milestone's id and `resource:<id>`); once a RAID item holds
 *   both links, the pair is logged and no longer suggested.
 */
import type { Booking, Milestone, RaidItem } from '../schema.ts';
import { dayOf } from './calendar.ts';
import { bookingMilestone } from './dates.ts';
import type { ResourceModel } from './model.ts';

export type OverAllocation = { resource: string; week: number; weekStart: string; demand: number; capacity: number; bookings: Booking[] };

export type Threat = { key: string; resource: string; milestone: string; weeks: string[]; bookings: string[] };

export const resourceLink = (resource: string) => `resource:${resource}`;

/** Every over-allocated week of the given resources, in resource then week order. */
export function overAllocations(model: ResourceModel, ids: readonly string[]): OverAllocation[] {
  const out: OverAllocation[] = [];
  for (const id of ids) {
    const row = model.row(id);
    if (!row) continue;
    for (let w = 0; w < row.over.length; w++) {
      if (!row.over[w]) continue;
      out.push({ resource: id, week: w, weekStart: model.weekStarts[w], demand: row.demand[w], capacity: row.capacity[w], bookings: model.bookingsIn(id, w) });
    }
  }
  return out;
}

export function threats(model: ResourceModel, ids: readonly string[], milestones: readonly Pick<Milestone, 'id' | 'end'>[]): Threat[] {
  const ends = new Map(milestones.map((m) => [m.id, dayOf(m.end)]));
  const found = new Map<string, Threat>();
  for (const o of overAllocations(model, ids)) {
    const weekStart = model.horizon.origin + o.week * 7;
    for (const b of o.bookings) {
      const m = bookingMilestone(b);
      const end = m ? ends.get(m) : undefined;
      if (!m || end === undefined || weekStart > end) continue;
      const key = `${o.resource}:${m}`;
      let t = found.get(key);
      if (!t) found.set(key, (t = { key, resource: o.resource, milestone: m, weeks: [], bookings: [] }));
      if (!t.weeks.includes(o.weekStart)) t.weeks.push(o.weekStart);
      if (!t.bookings.includes(b.id)) t.bookings.push(b.id);
    }
  }
  return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** [RS15] The RAID item logged for a threat, if any. */
export function loggedRisk(t: Pick<Threat, 'resource' | 'milestone'>, raid: readonly RaidItem[]): RaidItem | null {
  return raid.find((r) => r.links.includes(t.milestone) && r.links.includes(resourceLink(t.resource))) ?? null;
}

/** [RS15] Threats without a logged risk: the suggestions. */
export function suggestedRisks(all: readonly Threat[], raid: readonly RaidItem[]): Threat[] {
  return all.filter((t) => !loggedRisk(t, raid));
}
