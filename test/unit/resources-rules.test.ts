/** The resource plan's rules (shared/RESOURCES.md), one test or more per rule, titled by rule. */
import { describe, expect, it } from 'vitest';
import type { Booking, Pool, ResourcePerson } from '../../shared/schema.ts';
import { dayOf, isoOf, mondayOf, todayIn, weekdayOf } from '../../shared/resources/calendar.ts';
import { bookingSpan } from '../../shared/resources/dates.ts';
import { ResourceModel } from '../../shared/resources/model.ts';
import { loggedRisk, overAllocations, resourceLink, suggestedRisks, threats } from '../../shared/resources/threats.ts';
import { utilisation } from '../../shared/resources/utilisation.ts';

// 2026-11-30 is a Monday.
const START = '2026-11-30';
const person = (id: string, over: Partial<ResourcePerson> = {}): ResourcePerson => ({
  id, skills: [], team: '', allocation: 100, hoursPerDay: 8, weeks: {}, leave: [], workingDays: null, ...over
});
const pool = (id: string, over: Partial<Pool> = {}): Pool => ({ id, name: id, kind: 'gpu-node', unit: 'nodes', capacity: 10, changes: [], rank: 'i', ...over });
let n = 0;
const booking = (resource: string, start: string, end: string, amount: number, over: Partial<Booking> = {}): Booking => ({
  id: `b${++n}`, resource, resourceKind: over.unit === 'units' ? 'pool' : 'person', source: 'workstream', sourceId: null, title: '',
  start, end, amount, unit: 'percent', follows: null, anchor: null, ...over
});
const model = () => new ResourceModel({ start: START, weeks: 4, workingDays: [1, 2, 3, 4, 5] });

