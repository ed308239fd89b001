import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/index.ts';
import { exposure, rating, riskReport } from '../../../shared/metrics/risk.ts';
import { dayOfIso } from '../../../shared/metrics/calendar.ts';
import { at, plan, raidItem } from './fixtures.ts';

const items = [
  raidItem('r1', { likelihood: 4, impact: 5, residualLikelihood: 2, residualImpact: 3, raised: '2025-04-05', due: '2025-04-10' }),
  raidItem('r2', { status: 'mitigating', likelihood: 3, impact: 3, raised: '2025-03-01', review: '2025-04-01' }),
  raidItem('r3', { status: 'closed', likelihood: 5, impact: 5, raised: '2024-01-01', review: '2024-02-01' }),
  raidItem('i1', { kind: 'issue', likelihood: 2, impact: 2, raised: '2024-12-01', due: '2025-04-09' }),
  raidItem('a1', { kind: 'assumption', status: 'monitoring', raised: '2025-05-01' })
];
const report = () => riskReport(items, dayOfIso('2025-04-10'));

describe('risk exposure and RAID counts', () => {
  it('[RX1] exposure is likelihood × impact; residual only once both residual scores are set', () => {
    expect(exposure(items[0])).toEqual({ inherent: 20, residual: 6 });
    expect(exposure(items[1])).toEqual({ inherent: 9, residual: null });
    expect(exposure(raidItem('x', { residualLikelihood: 2 }))).toEqual({ inherent: 9, residual: null });
  });

  it('[RX2] plan exposure sums open risks; an unassessed risk keeps its inherent score in the residual total', () => {
    expect(report().exposure).toEqual({ risks: 2, inherent: 29, residual: 15, unassessed: 1 });
    expect(report().risks.map((r) => [r.id, r.inherent, r.rating, r.residualRating])).toEqual([
      ['r1', 20, 'critical', 'medium'],
      ['r2', 9, 'medium', null]
    ]);
  });

  it('[RX3] rating bands: 1–4 low, 5–9 medium, 10–14 high, 15–25 critical', () => {
    expect([1, 4, 5, 9, 10, 12, 15, 16, 25].map(rating)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical', 'critical']);
  });

  it('[RX4] heat maps count open risks by likelihood (row) and impact (column)', () => {
    const r = report();
    expect(r.heat[3][4]).toBe(1);
    expect(r.heat[2][2]).toBe(1);
    expect(r.heat.flat().reduce((a, b) => a + b, 0)).toBe(2);
    expect(r.residualHeat[1][2]).toBe(1);
    expect(r.residualHeat.flat().reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('[RX5] counts by kind and status include closed items', () => {
    const r = report();
    expect(r.counts.risk).toEqual({ open: 1, monitoring: 0, mitigating: 1, closed: 1 });
    expect(r.counts.issue.open).toBe(1);
    expect(r.counts.assumption.monitoring).toBe(1);
    expect(r.counts.dependency).toEqual({ open: 0, monitoring: 0, mitigating: 0, closed: 0 });
  });

  it('[RX6] ages in calendar days since raised, for items not closed; a future raise date is age 0', () => {
    const r = report();
    expect(r.ages.risk).toEqual({ '0-7': 1, '8-30': 0, '31-90': 1, '90+': 0 });
    expect(r.ages.issue['90+']).toBe(1);
    expect(r.ages.assumption['0-7']).toBe(1);
    expect(r.oldestOpen).toEqual({ id: 'i1', days: 130 });
  });

  it('[RX7] overdue: not closed and the review or due date is before today (today itself is not overdue)', () => {
    expect(report().overdueReview).toEqual(['r2']);
    expect(report().overdue).toEqual(['i1']);
  });

  it('[RX6, G1] today is the date in the plan zone: 23:30 UTC on 9 April is 10 April in London summer time', () => {
    const m = computeMetrics(plan({ raid: items }), Date.parse('2025-04-09T23:30:00Z'));
    expect(m.today).toBe('2025-04-10');
    expect(m.risk.overdue).toEqual(['i1']);
    expect(at('2025-04-10 00:30')).toBe(Date.parse('2025-04-09T23:30:00Z'));
  });
});
