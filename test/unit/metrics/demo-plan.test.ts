import { describe, expect, it } from 'vitest';
import { buildDemoPlan } from '../../../server/seed/demo-plan.ts';
import { snapshot } from '../../../shared/doc/snapshot.ts';
import { computeMetrics, IncrementalMetrics } from '../../../shared/metrics/index.ts';

/** Wednesday 18 June 2025, 14:45 London (the demo plan's own reference time). */
const NOW = Date.UTC(2025, 5, 18, 13, 45);

describe('metrics of the demo plan', () => {
  const plan = snapshot(buildDemoPlan(NOW));
  const m = computeMetrics(plan, NOW, { forecast: {} });

  it('[V1, V2] four closed sprints have a velocity, the active one progress, the planned one nothing', () => {
    expect(m.sprints.map((s) => [s.state, s.velocity?.velocity === null ? 'open' : s.velocity ? 'closed' : 'none'])).toEqual([
      ['closed', 'closed'],
      ['closed', 'closed'],
      ['closed', 'closed'],
      ['closed', 'closed'],
      ['active', 'open'],
      ['planned', 'none']
    ]);
    for (const s of m.sprints.slice(0, 4)) expect(s.velocity!.velocity).toBeGreaterThan(0);
    expect(m.averageVelocity!.sprints).toHaveLength(3);
  });

  it('[BD5] scope added during sprints shows in the added series, not in the commitment', () => {
    for (const s of m.sprints.slice(0, 4)) {
      const b = s.burn!;
      expect(b.added[b.added.length - 1]).toBeGreaterThan(0);
      expect(b.ideal[0]).toBeLessThan(b.committed);
    }
  });

  it('[CT3] the demo has reopened cards, and every distribution is ordered', () => {
    expect(m.flow.reopenedCards).toBeGreaterThan(0);
    expect(m.flow.cycleTime.p50!).toBeLessThanOrEqual(m.flow.cycleTime.p85!);
    expect(m.flow.leadTime.p85!).toBeLessThanOrEqual(m.flow.leadTime.p95!);
  });

  it('[FC3] the forecast answers with dates ordered by confidence', () => {
    const dates = m.forecast!.when.map((w) => w.date!);
    expect(dates.every((d) => d >= m.today)).toBe(true);
    expect([...dates].sort()).toEqual(dates);
  });

  it('[INC2] incremental metrics of the demo equal the full computation', () => {
    expect(new IncrementalMetrics(plan).metrics(NOW, { forecast: {} })).toEqual(m);
  });
});
