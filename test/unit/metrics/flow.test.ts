import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import { nearestRank, distribution } from '../../../shared/metrics/percentile.ts';
import type { Card } from '../../../shared/schema.ts';
import { at, card, DAY, HOUR, plan, sprint } from './fixtures.ts';
import { marchPlan, NOW } from './scenario.ts';

const flowOf = (p = marchPlan(), now = NOW, options = {}) => computeMetrics(p, now, { flow: options }).flow;
const onDay = (f: ReturnType<typeof flowOf>, day: string) => f.days.indexOf(day);

describe('cycle time and lead time', () => {
  it('[CT1, CT2] A: first doing 24 Mar 11:00 to done 25 Mar 16:00 is 29 hours', () => {
    const f = flowOf();
    expect(f.controlChart.points.find((p) => p.id === 'A')!.ms).toBe(29 * HOUR);
  });

  it('[CT3, CT6] B reopened: measured from first start to final done, across the clock change (7 days 1 hour elapsed)', () => {
    const f = flowOf();
    // 26 Mar 10:00 GMT → 2 Apr 12:00 BST: the wall clock says 7 d 2 h, the elapsed time is 7 d 1 h.
    expect(f.controlChart.points.find((p) => p.id === 'B')!.ms).toBe(7 * DAY + HOUR);
    expect(f.reopenedCards).toBe(1);
    expect(f.reopens).toBe(1);
  });

  it('[CT4] a card that never entered a doing status has no cycle time but has a lead time', () => {
    const f = flowOf();
    expect(f.controlChart.points.map((p) => p.id)).toEqual(['A', 'B']);
    expect(f.cycleTime.count).toBe(2);
    expect(f.leadTime.count).toBe(3);
  });

  it('[LT1] lead time from creation to final done: A 126 h, D 86.5 h, B 289 h', () => {
    const f = flowOf();
    expect(f.leadTime.min).toBe(86.5 * HOUR);
    expect(f.leadTime.p50).toBe(126 * HOUR);
    expect(f.leadTime.max).toBe(289 * HOUR);
  });

  it('[CT5] moving back to todo does not stop the clock', () => {
    const c = card('x', [[at('2025-03-24 09:00'), 'todo'], [at('2025-03-24 10:00'), 'doing'], [at('2025-03-25 10:00'), 'todo'], [at('2025-03-26 10:00'), 'doing'], [at('2025-03-27 10:00'), 'done']]);
    expect(flowOf(plan({ cards: [c] })).cycleTime.max).toBe(3 * DAY);
  });

  it('[CT5, WIP1] a card moved back to the backlog column leaves WIP and has no cycle time until it is done', () => {
    const c = card('x', [[at('2025-03-24 09:00'), 'todo'], [at('2025-03-24 10:00'), 'doing'], [at('2025-03-25 10:00'), 'backlog']]);
    const f = flowOf(plan({ cards: [c] }), NOW, { from: '2025-03-24', to: '2025-03-26' });
    expect(f.wip).toEqual([1, 0, 0]);
    expect(f.cycleTime.count).toBe(0);
    expect(f.cfd.find((b) => b.status === 'backlog')!.counts).toEqual([0, 1, 1]);
  });

  it('[LT2, TP4] a card created already done has no cycle or lead time and counts as a completion on its creation day', () => {
    const c = card('x', [[at('2025-03-26 10:00'), 'done']]);
    const f = flowOf(plan({ cards: [c] }));
    expect(f.cycleTime.count).toBe(0);
    expect(f.leadTime.count).toBe(0);
    expect(f.throughput[onDay(f, '2025-03-26')]).toBe(1);
  });

  it('[LT2] a card created done, reopened and done again has a lead time from creation', () => {
    const c = card('x', [[at('2025-03-26 10:00'), 'done'], [at('2025-03-26 11:00'), 'doing'], [at('2025-03-26 15:00'), 'done']]);
    const f = flowOf(plan({ cards: [c] }));
    expect(f.leadTime.max).toBe(5 * HOUR);
    expect(f.cycleTime.max).toBe(4 * HOUR);
  });

  it('[G3] clocks that disagree: history logged out of time order is sorted by time before use', () => {
    const c: Card = {
      ...card('x', [[at('2025-03-24 10:00'), 'todo']]),
      status: 'done',
      history: [
        { at: at('2025-03-24 10:00'), from: null, to: 'todo', actor: 'a' },
        { at: at('2025-03-24 16:00'), from: 'doing', to: 'done', actor: 'fast-clock' },
        { at: at('2025-03-24 12:00'), from: 'todo', to: 'doing', actor: 'slow-clock' }
      ]
    };
    const f = flowOf(plan({ cards: [c] }));
    expect(f.cycleTime.max).toBe(4 * HOUR);
    expect(f.reopens).toBe(0);
  });

  it('[G3] events with equal times keep their log order', () => {
    const t = at('2025-03-24 12:00');
    const c: Card = { ...card('x', [[at('2025-03-24 10:00'), 'todo'], [t, 'doing'], [t, 'done']]) };
    expect(flowOf(plan({ cards: [c] })).cycleTime.max).toBe(0);
  });

  it('[G4] concurrent moves: the status the board shows wins over the last logged move', () => {
    // Two people moved the card at once; the log has both, the status field kept 'doing'.
    const c: Card = {
      ...card('x', [[at('2025-03-24 10:00'), 'todo'], [at('2025-03-24 11:00'), 'doing'], [at('2025-03-24 11:00'), 'done']]),
      status: 'doing'
    };
    const f = flowOf(plan({ cards: [c] }));
    expect(f.cycleTime.count).toBe(0);
    expect(f.throughput.reduce((a, b) => a + b, 0)).toBe(0);
    expect(f.wipNow.find((w) => w.status === 'doing')!.count).toBe(1);
  });

  it('[G7] a card in a deleted column counts as todo: no start, no WIP', () => {
    const c = card('x', [[at('2025-03-24 10:00'), 'todo'], [at('2025-03-24 11:00'), 'gone-column'], [at('2025-03-25 11:00'), 'done']]);
    const f = flowOf(plan({ cards: [c] }));
    expect(f.cycleTime.count).toBe(0);
    expect(f.wip[onDay(f, '2025-03-24')]).toBe(0);
  });
});