describe('resource rules', () => {
  it('[RS1] days are calendar dates; weeks start on Monday', () => {
    expect(isoOf(dayOf('2026-12-03'))).toBe('2026-12-03');
    expect(weekdayOf(dayOf('2026-11-30'))).toBe(1);
    expect(isoOf(mondayOf(dayOf('2026-12-06')))).toBe('2026-11-30');
  });

  it('[RS2] leave removes capacity on those days', () => {
    const m = model().apply({ people: [person('ana', { leave: [{ id: 'l', start: '2026-12-01', end: '2026-12-02', note: '' }] })] });
    expect(m.row('ana')!.capacity[0]).toBe(24);
    expect(m.row('ana')!.capacity[1]).toBe(40);
  });

  it('[RS3] part-time allocation and a week of its own scale capacity', () => {
    const m = model().apply({ people: [person('bo', { allocation: 50, weeks: { '2026-12-07': 80 } })] });
    expect(m.row('bo')!.capacity[0]).toBe(20);
    expect(m.row('bo')!.capacity[1]).toBe(32);
  });

  it("[RS4] a person's own working days replace the plan's", () => {
    const m = model().apply({ people: [person('cy', { workingDays: [0, 1, 2, 3, 4] })], bookings: [booking('cy', '2026-11-30', '2026-12-06', 100)] });
    const row = m.row('cy')!;
    expect(row.capacity[0]).toBe(40);
    // Sunday 6 Dec is a working day for cy, Saturday 5 Dec is not, so the week's demand is Mon–Fri minus Fri plus Sun.
    expect(row.demand[0]).toBe(40);
  });

  it('[RS5] pool capacity follows deliveries, decommissioning and maintenance windows', () => {
    const p = pool('gpu', {
      capacity: 8,
      changes: [
        { id: 'd', kind: 'delivery', date: '2026-12-09', end: null, units: 16, note: '' },
        { id: 'x', kind: 'decommission', date: '2026-12-21', end: null, units: 4, note: '' },
        { id: 'm', kind: 'maintenance', date: '2026-12-15', end: '2026-12-16', units: 24, note: '' }
      ]
    });
    const row = model().apply({ pools: [p] }).row('gpu')!;
    expect([...row.capacity]).toEqual([8, 8, 0, 20]);
  });

  it('[RS6] a booking that follows a milestone moves with it', () => {
    const b = booking('ana', '2026-12-01', '2026-12-04', 100, { follows: 'm1', anchor: '2026-12-07' });
    expect(bookingSpan(b, new Map([['m1', '2026-12-14']]))).toEqual({ start: dayOf('2026-12-08'), end: dayOf('2026-12-11') });
    const m = model().apply({ people: [person('ana')], bookings: [b], milestones: [{ id: 'm1', start: '2026-12-07' }] });
    expect(m.row('ana')!.demand[0]).toBe(32);
    m.apply({ milestones: [{ id: 'm1', start: '2026-12-14' }] });
    expect(m.row('ana')!.demand[0]).toBe(0);
    expect(m.row('ana')!.demand[1]).toBe(32);
    // A deleted milestone leaves the booking where it was last set.
    expect(bookingSpan(b, new Map())).toEqual({ start: dayOf('2026-12-01'), end: dayOf('2026-12-04') });
  });

  it('[RS7a] percent bookings count on working days, leave included', () => {
    const m = model().apply({
      people: [person('ana', { leave: [{ id: 'l', start: '2026-12-04', end: '2026-12-04', note: '' }] })],
      bookings: [booking('ana', '2026-11-30', '2026-12-06', 100)]
    });
    expect(m.row('ana')!.demand[0]).toBe(40);
    expect(m.row('ana')!.over[0]).toBe(1);
  });

  it('[RS7b] hours bookings spread over the working days not on leave', () => {
    const m = model().apply({
      people: [person('ana', { leave: [{ id: 'l', start: '2026-12-07', end: '2026-12-11', note: '' }] })],
      bookings: [booking('ana', '2026-11-30', '2026-12-11', 30, { unit: 'hours' })]
    });
    expect(m.row('ana')!.demand[0]).toBeCloseTo(30);
    expect(m.row('ana')!.demand[1]).toBe(0);
  });

  it('[RS7c] units bookings hold a pool every calendar day of their range', () => {
    const m = model().apply({ pools: [pool('gpu')], bookings: [booking('gpu', '2026-12-05', '2026-12-06', 4, { unit: 'units' })] });
    expect(m.row('gpu')!.demand[0]).toBe(4);
  });

  it('[RS9] people: weekly hours summed, utilisation = demand / capacity', () => {
    const m = model().apply({ people: [person('ana')], bookings: [booking('ana', '2026-11-30', '2026-12-04', 50)] });
    const row = m.row('ana')!;
    expect(utilisation(row.demand[0], row.capacity[0])).toBe(0.5);
  });

  it('[RS10] pools: the busiest day against the leanest day decides the week', () => {
    const m = model().apply({
      pools: [pool('gpu', { capacity: 10 })],
      bookings: [booking('gpu', '2026-11-30', '2026-11-30', 6, { unit: 'units' }), booking('gpu', '2026-12-04', '2026-12-04', 6, { unit: 'units' })]
    });
    const row = m.row('gpu')!;
    expect(row.demand[0]).toBe(6);
    expect(row.over[0]).toBe(0);
    m.apply({ bookings: [booking('gpu', '2026-12-04', '2026-12-04', 5, { unit: 'units' })] });
    expect(m.row('gpu')!.over[0]).toBe(1);
  });

  it('[RS11] over-allocation needs demand above capacity; demand without capacity is infinite', () => {
    expect(utilisation(8, 0)).toBe(Infinity);
    expect(utilisation(0, 0)).toBe(0);
    const m = model().apply({ people: [person('ana')], bookings: [booking('ana', '2026-11-30', '2026-12-04', 100)] });
    expect(m.row('ana')!.over[0]).toBe(0);
    m.apply({ bookings: [booking('ana', '2026-12-04', '2026-12-04', 10)] });
    expect(m.row('ana')!.over[0]).toBe(1);
  });

  it('[RS12] free capacity never goes below zero; a pool frees the fewest units of any day', () => {
    const m = model().apply({
      people: [person('ana')],
      pools: [pool('gpu', { capacity: 10 })],
      bookings: [booking('ana', '2026-11-30', '2026-12-04', 150), booking('gpu', '2026-12-02', '2026-12-02', 7, { unit: 'units' })]
    });
    expect(m.row('ana')!.free[0]).toBe(0);
    expect(m.row('gpu')!.free[0]).toBe(3);
  });

  it('[RS13] an edit recomputes only the resources it touches', () => {
    const m = model().apply({ people: [person('ana'), person('bo')], bookings: [booking('ana', '2026-11-30', '2026-12-04', 50, { id: 'x' })] });
    const bo = m.row('bo');
    m.row('ana');
    m.apply({ bookings: [booking('bo', '2026-11-30', '2026-12-04', 50, { id: 'x' })] });
    expect(m.flush()).toBe(2);
    expect(m.row('ana')!.demand[0]).toBe(0);
    expect(m.row('bo')).not.toBe(bo);
    expect(m.row('bo')!.demand[0]).toBe(20);
  });

  it('[RS14] an over-allocated week threatens the milestones its bookings serve, up to their end', () => {
    const m = model().apply({
      people: [person('ana')],
      bookings: [
        booking('ana', '2026-12-07', '2026-12-11', 80, { source: 'milestone', sourceId: 'accept' }),
        booking('ana', '2026-12-07', '2026-12-11', 40, { follows: 'late', anchor: '2026-12-01' })
      ],
      milestones: [{ id: 'late', start: '2026-12-01' }]
    });
    expect(overAllocations(m, ['ana']).map((o) => o.weekStart)).toEqual(['2026-12-07']);
    const found = threats(m, ['ana'], [{ id: 'accept', end: '2026-12-11' }, { id: 'late', end: '2026-12-04' }]);
    expect(found.map((t) => t.key)).toEqual(['ana:accept']);
    expect(found[0].weeks).toEqual(['2026-12-07']);
  });

  it('[RS15] a risk linked to the milestone and the resource is logged, and no longer suggested', () => {
    const t = { key: 'ana:accept', resource: 'ana', milestone: 'accept', weeks: [], bookings: [] };
    const risk = { id: 'r', links: ['accept', resourceLink('ana')] } as never;
    expect(loggedRisk(t, [risk])).toBe(risk);
    expect(suggestedRisks([t], [])).toEqual([t]);
    expect(suggestedRisks([t], [risk])).toEqual([]);
  });

  it("[RS8] today is the plan's date in its time zone", () => {
    // 2026-12-03 23:30 UTC is already 4 December in Tokyo.
    const t = Date.UTC(2026, 11, 3, 23, 30);
    expect(todayIn('UTC', t)).toBe('2026-12-03');
    expect(todayIn('Asia/Tokyo', t)).toBe('2026-12-04');
  });
});
