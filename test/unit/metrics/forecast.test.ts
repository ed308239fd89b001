import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import { forecastHowMany, forecastWhen, throughputSample, type Sample } from '../../../shared/metrics/forecast.ts';
import { createPrng } from '../../../shared/prng.ts';
import { dayOfIso, workWeek } from '../../../shared/metrics/calendar.ts';
import { CardIndex } from '../../../shared/metrics/card-index.ts';
import { planContext } from '../../../shared/metrics/context.ts';
import type { PlanSnapshot } from '../../../shared/schema.ts';
import { at, card, plan, sprint } from './fixtures.ts';

const week = workWeek([1, 2, 3, 4, 5]);
const TODAY = dayOfIso('2025-04-10'); // a Thursday
const sampleOf = (counts: number[]): Sample => ({ days: counts.length, total: counts.reduce((a, b) => a + b, 0), counts });

function sampleFromPlan(p: PlanSnapshot, days: number): Sample {
  const index = CardIndex.build(p.cards, planContext(p));
  return throughputSample(index.flow.throughput, index.flow.arrivals.firstDay(), TODAY, week, days);
}

/** `n` cards created and done on `day` at 10:00 and 11:00. */
const doneOn = (day: string, n: number) => Array.from({ length: n }, (_, i) => card(`${day}-${i}`, [[at(`${day} 10:00`), 'todo'], [at(`${day} 11:00`), 'done']]));