describe('percentiles', () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);

  it('[CT7] nearest rank: the smallest value with at least p % of values at or below it', () => {
    expect(nearestRank(values, 50)).toBe(10);
    expect(nearestRank(values, 85)).toBe(17);
    expect(nearestRank(values, 95)).toBe(19);
    expect(nearestRank(values, 100)).toBe(20);
    expect(nearestRank(values, 0)).toBe(1);
    expect(nearestRank([5, 7, 9], 50)).toBe(7);
    expect(nearestRank([4], 95)).toBe(4);
    expect(nearestRank([], 50)).toBeNull();
  });

  it('[CT7] the summary of an empty list is all null', () => {
    expect(distribution([])).toEqual({ count: 0, min: null, p50: null, p85: null, p95: null, max: null, mean: null });
  });
});

describe('throughput, WIP and cumulative flow', () => {
  it('[TP1, TP2] completions on the day of the final done: B counts on 2 April, not on 28 March', () => {
    const f = flowOf();
    expect(f.throughput[onDay(f, '2025-03-25')]).toBe(1);
    expect(f.throughput[onDay(f, '2025-03-28')]).toBe(0);
    expect(f.throughput[onDay(f, '2025-03-31')]).toBe(1); // D, at 00:30 BST
    expect(f.throughput[onDay(f, '2025-04-02')]).toBe(1);
    expect(f.throughput.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('[CFD5] the default range runs from the first card\'s day to today', () => {
    const f = flowOf();
    expect(f.from).toBe('2025-03-20');
    expect(f.to).toBe('2025-04-10');
    expect(f.days).toHaveLength(22);
    expect(flowOf(marchPlan(), NOW, { from: '2025-03-24', to: '2025-03-28' }).days).toEqual(['2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28']);
  });

  it('[WIP1] cards in a doing column at the end of each day', () => {
    const f = flowOf(marchPlan(), NOW, { from: '2025-03-24', to: '2025-04-02' });
    expect(f.wip).toEqual([1, 0, 1, 1, 0, 0, 0, 1, 1, 0]);
  });

  it('[CFD1, CFD2, CFD4] bands by column at the end of each day, hand-computed for 20, 21 and 27 March', () => {
    const f = flowOf();
    const band = (status: string) => f.cfd.find((b) => b.status === status)!.counts;
    const col = (day: string) => Object.fromEntries(['backlog', 'todo', 'doing', 'review', 'done'].map((s) => [s, band(s)[onDay(f, day)]]));
    expect(col('2025-03-20')).toEqual({ backlog: 1, todo: 0, doing: 0, review: 0, done: 0 });
    expect(col('2025-03-21')).toEqual({ backlog: 1, todo: 2, doing: 0, review: 0, done: 0 });
    expect(col('2025-03-27')).toEqual({ backlog: 2, todo: 1, doing: 1, review: 0, done: 1 });
    expect(col('2025-04-10')).toEqual({ backlog: 2, todo: 0, doing: 0, review: 0, done: 3 });
    expect(f.cfd.map((b) => b.status)).toEqual(['backlog', 'todo', 'doing', 'review', 'done']);
  });

  it('[CFD3] cards in a column that no longer exists form one extra band', () => {
    const c = card('x', [[at('2025-03-24 10:00'), 'todo'], [at('2025-03-25 11:00'), 'qa']]);
    const f = flowOf(plan({ cards: [c] }));
    expect(f.cfd.map((b) => b.status)).toEqual(['backlog', 'todo', 'doing', 'review', 'done', null]);
    expect(f.cfd[5].counts[onDay(f, '2025-03-25')]).toBe(1);
    expect(flowOf(plan({ cards: [card('y', [[at('2025-03-24 10:00'), 'todo']])] })).cfd).toHaveLength(5);
  });

  it('[CFD2, G5] a deleted card is absent from every past day', () => {
    const p = marchPlan();
    const f = flowOf({ ...p, cards: p.cards.filter((c) => c.id !== 'A') });
    expect(f.from).toBe('2025-03-21');
    expect(f.cfd.find((b) => b.status === 'done')!.counts.at(-1)).toBe(2);
  });

  it('[WIP2] present cards per column against its limit', () => {
    const cards = [1, 2, 3, 4, 5].map((i) => card(`w${i}`, [[at('2025-03-24 10:00'), 'todo'], [at('2025-03-24 11:00'), 'doing']]));
    const w = flowOf(plan({ cards })).wipNow.find((x) => x.status === 'doing')!;
    expect(w).toEqual({ status: 'doing', name: 'In progress', count: 5, limit: 4, over: true });
  });

  it('[CT8] the control chart: one point per done card by done time, percentile lines, outliers above p95', () => {
    const cards = Array.from({ length: 20 }, (_, i) =>
      card(`k${String(i).padStart(2, '0')}`, [[at('2025-03-03 09:00'), 'todo'], [at('2025-03-03 10:00'), 'doing'], [at('2025-03-03 10:00') + (i + 1) * HOUR, 'done']])
    );
    const chart = flowOf(plan({ cards })).controlChart;
    expect(chart.points).toHaveLength(20);
    expect(chart.points.map((p) => p.ms)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * HOUR));
    expect([chart.p50, chart.p85, chart.p95]).toEqual([10 * HOUR, 17 * HOUR, 19 * HOUR]);
    expect(chart.points.filter((p) => p.outlier).map((p) => p.id)).toEqual(['k19']);
  });

  it('[CT9, LT3] distributions cover cards whose final done falls in the range', () => {
    const f = flowOf(marchPlan(), NOW, { from: '2025-03-26', to: '2025-04-10' });
    expect(f.cycleTime.count).toBe(1); // B; A finished on the 25th
    expect(f.leadTime.count).toBe(2); // B and D
  });
});

describe('hostile values', () => {
  it('[G3, G6] absurd timestamps from a peer neither crash nor blow up the daily series', () => {
    const c = card('x', [[at('2025-03-24 10:00'), 'todo'], [1e300, 'doing'], [8.64e15, 'done']]);
    const d = card('y', [[0, 'todo'], [at('2025-03-25 10:00'), 'done']]);
    const f = flowOf(plan({ cards: [c, d] }));
    expect(f.to).toBe('2025-04-10');
    expect(f.days.length).toBeLessThanOrEqual(730);
    expect(f.cfd.reduce((n, b) => n + b.counts[f.days.length - 1], 0)).toBe(2);
  });
});

describe('time zones and clock changes', () => {
  it('[CT6, G1] across the October change in London: 3 days and 1 hour elapsed; 00:30 BST on the 26th is the 26th', () => {
    const c = card('x', [[at('2025-10-20 09:00'), 'todo'], [at('2025-10-24 10:00'), 'doing'], [at('2025-10-27 10:00'), 'done']]);
    const late = card('y', [[at('2025-10-20 09:00'), 'todo'], [at('2025-10-26 00:30'), 'done']]);
    const f = flowOf(plan({ cards: [c, late] }), at('2025-10-28 12:00'));
    expect(f.controlChart.points[0].ms).toBe(3 * DAY + HOUR);
    expect(at('2025-10-26 00:30')).toBe(Date.parse('2025-10-25T23:30:00Z'));
    expect(f.throughput[onDay(f, '2025-10-25')]).toBe(0);
    expect(f.throughput[onDay(f, '2025-10-26')]).toBe(1);
  });

  it('[G1] a New York plan counts days in New York: 22:30 EST on 2 November is the 2nd, not the 3rd (UTC)', () => {
    const tz = 'America/New_York';
    const c = card('x', [[at('2025-10-31 09:00', tz), 'todo'], [at('2025-11-02 22:30', tz), 'done']]);
    const f = flowOf(plan({ cards: [c], timeZone: tz }), at('2025-11-05 12:00', tz));
    expect(at('2025-11-02 22:30', tz)).toBe(Date.parse('2025-11-03T03:30:00Z'));
    expect(f.throughput[onDay(f, '2025-11-02')]).toBe(1);
    expect(f.throughput[onDay(f, '2025-11-03')]).toBe(0);
    expect(f.leadTime.max).toBe(2 * DAY + 14.5 * HOUR); // 31 Oct 09:00 EDT → 2 Nov 22:30 EST, one hour longer than the wall clock says
  });

  it('[BD4, G2] a New York sprint over the spring change: one calendar day each, ideal flat on the weekend', () => {
    const tz = 'America/New_York';
    const s = sprint('ny', '2025-03-06', '2025-03-12', { commitment: { at: at('2025-03-06 09:00', tz), cards: [{ id: 'x', points: 5 }] }, closedAt: at('2025-03-12 17:00', tz) });
    const c = card('x', [[at('2025-03-05 09:00', tz), 'todo'], [at('2025-03-10 00:30', tz), 'done']], { points: 5, sprint: 'ny' });
    const b = computeMetrics(plan({ sprints: [s], cards: [c], timeZone: tz }), at('2025-03-20 12:00', tz)).sprints[0].burn!;
    expect(b.days).toEqual(['2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10', '2025-03-11', '2025-03-12']);
    expect(b.ideal).toEqual([4, 3, 3, 3, 2, 1, 0]);
    expect(b.remaining).toEqual([5, 5, 5, 5, 0, 0, 0]);
  });
});
