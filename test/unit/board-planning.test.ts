/**
 * Sprint planning, pure: capacity against committed points [P1–P2], sprint days in the plan's
 * time zone, people's local time, and multi-select with Shift (client/src/lib/backlog/*.ts).
 */
import { describe, expect, it } from 'vitest';
import { sprintCapacity } from '../../client/src/lib/backlog/capacity.ts';
import { clickRow, EMPTY_SELECTION, keepExisting } from '../../client/src/lib/backlog/selection.ts';
import { atWork, localTime, sprintDay, workingDaysBetween, addDays } from '../../client/src/lib/backlog/sprintDays.ts';
import type { Card, Member, Sprint } from '../../shared/schema.ts';

const member = (id: string, name: string, over: Partial<Member> = {}): Member => ({
  id,
  name,
  title: '',
  timeZone: 'UTC',
  workStart: '09:00',
  workEnd: '17:00',
  defaultCapacity: 10,
  capacity: {},
  daysOff: {},
  ...over
});

const card = (id: string, over: Partial<Card>): Card => ({
  id,
  title: id,
  status: 'todo',
  sprint: 's1',
  rank: id,
  points: 1,
  assignee: null,
  labels: [],
  epic: null,
  due: null,
  links: [],
  createdAt: 0,
  createdBy: 'x',
  descriptionText: '',
  history: [],
  estimates: [],
  comments: [],
  ...over
});

const S1: Sprint = { id: 's1', name: 'S1', goal: '', start: '2026-01-05', end: '2026-01-16', state: 'planned', commitment: null, closedAt: null };

describe('[P1–P2] capacity', () => {
  it('own entry, else default scaled by days off; committed per person, unassigned, totals and flags', () => {
    const members = [member('m-bo', 'Bo', { capacity: { s1: 6 } }), member('m-ana', 'Ana', { daysOff: { s1: 2 } })];
    const list = [
      card('a', { assignee: 'm-ana', points: 5 }),
      card('b', { assignee: 'm-ana', points: 4, status: 'done' }),
      card('c', { assignee: 'm-bo', points: 8 }),
      card('d', { assignee: 'm-zed', points: 2 }),
      card('e', { points: 3 }),
      card('f', { assignee: 'm-bo', points: null }),
      card('g', { assignee: 'm-bo', points: 100, sprint: 's2' })
    ];
    const model = sprintCapacity(S1, members, list, 10);
    expect(model.rows.map((r) => [r.id, r.capacity, r.explicit, r.daysOff, r.committed, r.cards, r.unestimated, r.over])).toEqual([
      ['m-ana', 8, false, 2, 9, 2, 0, true],
      ['m-bo', 6, true, 0, 8, 2, 1, true],
      ['m-zed', 0, false, 0, 2, 1, 0, true]
    ]);
    expect(model.unassigned).toEqual({ committed: 3, cards: 1 });
    expect(model.total).toEqual({ capacity: 14, committed: 22, cards: 6, unestimated: 1, over: true });
  });

  it('not over at exactly capacity', () => {
    const model = sprintCapacity(S1, [member('m-ana', 'Ana')], [card('a', { assignee: 'm-ana', points: 10 })], 10);
    expect(model.rows[0].over).toBe(false);
    expect(model.total.over).toBe(false);
  });
});

describe('sprint days in the plan time zone', () => {
  it('working days and the day of the sprint', () => {
    expect(workingDaysBetween('2026-01-05', '2026-01-16', [1, 2, 3, 4, 5])).toBe(10);
    expect(workingDaysBetween('2026-01-05', '2026-01-16', [0, 1, 2, 3, 4])).toBe(9);
    expect(addDays('2026-01-30', 3)).toBe('2026-02-02');
    // Wednesday 7 January, 23:30 UTC: still day 3 in London, already Thursday (day 4) in Tokyo.
    const now = Date.UTC(2026, 0, 7, 23, 30);
    expect(sprintDay(S1, now, 'Europe/London', [1, 2, 3, 4, 5])).toMatchObject({ today: '2026-01-07', elapsed: 3, remaining: 7, phase: 'during' });
    expect(sprintDay(S1, now, 'Asia/Tokyo', [1, 2, 3, 4, 5])).toMatchObject({ today: '2026-01-08', elapsed: 4 });
    expect(sprintDay(S1, Date.UTC(2026, 0, 1), 'UTC', [1, 2, 3, 4, 5])).toMatchObject({ phase: 'before', elapsed: 0, remaining: 10 });
    expect(sprintDay(S1, Date.UTC(2026, 1, 1), 'UTC', [1, 2, 3, 4, 5])).toMatchObject({ phase: 'after', elapsed: 10, remaining: 0 });
  });

  it('local time and working hours of a member', () => {
    const now = Date.UTC(2026, 0, 7, 14, 5); // a Wednesday
    expect(localTime(now, 'America/New_York')).toBe('Wed 09:05');
    expect(localTime(now, 'Asia/Kolkata')).toBe('Wed 19:35');
    expect(localTime(now, 'Not/AZone')).toBe('');
    expect(atWork(now, 'America/New_York', '09:00', '17:00', [1, 2, 3, 4, 5])).toBe(true);
    expect(atWork(now, 'Asia/Kolkata', '09:00', '17:00', [1, 2, 3, 4, 5])).toBe(false);
  });
});

describe('multi-select', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  it('click toggles, Shift-click selects the range from the anchor', () => {
    let sel = clickRow(EMPTY_SELECTION, order, 'b', false);
    expect([...sel.selected]).toEqual(['b']);
    sel = clickRow(sel, order, 'd', true);
    expect([...sel.selected].sort()).toEqual(['b', 'c', 'd']);
    sel = clickRow(sel, order, 'a', true);
    expect([...sel.selected].sort()).toEqual(['a', 'b', 'c', 'd']);
    sel = clickRow(sel, order, 'c', false);
    expect([...sel.selected].sort()).toEqual(['a', 'b', 'd']);
    expect(sel.anchor).toBe('c');
  });
  it('rows that left the list leave the selection', () => {
    const sel = clickRow(clickRow(EMPTY_SELECTION, order, 'a', false), order, 'c', true);
    const kept = keepExisting(sel, new Set(['b', 'c']));
    expect([...kept.selected].sort()).toEqual(['b', 'c']);
    expect(kept.anchor).toBeNull();
    expect(keepExisting(kept, new Set(['b', 'c']))).toBe(kept);
  });
});