describe('Monte Carlo forecast', () => {
  it('[FC1, TP3] the sample: last N working days before today, weekend completions on the next working day, nothing before the first card', () => {
    const p = plan({
      cards: [
        card('first', [[at('2025-04-03 09:00'), 'todo']]),
        ...doneOn('2025-04-04', 2),
        ...doneOn('2025-04-05', 1), // Saturday → Monday
        ...doneOn('2025-04-07', 1),
        ...doneOn('2025-04-09', 3),
        ...doneOn('2025-04-10', 5) // today: not over, not sampled
      ]
    });
    expect(sampleFromPlan(p, 10)).toEqual({ days: 5, total: 7, counts: [0, 2, 2, 0, 3] });
    expect(sampleFromPlan(p, 2).counts).toEqual([0, 3]);
  });

  it('[FC2, FC3] constant throughput of one a day: N items are done on the N-th working day after today', () => {
    const [[p50, p85, p95]] = forecastWhen(sampleOf([1, 1, 1]), [3], TODAY, week);
    expect([p50.date, p85.date, p95.date]).toEqual(['2025-04-15', '2025-04-15', '2025-04-15']);
    expect(forecastWhen(sampleOf([2]), [3], TODAY, week)[0][1].date).toBe('2025-04-14');
  });

  it('[FC3, FC6] "done by this date with 85 % confidence" is the 85th percentile of finish dates (hand-computed odds; days drawn in blocks)', () => {
    // Days deliver 0 or 2 items with equal odds; 2 items are done on the first day that delivers:
    // P(by day k) = 1 − 2^−k = 0.5, 0.75, 0.875, 0.9375, 0.96875 for Fri 11, Mon 14, Tue 15, Wed 16, Thu 17.
    const answers = forecastWhen(sampleOf([0, 2]), [2], TODAY, week, { confidence: [40, 60, 85, 95] })[0];
    expect(answers.map((a) => a.date)).toEqual(['2025-04-11', '2025-04-14', '2025-04-15', '2025-04-17']);
  });

  it('[FC6] drawing days in blocks gives the daily bootstrap distribution (checked against exact convolution)', () => {
    const counts = [0, 1, 5];
    // Exact distribution of the total of k independent uniform draws.
    const totalOf = (k: number) => {
      let dist = new Map([[0, 1]]);
      for (let d = 0; d < k; d++) {
        const next = new Map<number, number>();
        for (const [v, p] of dist) for (const c of counts) next.set(v + c, (next.get(v + c) ?? 0) + p / counts.length);
        dist = next;
      }
      return [...dist].sort((a, b) => a[0] - b[0]);
    };
    // How many by the 9th working day after Thursday 10 April (Wednesday 23rd): two blocks of 4 days and one single day.
    const exact = totalOf(9);
    const confidence = Array.from({ length: 99 }, (_, i) => i + 1);
    const answers = forecastHowMany(sampleOf(counts), TODAY, dayOfIso('2025-04-23'), week, { confidence, trials: 20_000 });
    let checked = 0;
    for (const a of answers) {
      const q = (100 - a.confidence) / 100;
      let cdf = 0;
      let expected = 0;
      let margin = 1;
      for (const [v, p] of exact) {
        margin = Math.min(margin, Math.abs(cdf + p - q));
        if (cdf < q && cdf + p >= q) expected = v;
        cdf += p;
      }
      if (margin < 0.012) continue; // too close to call with 20,000 trials (σ ≈ 0.0035)
      expect(a.items).toBe(expected);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(checked).toBeLessThanOrEqual(99);
  });

  it('[FC4] how many by a date: the (100 − c)-th percentile of trial totals, so c % of trials delivered at least that many', () => {
    // Two working days to Monday 14th: totals 0, 2, 4 with odds 1/4, 1/2, 1/4.
    const answers = forecastHowMany(sampleOf([0, 2]), TODAY, dayOfIso('2025-04-14'), week, { confidence: [20, 50, 85] });
    expect(answers.map((a) => a.items)).toEqual([4, 2, 0]);
    expect(forecastHowMany(sampleOf([1]), TODAY, dayOfIso('2025-04-18'), week)[0].items).toBe(6);
    expect(forecastHowMany(sampleOf([1]), TODAY, TODAY, week)[0].items).toBe(0);
  });

  it('[FC5] the same seed gives the same forecast; another seed is allowed to differ', () => {
    const s = sampleOf([0, 3, 1, 0, 5, 2, 0, 1]);
    const a = forecastWhen(s, [40, 7], TODAY, week, { seed: 42 });
    expect(forecastWhen(s, [40, 7], TODAY, week, { seed: 42 })).toEqual(a);
    expect(forecastHowMany(s, TODAY, TODAY + 30, week, { seed: 9 })).toEqual(forecastHowMany(s, TODAY, TODAY + 30, week, { seed: 9 }));
  });

  it('[FC5] the PRNG is deterministic and uniform enough', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.02);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('[FC7, FC9] no throughput or beyond the horizon: no date; nothing remaining: today', () => {
    expect(forecastWhen(sampleOf([0, 0]), [5], TODAY, week)[0].map((a) => a.date)).toEqual([null, null, null]);
    expect(forecastWhen(sampleOf([]), [5], TODAY, week)[0][0].date).toBeNull();
    expect(forecastWhen(sampleOf([1]), [50], TODAY, week, { horizon: 10 })[0][0].date).toBeNull();
    expect(forecastWhen(sampleOf([0]), [0], TODAY, week)[0][0].date).toBe('2025-04-10');
  });

  it('[FC3, FC4] forecast dates never get earlier as confidence rises; item counts never grow', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(6), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 80 }), fc.nat(1000), (counts, remaining, seed) => {
        const confidence = [10, 30, 50, 70, 85, 95, 99];
        const when = forecastWhen(sampleOf(counts), [remaining], TODAY, week, { seed, trials: 300, confidence })[0];
        const dates = when.map((a) => a.date ?? '9999-12-31');
        expect([...dates].sort()).toEqual(dates);
        const many = forecastHowMany(sampleOf(counts), TODAY, TODAY + 20, week, { seed, trials: 300, confidence }).map((a) => a.items);
        expect([...many].sort((a, b) => b - a)).toEqual(many);
      }),
      { numRuns: 60 }
    );
  });

  it('[FC2, FC8] milestones forecast together equal each forecast alone', () => {
    const s = sampleOf([0, 3, 1, 0, 5, 2]);
    const together = forecastWhen(s, [12, 4, 30], TODAY, week, { seed: 3 });
    expect(together[1]).toEqual(forecastWhen(s, [4], TODAY, week, { seed: 3 })[0]);
    expect(together[2]).toEqual(forecastWhen(s, [30], TODAY, week, { seed: 3 })[0]);
  });

  it('[FC1–FC4] the plan forecast: cards not done now, and how many fit by the end of the active sprint', () => {
    const days = ['2025-04-01', '2025-04-02', '2025-04-03', '2025-04-04', '2025-04-07', '2025-04-08', '2025-04-09'];
    const p = plan({
      sprints: [sprint('s', '2025-04-07', '2025-04-18', { state: 'active', commitment: { at: at('2025-04-07 09:00'), cards: [] } })],
      cards: [...days.flatMap((d) => doneOn(d, 2)), ...[1, 2, 3, 4, 5].map((i) => card(`open${i}`, [[at('2025-04-01 09:00'), 'todo']]))]
    });
    const f = computeMetrics(p, at('2025-04-10 12:00'), { forecast: { sampleDays: 7 } }).forecast!;
    expect(f.sample.counts).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(f.remaining).toBe(5);
    expect(f.when.map((w) => w.date)).toEqual(['2025-04-15', '2025-04-15', '2025-04-15']); // 2 + 2 + 2 ≥ 5 on the 3rd working day
    expect(f.howMany).toEqual([{ by: '2025-04-18', answers: [50, 85, 95].map((c) => ({ confidence: c, items: 12 })) }]);
    expect(computeMetrics(p, at('2025-04-10 12:00')).forecast).toBeNull();
  });
});
