import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import type { SprintBurn } from '../../../shared/metrics/burn.ts';
import { at, card, plan, sprint } from './fixtures.ts';
import { CLOSED, DAYS, marchPlan, NOW, T0 } from './scenario.ts';

const burnOf = (p = marchPlan(), now = NOW, unit: 'points' | 'cards' = 'points'): SprintBurn => computeMetrics(p, now, { unit }).sprints[0].burn!;

describe('burn-down and burn-up', () => {
  it('[BD2] the axis is every calendar date of the sprint, weekends and the short DST Sunday included', () => {
    expect(burnOf().days).toEqual(DAYS);
  });

  it('[BD1, BD4] the ideal line starts at the commitment and falls only on working days', () => {
    const b = burnOf();
    expect(b.committed).toBe(10);
    expect(b.ideal).toEqual([9, 8, 7, 6, 5, 5, 5, 4, 3, 2, 1, 0]);
  });

  it('[BD3, G9] remaining work at the end of each day, hand-computed', () => {
    // 24: nothing done (10). 25: A done (7). 27: C removed, D added (6). 28: B done (1).
    // 31: D done, B reopened (5). 2 Apr: B done again (0).
    expect(burnOf().remaining).toEqual([10, 7, 7, 6, 1, 1, 1, 5, 5, 0, 0, 0]);
  });

  it('[BD5] added and removed scope are separate series, never folded into the commitment line', () => {
    const b = burnOf();
    expect(b.added).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(b.removed).toEqual([0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(b.remainingCommitted).toEqual([10, 7, 7, 5, 0, 0, 0, 5, 5, 0, 0, 0]);
    expect(b.remainingAdded).toEqual([0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(b.ideal[0]).toBe(9); // still from the 10 committed, whatever was added
  });

  it('[BD7] a card reopened after done goes back into remaining on the day it reopens, and the reopen is counted', () => {
    const b = burnOf();
    expect(b.remaining[4]).toBe(1); // 28 Mar: B done
    expect(b.remaining[7]).toBe(5); // 31 Mar: B reopened (and D done, in the first minutes of the day)
    expect(b.reopened).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('[BU1, BU2, BU3] burn-up: scope moves on the day of the change, done drops when a card reopens', () => {
    const b = burnOf();
    expect(b.scope).toEqual([10, 10, 10, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
    expect(b.done).toEqual([0, 3, 3, 3, 8, 8, 8, 4, 4, 9, 9, 9]);
    b.scope.forEach((s, i) => expect(s! - b.done[i]!).toBe(b.remaining[i]));
  });

  it('[G1] an event at 00:30 BST on 31 March counts on the 31st, not on the UTC date (the 30th)', () => {
    const b = burnOf();
    // D's done is at 2025-03-30T23:30Z. Had it counted on the 30th, done would be 9 there.
    expect(b.done[6]).toBe(8);
    expect(b.done[7]).toBe(4); // 3 (A) + 1 (D); B reopened
  });

  it('[BD6] an active sprint has no actual values for days that have not started', () => {
    const b = burnOf(marchPlan({ state: 'active', closedAt: null }), at('2025-03-28 12:00'));
    expect(b.remaining).toEqual([10, 7, 7, 6, 6, null, null, null, null, null, null, null]);
    expect(b.ideal).toHaveLength(12);
  });

  it('[BD8, G8] a re-estimate moves remaining and scope on its day, not the ideal line', () => {
    const p = marchPlan();
    const a = p.cards.find((c) => c.id === 'B')!;
    const grown = { ...a, points: 8, estimates: [...a.estimates, { at: at('2025-03-26 09:00'), from: 5, to: 8, actor: 'a' }] };
    const b = burnOf({ ...p, cards: p.cards.map((c) => (c.id === 'B' ? grown : c)) });
    expect(b.remaining.slice(0, 4)).toEqual([10, 7, 10, 9]);
    expect(b.ideal[0]).toBe(9);
  });

  it('[BD3] card units count cards instead of points', () => {
    // A, B, C; C leaves and D joins on the 27th; on the 31st D is done and B reopened.
    expect(burnOf(marchPlan(), NOW, 'cards').remaining).toEqual([3, 2, 2, 2, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('[SC1] a planned sprint (no commitment) has no burn-down', () => {
    const p = plan({ sprints: [sprint('p', '2025-04-07', '2025-04-18', { state: 'planned' })] });
    expect(computeMetrics(p, NOW).sprints[0].burn).toBeNull();
    expect(computeMetrics(p, NOW).sprints[0].velocity).toBeNull();
  });

  it('[BD1, BD3] an empty sprint burns nothing: all zeros, ideal zero', () => {
    const p = plan({ sprints: [sprint('e', '2025-03-24', '2025-03-28', { commitment: { at: T0, cards: [] }, closedAt: at('2025-03-28 17:00') })] });
    const b = computeMetrics(p, NOW).sprints[0].burn!;
    expect(b.days).toHaveLength(5);
    expect(b.remaining).toEqual([0, 0, 0, 0, 0]);
    expect(b.ideal).toEqual([0, 0, 0, 0, 0]);
  });

  it('[BD4] a single-day sprint: the ideal is 0 at the end of its only day', () => {
    const p = plan({
      sprints: [sprint('one', '2025-03-26', '2025-03-26', { commitment: { at: at('2025-03-26 09:00'), cards: [{ id: 'x', points: 2 }] }, closedAt: at('2025-03-26 18:00') })],
      cards: [card('x', [[at('2025-03-25 10:00'), 'todo'], [at('2025-03-26 10:00'), 'doing'], [at('2025-03-26 17:00'), 'done']], { points: 2, sprint: 'one' })]
    });
    const b = computeMetrics(p, NOW).sprints[0].burn!;
    expect(b.days).toEqual(['2025-03-26']);
    expect(b.ideal).toEqual([0]);
    expect(b.remaining).toEqual([0]);
  });

  it('[BD4] a sprint with no working day keeps the ideal flat until its last day', () => {
    const p = plan({ sprints: [sprint('w', '2025-03-29', '2025-03-30', { commitment: { at: at('2025-03-29 09:00'), cards: [{ id: 'x', points: 4 }] }, closedAt: at('2025-03-30 18:00') })], cards: [card('x', [[at('2025-03-28 10:00'), 'todo']], { points: 4, sprint: 'w' })] });
    expect(computeMetrics(p, NOW).sprints[0].burn!.ideal).toEqual([4, 0]);
  });

  it('[BD3] all cards done on day 1: remaining reaches 0 at the end of the first day and stays there', () => {
    const s = sprint('d1', '2025-03-24', '2025-03-28', { commitment: { at: T0, cards: [{ id: 'x', points: 3 }, { id: 'y', points: 2 }] }, closedAt: at('2025-03-28 17:00') });
    const p = plan({
      sprints: [s],
      cards: [
        card('x', [[at('2025-03-20 10:00'), 'todo'], [at('2025-03-24 10:00'), 'doing'], [at('2025-03-24 15:00'), 'done']], { points: 3, sprint: 'd1' }),
        card('y', [[at('2025-03-20 10:00'), 'todo'], [at('2025-03-24 11:00'), 'done']], { points: 2, sprint: 'd1' })
      ]
    });
    const b = computeMetrics(p, NOW).sprints[0].burn!;
    expect(b.remaining).toEqual([0, 0, 0, 0, 0]);
    expect(b.ideal).toEqual([4, 3, 2, 1, 0]);
  });

  it('[G5] a deleted card drops out of a past sprint entirely, commitment line included', () => {
    const p = marchPlan();
    const b = burnOf({ ...p, cards: p.cards.filter((c) => c.id !== 'A') });
    expect(b.committed).toBe(7);
    expect(b.remaining).toEqual([7, 7, 7, 6, 1, 1, 1, 5, 5, 0, 0, 0]);
  });

  it('[SC3] without a sprint log, a card pulled in joins at its first move after the commitment', () => {
    const p = marchPlan();
    // E: created in the backlog before the sprint, pulled into the sprint (todo) on 26 March.
    const e = card('E', [[at('2025-03-22 10:00'), 'backlog'], [at('2025-03-26 12:00'), 'todo']], { points: 8, sprint: 's1' });
    const b = burnOf({ ...p, cards: p.cards.map((c) => (c.id === 'E' ? e : c)) });
    expect(b.added.slice(0, 4)).toEqual([0, 0, 8, 9]);
  });

  it('[SC4] a committed card that left with no trace in history is removed at the close (scope never understated)', () => {
    const p = marchPlan();
    // C leaves the sprint without a status change (only its sprint field changed).
    const c = card('C', [[at('2025-03-21 10:00'), 'todo']], { points: 2, sprint: null });
    const b = burnOf({ ...p, cards: p.cards.map((x) => (x.id === 'C' ? c : x)) });
    expect(b.removed).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(b.remaining[10]).toBe(2);
  });

  it('[SC4] without a sprint log, a committed card now in the next sprint was carried: in scope to the close, not done', () => {
    const p = marchPlan();
    const c = card('C', [[at('2025-03-21 10:00'), 'todo'], [at('2025-03-27 14:00'), 'doing']], { points: 2, sprint: 's2' });
    const m = computeMetrics({ ...p, cards: p.cards.map((x) => (x.id === 'C' ? c : x)) }, NOW);
    expect(m.sprints[0].burn!.removed.every((v) => v === 0)).toBe(true);
    expect(m.sprints[0].velocity!.notDone).toBe(2);
  });

  it('[SC5] a sprint closed late extends the axis to the close date; its close is the cut-off', () => {
    const b = burnOf(marchPlan({ closedAt: at('2025-04-07 09:00') }));
    expect(b.days[b.days.length - 1]).toBe('2025-04-07');
    expect(b.ideal.slice(-4)).toEqual([0, 0, 0, 0]);
  });

  it('[SC5] a closed sprint without closedAt closes at the end of its end date', () => {
    const b = burnOf(marchPlan({ closedAt: null }));
    expect(b.days).toEqual(DAYS);
    expect(b.remaining[11]).toBe(0);
    expect(CLOSED).toBeGreaterThan(0);
  });
});

describe('sprint scope from the sprint log', () => {
  const move = (t: number, from: string | null, to: string | null) => ({ at: t, from, to, actor: 'a' });
  const withCard = (id: string, patch: (c: ReturnType<typeof marchPlan>['cards'][number]) => object) => {
    const p = marchPlan();
    return { ...p, cards: p.cards.map((c) => (c.id === id ? { ...c, ...patch(c) } : c)) };
  };

  it('[SC2] a logged move out of the sprint removes a committed card at that moment, status unchanged', () => {
    const p = withCard('C', (c) => ({ history: c.history.slice(0, 1), sprint: null, sprintHistory: [move(at('2025-03-26 15:00'), 's1', null)] }));
    expect(burnOf(p).removed).toEqual([0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('[SC2] a logged move into the sprint adds the card at that moment', () => {
    const p = withCard('E', () => ({ sprint: 's1', sprintHistory: [move(at('2025-03-26 12:00'), null, 's1')] }));
    expect(burnOf(p).added).toEqual([0, 0, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
  });

  it('[SC2, BD5] a committed card that leaves and comes back is removed only while it is away', () => {
    const p = withCard('C', (c) => ({
      history: c.history.slice(0, 1),
      sprint: 's1',
      sprintHistory: [move(at('2025-03-27 14:00'), 's1', null), move(at('2025-04-01 09:00'), null, 's1')]
    }));
    const b = burnOf(p);
    expect(b.removed).toEqual([0, 0, 0, 2, 2, 2, 2, 2, 0, 0, 0, 0]);
    expect(b.remaining.slice(7)).toEqual([5, 7, 2, 2, 2]);
  });

  it('[SC6] an added card that leaves again drops out of the added scope; it is not "removed" (only committed work is)', () => {
    const p = withCard('D', () => ({ sprint: null, sprintHistory: [move(at('2025-03-29 10:00'), 's1', null)] }));
    const b = burnOf(p);
    expect(b.added).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(b.removed.at(-1)).toBe(2);
  });

  it('[SC5] the close carrying an unfinished card into the next sprint is not a removal', () => {
    const p = withCard('B', (c) => ({ history: c.history.slice(0, 4), status: 'doing', sprint: 's2', sprintHistory: [move(CLOSED, 's1', 's2')] }));
    const m = computeMetrics(p, NOW).sprints[0];
    expect(m.burn!.removed.at(-1)).toBe(2); // C only
    expect(m.velocity).toMatchObject({ velocity: 4, notDone: 5 });
  });

  it('[SC7, BD1] a committed card already done at the start moves neither the commitment line nor remaining, in points or cards', () => {
    const p = marchPlan();
    const s = p.sprints[0];
    const done = card('F', [[at('2025-03-17 10:00'), 'todo'], [at('2025-03-21 16:00'), 'done']], { points: 4, sprint: 's1' });
    const withF = { ...p, sprints: [{ ...s, commitment: { ...s.commitment!, cards: [...s.commitment!.cards, { id: 'F', points: 4 }] } }], cards: [...p.cards, done] };
    for (const unit of ['points', 'cards'] as const) {
      const before = burnOf(p, NOW, unit);
      const after = burnOf(withF, NOW, unit);
      expect(after.committed).toBe(before.committed);
      expect(after.ideal).toEqual(before.ideal);
      expect(after.remaining).toEqual(before.remaining);
    }
  });
});

