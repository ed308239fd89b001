import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import { workingDayShift } from '../../../shared/metrics/slippage.ts';
import { dayOfIso, workWeek } from '../../../shared/metrics/calendar.ts';
import { at, card, milestone, plan } from './fixtures.ts';
import { marchPlan, NOW } from './scenario.ts';

describe('milestone slippage', () => {
  const p = marchPlan();
  const withMilestones = {
    ...p,
    milestones: [
      milestone('m1', '2025-04-11', { baselineEnd: '2025-04-04', baselineStart: '2025-04-04', start: '2025-04-11' }),
      milestone('m2', '2025-04-18'),
      milestone('m3', '2025-04-10', { baselineEnd: '2025-04-14' })
    ],
    cards: p.cards.map((c) => (c.id === 'A' || c.id === 'B' ? { ...c, links: ['m1'] } : c))
  };
  const rows = () => computeMetrics(withMilestones, NOW).milestones;

  it('[MS1, MS2, MS3] slip against the baseline in calendar and working days; none without a baseline', () => {
    const [m1, m2, m3] = rows();
    expect([m1.slipDays, m1.startSlipDays, m1.slipWorkingDays]).toEqual([7, 7, 5]);
    expect([m2.slipDays, m2.slipWorkingDays, m2.startSlipDays]).toEqual([null, null, null]);
    expect([m3.slipDays, m3.slipWorkingDays]).toEqual([-4, -2]);
  });

  it('[MS3] working-day shift is signed and skips weekends', () => {
    const week = workWeek([1, 2, 3, 4, 5]);
    expect(workingDayShift(dayOfIso('2025-04-04'), dayOfIso('2025-04-07'), week)).toBe(1);
    expect(workingDayShift(dayOfIso('2025-04-07'), dayOfIso('2025-04-04'), week)).toBe(-1);
    expect(workingDayShift(dayOfIso('2025-04-05'), dayOfIso('2025-04-06'), week)).toBe(0);
  });

  it('[MS4, MS5, MS6] all linked work done: the forecast is the actual finish (B, 2 April)', () => {
    expect(rows()[0]).toMatchObject({ linkedCards: 2, linkedDone: 2, forecastEnd: '2025-04-02', forecastSlipDays: -9, forecastBaselineSlipDays: -2, status: 'done' });
  });

  it('[MS4, MS6] no linked cards: no forecast, status unknown', () => {
    expect(rows()[1]).toMatchObject({ linkedCards: 0, forecastEnd: null, status: 'unknown' });
  });

  it('[MS4, MS5, MS6] linked work not done is forecast from throughput at 85 %: late when after the current end', () => {
    // One completion every working day for six weeks: the forecast is deterministic.
    const done = Array.from({ length: 38 }, (_, i) => {
      const d = new Date(Date.UTC(2025, 2, 3) + i * 86_400_000).toISOString().slice(0, 10); // 3 Mar .. 9 Apr
      return card(`t${i}`, [[at(`${d} 09:00`), 'todo'], [at(`${d} 15:00`), 'done']]);
    }).filter((c) => [1, 2, 3, 4, 5].includes(new Date(c.createdAt).getUTCDay()));
    const open = [1, 2, 3].map((i) => card(`o${i}`, [[at('2025-04-01 09:00'), 'todo']], { links: ['late', 'ok'].slice(0, i === 3 ? 1 : 2) }));
    const q = plan({ cards: [...done, ...open], milestones: [milestone('late', '2025-04-14'), milestone('ok', '2025-04-14')] });
    const now = at('2025-04-10 12:00');
    const [late, ok] = computeMetrics(q, now, { forecast: { sampleDays: 20 } }).milestones;
    // 'late' has 3 open cards: done on the 3rd working day after Thursday 10 April = Tuesday 15th.
    expect(late).toMatchObject({ linkedCards: 3, linkedDone: 0, forecastEnd: '2025-04-15', forecastSlipDays: 1, status: 'late' });
    expect(ok).toMatchObject({ linkedCards: 2, forecastEnd: '2025-04-14', forecastSlipDays: 0, status: 'on-track' });
  });
});
