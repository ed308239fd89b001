import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import { at, card, plan, sprint } from './fixtures.ts';
import { marchPlan, NOW } from './scenario.ts';

const velocityOf = (p = marchPlan(), now = NOW) => computeMetrics(p, now).sprints[0].velocity!;

describe('velocity', () => {
  it('[V1, V4] completed by the close: A 3 + B 5 + D 1 (added); 10 committed, 2 removed', () => {
    expect(velocityOf()).toMatchObject({ committed: 10, velocity: 9, completed: 9, completedCommitted: 8, completedAdded: 1, added: 1, removed: 2, notDone: 0, sayDo: 0.8 });
  });

  it('[V2] an open sprint has no velocity, only what is completed so far', () => {
    const v = velocityOf(marchPlan({ state: 'active', closedAt: null }), at('2025-03-28 16:00'));
    expect(v.velocity).toBeNull();
    expect(v.completed).toBe(8); // A and B
    expect(v.notDone).toBe(1); // D
  });

  it('[V3] a card reopened after the close does not change the closed sprint', () => {
    const p = marchPlan();
    const b = p.cards.find((c) => c.id === 'B')!;
    const reopened = { ...b, status: 'doing', history: [...b.history, { at: at('2025-04-07 10:00'), from: 'done', to: 'doing', actor: 'a' }] };
    const m = computeMetrics({ ...p, cards: p.cards.map((c) => (c.id === 'B' ? reopened : c)) }, NOW);
    expect(m.sprints[0].velocity!.velocity).toBe(9);
    expect(m.flow.throughput.reduce((a, b) => a + b, 0)).toBe(2); // [TP2] B no longer counts as a completion
  });

  it('[V3] a card reopened within the sprint and not done at the close does not count', () => {
    const p = marchPlan();
    const b = card('B', [[at('2025-03-21 10:00'), 'todo'], [at('2025-03-26 10:00'), 'doing'], [at('2025-03-28 15:00'), 'done'], [at('2025-03-31 10:00'), 'doing']], { points: 5, sprint: 's1' });
    const v = velocityOf({ ...p, cards: p.cards.map((c) => (c.id === 'B' ? b : c)) });
    expect(v.velocity).toBe(4);
    expect(v.notDone).toBe(5);
  });

  it('[V5] the average is over the last three closed sprints, by end date', () => {
    const sprints = [1, 2, 3, 4].map((i) => {
      const start = `2025-0${i}-03`;
      return sprint(`s${i}`, start, `2025-0${i}-14`, { commitment: { at: at(`${start} 09:00`), cards: [{ id: `c${i}`, points: i * 2 }] }, closedAt: at(`2025-0${i}-14 17:00`) });
    });
    const cards = [1, 2, 3, 4].map((i) => card(`c${i}`, [[at(`2025-0${i}-01 10:00`), 'todo'], [at(`2025-0${i}-10 10:00`), 'done']], { points: i * 2, sprint: `s${i}` }));
    const m = computeMetrics(plan({ sprints, cards }), NOW);
    expect(m.averageVelocity).toEqual({ sprints: ['s2', 's3', 's4'], mean: 6, min: 4, max: 8 });
    expect(computeMetrics(plan({ sprints, cards }), NOW, { velocitySprints: 1 }).averageVelocity!.mean).toBe(8);
  });

  it('[V5] no closed sprint, no average', () => {
    expect(computeMetrics(marchPlan({ state: 'active', closedAt: null }), NOW).averageVelocity).toBeNull();
  });

  it('[V6] unestimated cards count 0 points and are reported', () => {
    const p = marchPlan();
    const d = { ...p.cards.find((c) => c.id === 'D')!, points: null, estimates: [] };
    const v = velocityOf({ ...p, cards: p.cards.map((c) => (c.id === 'D' ? d : c)) });
    expect(v.velocity).toBe(8);
    expect(v.unestimated).toBe(1);
  });

  it('[V7, G5] deleting a committed card changes a past sprint: commitment and velocity both lose it', () => {
    const p = marchPlan();
    const v = velocityOf({ ...p, cards: p.cards.filter((c) => c.id !== 'B') });
    expect(v).toMatchObject({ committed: 5, velocity: 4, completedCommitted: 3 });
  });

  it('[V1] cards created already done inside the sprint count as completed added work', () => {
    const p = marchPlan();
    const logged = card('F', [[at('2025-03-26 10:00'), 'done']], { points: 2, sprint: 's1' });
    expect(velocityOf({ ...p, cards: [...p.cards, logged] })).toMatchObject({ velocity: 11, completedAdded: 3, added: 3 });
  });

  const withDoneAtStart = (f: ReturnType<typeof card>) => {
    const p = marchPlan();
    const s = p.sprints[0];
    const commitment = { ...s.commitment!, cards: [...s.commitment!.cards, { id: 'F', points: 4 }] };
    return { ...p, sprints: [{ ...s, commitment }], cards: [...p.cards, f] };
  };

  it('[SC7] a card already done when the sprint starts is in neither its commitment nor its completed work', () => {
    const f = card('F', [[at('2025-03-17 10:00'), 'todo'], [at('2025-03-21 16:00'), 'done']], { points: 4, sprint: 's1' });
    const v = velocityOf(withDoneAtStart(f));
    expect(v).toMatchObject({ committed: 10, velocity: 9, completedCommitted: 8, completedAdded: 1, added: 1, removed: 2, sayDo: 0.8 });
  });

  it('[SC7] also when the commitment did not record it: done before the start, in the sprint, not added', () => {
    const f = card('F', [[at('2025-03-17 10:00'), 'todo'], [at('2025-03-21 16:00'), 'done']], { points: 4, sprint: 's1' });
    const p = marchPlan();
    expect(velocityOf({ ...p, cards: [...p.cards, f] })).toMatchObject({ velocity: 9, completedAdded: 1, added: 1 });
  });

  it('[SC7] done at the start, reopened in the sprint: added scope from the reopen, completed when done again', () => {
    const moves: [number, string][] = [[at('2025-03-17 10:00'), 'todo'], [at('2025-03-21 16:00'), 'done'], [at('2025-03-26 10:00'), 'doing'], [at('2025-04-01 10:00'), 'done']];
    const v = velocityOf(withDoneAtStart(card('F', moves, { points: 4, sprint: 's1' })));
    expect(v).toMatchObject({ committed: 10, velocity: 13, completedCommitted: 8, completedAdded: 5, added: 5 });
    const open = velocityOf(withDoneAtStart(card('F', moves.slice(0, 3), { points: 4, sprint: 's1' })));
    expect(open).toMatchObject({ committed: 10, velocity: 9, added: 5, notDone: 4 });
  });
});
