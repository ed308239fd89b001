/**
 * The metrics charts' words and labels: end labels spaced so they never overlap (spreadLabels), and
 * the Monte Carlo forecast said as sentences (FC3, FC4 in shared/METRICS.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { howManySentence, whenSentence } from '../../client/src/lib/metrics/forecastText.ts';
import { spreadLabels } from '../../client/src/lib/metrics/labelSpread.ts';
import type { PlanForecast } from '../../shared/metrics/index.ts';

/** The labels' positions sorted top to bottom, with the input index of each. */
const byPosition = (ys: number[]) => ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);

describe('spreadLabels', () => {
  it('leaves labels that are already a label height apart where they are', () => {
    expect(spreadLabels([10, 40, 25], 13)).toEqual([10, 40, 25]);
  });

  it('moves two labels at the same value apart, centred on it, first one on top', () => {
    expect(spreadLabels([100, 100], 13)).toEqual([93.5, 106.5]);
  });

  it('spreads a cluster as a group and pushes the next label down only as far as needed', () => {
    const ys = spreadLabels([50, 52, 54, 80], 13);
    expect(ys[1] - ys[0]).toBeCloseTo(13);
    expect(ys[2] - ys[1]).toBeCloseTo(13);
    expect(ys[3] - ys[2]).toBeGreaterThanOrEqual(13 - 1e-9);
  });

  it('keeps labels inside the bounds when they fit there', () => {
    expect(spreadLabels([250, 250, 250], 13, [20, 250])).toEqual([224, 237, 250]);
    expect(spreadLabels([0, 0], 13, [20, 250])).toEqual([20, 33]);
  });

  it('for any positions: every pair at least a label height apart, order kept, within bounds that fit', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 280, noNaN: true }), { maxLength: 12 }), fc.integer({ min: 8, max: 16 }), (ys, gap) => {
        const out = spreadLabels(ys, gap, [0, 280]);
        expect(out).toHaveLength(ys.length);
        const sorted = byPosition(out);
        for (let k = 1; k < sorted.length; k++) expect(sorted[k].y - sorted[k - 1].y).toBeGreaterThanOrEqual(gap - 1e-6);
        // A label that wanted to be higher than another is never drawn below it.
        for (let a = 0; a < ys.length; a++) for (let b = 0; b < ys.length; b++) if (ys[a] < ys[b]) expect(out[a]).toBeLessThan(out[b]);
        if ((ys.length - 1) * gap <= 280) for (const y of out) expect(y >= -1e-6 && y <= 280 + 1e-6).toBe(true);
      })
    );
  });
});

describe('forecast sentences', () => {
  it('[FC4] how many: the chance of at least n more cards by the date, none said as such', () => {
    expect(howManySentence('2026-12-11', [{ confidence: 50, items: 12 }, { confidence: 85, items: 9 }, { confidence: 95, items: 7 }], 'Helios 5')).toBe(
      'By 11 Dec 2026 (end of Helios 5): a 50% chance of finishing at least 12 more cards, 85% of at least 9 and 95% of at least 7.'
    );
    expect(howManySentence('2026-12-11', [{ confidence: 50, items: 1 }, { confidence: 85, items: 0 }, { confidence: 95, items: 0 }])).toBe(
      'By 11 Dec 2026: a 50% chance of finishing at least 1 more card; at 85% and 95% confidence, not even one.'
    );
    expect(howManySentence('2026-12-06', [{ confidence: 50, items: 0 }, { confidence: 85, items: 0 }], 'Helios 5')).toBe(
      'Not even one more card is likely to be done by 6 Dec 2026 (end of Helios 5).'
    );
  });

  it('[FC3, FC9] when: the chance of finishing every remaining card by each date; no throughput, no forecast', () => {
    const forecast: PlanForecast = {
      sample: { days: 30, total: 33, counts: [] },
      remaining: 38,
      when: [
        { confidence: 50, date: '2027-01-22' },
        { confidence: 85, date: '2027-02-02' },
        { confidence: 95, date: null }
      ],
      howMany: []
    };
    expect(whenSentence(forecast)).toBe(
      '38 cards not done: a 50% chance of finishing them all by 22 Jan 2027, 85% by 2 Feb 2027 and 95% only beyond 1,000 working days; forecast from 33 completions over the last 30 working days.'
    );
    expect(whenSentence({ ...forecast, sample: { days: 30, total: 0, counts: [] } })).toBe('No throughput in the last 30 working days: no forecast.');
  });
});
