/**
 * Capacity planning for one sprint, live: each member's capacity (their own entry for the sprint,
 * else their default scaled by days off — rule [CAP1] of shared/metrics/capacity.ts, imported, not
 * copied) against the points of the cards assigned to them in the sprint now. Pure.
 *
 * [P1] Committed = points of the cards in the sprint now, at their current estimates, whatever
 *      their status; unestimated cards count 0 and are counted separately.
 * [P2] A person is over-committed when committed > capacity; the sprint when all committed points
 *      (unassigned included) > the sum of capacities.
 */
import { memberCapacity } from '../../../../shared/metrics/capacity.ts';
import type { Card, Member, Sprint } from '$shared/schema.ts';

export type CapacityRow = {
  id: string;
  name: string;
  member: Member | null;
  capacity: number;
  /** True when the member has an entry of their own for this sprint. */
  explicit: boolean;
  daysOff: number;
  committed: number;
  cards: number;
  unestimated: number;
  over: boolean;
};

export type CapacityModel = {
  workingDays: number;
  rows: CapacityRow[];
  unassigned: { committed: number; cards: number };
  total: { capacity: number; committed: number; cards: number; unestimated: number; over: boolean };
};

export function sprintCapacity(sprint: Sprint, members: readonly Member[], cards: readonly Card[], workingDays: number): CapacityModel {
  const rows = new Map<string, CapacityRow>();
  for (const m of [...members].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))) {
    rows.set(m.id, {
      id: m.id,
      name: m.name,
      member: m,
      capacity: memberCapacity(m, sprint.id, workingDays),
      explicit: m.capacity[sprint.id] !== undefined,
      daysOff: m.daysOff[sprint.id] ?? 0,
      committed: 0,
      cards: 0,
      unestimated: 0,
      over: false
    });
  }
  const unassigned = { committed: 0, cards: 0 };
  let unestimated = 0;
  let count = 0;
  for (const c of cards) {
    if (c.sprint !== sprint.id) continue;
    count++;
    if (c.points === null) unestimated++;
    if (c.assignee === null) {
      unassigned.committed += c.points ?? 0;
      unassigned.cards++;
      continue;
    }
    let row = rows.get(c.assignee);
    if (!row) {
      row = { id: c.assignee, name: `${c.assignee} (not a member)`, member: null, capacity: 0, explicit: false, daysOff: 0, committed: 0, cards: 0, unestimated: 0, over: false };
      rows.set(c.assignee, row);
    }
    row.committed += c.points ?? 0;
    row.cards++;
    if (c.points === null) row.unestimated++;
  }
  let capacity = 0;
  let committed = unassigned.committed;
  for (const r of rows.values()) {
    r.over = r.committed > r.capacity;
    capacity += r.capacity;
    committed += r.committed;
  }
  return {
    workingDays,
    rows: [...rows.values()],
    unassigned,
    total: { capacity, committed, cards: count, unestimated, over: committed > capacity }
  };
}

/** Capacity rounded for display: whole numbers stay whole, others get one decimal. */
export function roundCapacity(n: number): number {
  return Math.round(n * 10) / 10;
}
