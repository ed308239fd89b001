import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import { dayOf, dayOfIso } from '../../../shared/metrics/calendar.ts';
import type { Card, PlanSnapshot } from '../../../shared/schema.ts';
import { nowArb, planArb } from './arbitraries.ts';

const RUNS = { numRuns: 150 };

/** An independent oracle: the card's status at the end of `day`, from its raw history [G1, G3, G4]. */
function statusAtEndOf(c: Card, day: number, tz: string): string | null {
  const events = [...c.history].sort((a, b) => a.at - b.at);
  if (events.length === 0) return dayOf(c.createdAt, tz) <= day ? c.status : null;
  let status: string | null = null;
  for (const e of events) if (dayOf(e.at, tz) <= day) status = e.to;
  // [G4] the present status replaces the last logged one from the last event on.
  if (status !== null && dayOf(events[events.length - 1].at, tz) <= day) status = c.status;
  return status;
}

const check = (p: PlanSnapshot, now: number) => computeMetrics(p, now, { forecast: { trials: 200 } });

describe('metric properties', () => {
  it('[BD3] remaining work is never negative and equals scope − done, in points and in cards', () => {
    fc.assert(
      fc.property(planArb(), nowArb, fc.constantFrom('points', 'cards') as fc.Arbitrary<'points' | 'cards'>, (p, now, unit) => {
        for (const s of computeMetrics(p, now, { unit }).sprints) {
          if (!s.burn) continue;
          s.burn.remaining.forEach((r, i) => {
            if (r === null) return;
            expect(r).toBeGreaterThanOrEqual(0);
            expect(s.burn!.remainingCommitted[i]).toBeGreaterThanOrEqual(0);
            expect(s.burn!.remainingAdded[i]).toBeGreaterThanOrEqual(0);
            expect(r).toBeCloseTo(s.burn!.scope[i]! - s.burn!.done[i]!, 9);
          });
          s.burn.ideal.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
        }
      }),
      RUNS
    );
  });

  it('[CFD4] the bands of the cumulative flow diagram sum to the number of cards that exist on every day', () => {
    fc.assert(
      fc.property(planArb(), nowArb, (p, now) => {
        const f = computeMetrics(p, now).flow;
        // A card exists from its first logged moment (its creation entry) [LT1].
        const created = p.cards.map((c) => dayOf(c.history.length ? Math.min(...c.history.map((h) => h.at)) : c.createdAt, p.meta.timeZone));
        f.days.forEach((d, i) => {
          const exist = created.filter((c) => c <= dayOfIso(d)).length;
          expect(f.cfd.reduce((n, b) => n + b.counts[i], 0)).toBe(exist);
        });
      }),
      RUNS
    );
  });

  it('[CFD1, WIP1] every band on every day equals a day-by-day count from the raw history', () => {
    fc.assert(
      fc.property(planArb(), nowArb, (p, now) => {
        const f = computeMetrics(p, now).flow;
        const known = new Set(p.statuses.map((s) => s.id));
        f.days.forEach((d, i) => {
          const statuses = p.cards.map((c) => statusAtEndOf(c, dayOfIso(d), p.meta.timeZone));
          for (const band of f.cfd) {
            const expected = statuses.filter((s) => s !== null && (band.status === null ? !known.has(s) : s === band.status)).length;
            expect(band.counts[i]).toBe(expected);
          }
          expect(f.wip[i]).toBe(statuses.filter((s) => s === 'doing' || s === 'review').length);
        });
      }),
      RUNS
    );
  });

  it('[CT7] percentiles are monotone: p50 <= p85 <= p95, and lead time is never shorter than cycle time', () => {
    fc.assert(
      fc.property(planArb(), nowArb, (p, now) => {
        const f = computeMetrics(p, now).flow;
        for (const d of [f.cycleTime, f.leadTime]) {
          if (d.count === 0) continue;
          expect(d.min!).toBeGreaterThanOrEqual(0);
          expect(d.min!).toBeLessThanOrEqual(d.p50!);
          expect(d.p50!).toBeLessThanOrEqual(d.p85!);
          expect(d.p85!).toBeLessThanOrEqual(d.p95!);
          expect(d.p95!).toBeLessThanOrEqual(d.max!);
        }
        if (f.cycleTime.count && f.leadTime.count) expect(f.leadTime.max!).toBeGreaterThanOrEqual(f.cycleTime.max!);
      }),
      RUNS
    );
  });

  it('[TP1] completions add up to the cards done now (those created in the range)', () => {
    fc.assert(
      fc.property(planArb(), nowArb, (p, now) => {
        const f = computeMetrics(p, now, { flow: { from: '2025-01-01', to: '2025-12-31' } }).flow;
        const doneNow = p.cards.filter((c) => c.status === 'done').length;
        expect(f.throughput.reduce((a, b) => a + b, 0)).toBe(doneNow);
      }),
      RUNS
    );
  });

  it('[V1, BU1] velocity equals the burn-up done line at the close; completed never exceeds scope', () => {
    fc.assert(
      fc.property(planArb(), nowArb, (p, now) => {
        for (const s of computeMetrics(p, now).sprints) {
          if (!s.burn || !s.velocity) continue;
          const started = s.burn.done.filter((v) => v !== null);
          if (started.length) expect(started[started.length - 1]).toBeCloseTo(s.velocity.completed, 9);
          expect(s.velocity.completed).toBeLessThanOrEqual(s.velocity.completed + s.velocity.notDone);
        }
      }),
      RUNS
    );
  });

  it('[FC5] the same seed gives the same plan metrics, forecast included', () => {
    fc.assert(
      fc.property(planArb(), nowArb, (p, now) => {
        expect(check(p, now)).toEqual(check(p, now));
      }),
      { numRuns: 40 }
    );
  });
});
