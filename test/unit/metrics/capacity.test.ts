import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import { memberCapacity } from '../../../shared/metrics/capacity.ts';
import { member } from './fixtures.ts';
import { marchPlan, NOW } from './scenario.ts';

function capacityPlan() {
  const p = marchPlan();
  const assign: Record<string, string | null> = { A: 'm1', B: 'm1', D: 'm2' };
  return {
    ...p,
    members: [member('m1', { capacity: { s1: 6 } }), member('m2', { daysOff: { s1: 2 } }), member('m3')],
    cards: [...p.cards.map((c) => (c.id in assign ? { ...c, assignee: assign[c.id] } : c))]
  };
}

describe('capacity and utilisation', () => {
  it('[CAP1] a sprint entry wins; otherwise the default, scaled by days off over the working days', () => {
    expect(memberCapacity(member('a', { capacity: { s: 6 } }), 's', 10)).toBe(6);
    expect(memberCapacity(member('b', { daysOff: { s: 2 } }), 's', 10)).toBe(8);
    expect(memberCapacity(member('c', { daysOff: { s: 12 } }), 's', 10)).toBe(0);
    expect(memberCapacity(member('d'), 's', 0)).toBe(0);
  });

  it('[CAP2, CAP3] load is the present points of cards in the sprint per assignee; over when above capacity', () => {
    const cap = computeMetrics(capacityPlan(), NOW).sprints[0].capacity;
    expect(cap.workingDays).toBe(10);
    expect(cap.members.map((m) => [m.member, m.capacity, m.load, m.done, m.remaining, m.over])).toEqual([
      ['m1', 6, 8, 8, 0, true],
      ['m2', 8, 1, 1, 0, false],
      ['m3', 10, 0, 0, 0, false]
    ]);
    expect(cap.members[0].utilisation).toBeCloseTo(8 / 6, 12);
    expect(cap).toMatchObject({ capacity: 24, load: 9, unassigned: 0 });
    expect(cap.utilisation).toBe(9 / 24);
  });

  it('[CAP4] an assignee who is not a member gets a row with no capacity', () => {
    const p = capacityPlan();
    const cap = computeMetrics({ ...p, cards: p.cards.map((c) => (c.id === 'D' ? { ...c, assignee: 'visitor' } : c)) }, NOW).sprints[0].capacity;
    expect(cap.members.find((m) => m.member === 'visitor')).toMatchObject({ known: false, capacity: 0, load: 1, utilisation: null, over: true });
  });

  it('[CAP3] unassigned work counts in the team load', () => {
    const p = capacityPlan();
    const cap = computeMetrics({ ...p, cards: p.cards.map((c) => (c.id === 'D' ? { ...c, assignee: null } : c)) }, NOW).sprints[0].capacity;
    expect(cap.unassigned).toBe(1);
    expect(cap.load).toBe(9);
  });

  it('[CAP5] focus factor: velocity over team capacity for a closed sprint', () => {
    expect(computeMetrics(capacityPlan(), NOW).sprints[0].capacity.focusFactor).toBe(9 / 24);
  });
});
