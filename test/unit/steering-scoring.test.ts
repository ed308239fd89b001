/** Risk scoring, RAG bands, heat map and top risks: shared/steering/scoring.ts [SC1–SC6]. */
import { describe, expect, it } from 'vitest';
import type { RaidItem } from '../../shared/schema.ts';
import { heatMap, itemScore, ragBand, RAG_BANDS, rankRisks, reviewOverdue, topItems } from '../../shared/steering/scoring.ts';
import { raidItem } from './metrics/fixtures.ts';

const TODAY = '2025-03-10';

describe('scoring', () => {
  it('[SC1] score is likelihood × impact; residual is null until both are set', () => {
    const r = raidItem('r', { likelihood: 4, impact: 5 });
    expect(itemScore(r, 'inherent')).toBe(20);
    expect(itemScore(r, 'residual')).toBeNull();
    expect(itemScore({ ...r, residualLikelihood: 2, residualImpact: null }, 'residual')).toBeNull();
    expect(itemScore({ ...r, residualLikelihood: 2, residualImpact: 3 }, 'residual')).toBe(6);
  });

  it('[SC2] band table: 1–4 green, 5–9 amber, 10–25 red, covering every score once', () => {
    expect(RAG_BANDS.map((b) => [b.band, b.min, b.max])).toEqual([
      ['green', 1, 4],
      ['amber', 5, 9],
      ['red', 10, 25]
    ]);
    for (let l = 1; l <= 5; l++) {
      for (let i = 1; i <= 5; i++) {
        const s = l * i;
        const rows = RAG_BANDS.filter((b) => s >= b.min && s <= b.max);
        expect(rows).toHaveLength(1);
        expect(ragBand(s)).toBe(rows[0].band);
      }
    }
    expect([4, 5, 9, 10, 25].map(ragBand)).toEqual(['green', 'amber', 'amber', 'red', 'red']);
    // The cells people argue about.
    expect(ragBand(2 * 5)).toBe('red');
    expect(ragBand(3 * 3)).toBe('amber');
    expect(ragBand(1 * 4)).toBe('green');
  });

  it('[SC3] the heat map places open risks only; residual mode lists unassessed risks apart', () => {
    const items: RaidItem[] = [
      raidItem('a', { likelihood: 4, impact: 5, residualLikelihood: 2, residualImpact: 3 }),
      raidItem('b', { likelihood: 4, impact: 5 }),
      raidItem('c', { likelihood: 1, impact: 1, status: 'closed' }),
      raidItem('d', { kind: 'issue', likelihood: 5, impact: 5 })
    ];
    const inherent = heatMap(items, 'inherent', TODAY);
    expect(inherent.cells[3][4].sort()).toEqual(['a', 'b']);
    expect(inherent.cells.flat(2)).toHaveLength(2);
    expect(inherent.unassessed).toEqual([]);
    const residual = heatMap(items, 'residual', TODAY);
    expect(residual.cells[1][2]).toEqual(['a']);
    expect(residual.unassessed).toEqual(['b']);
  });

  it('[SC4] a review is overdue when the item is open and its date is before today', () => {
    expect(reviewOverdue(raidItem('a', { review: '2025-03-09' }), TODAY)).toBe(true);
    expect(reviewOverdue(raidItem('a', { review: TODAY }), TODAY)).toBe(false);
    expect(reviewOverdue(raidItem('a', { review: null }), TODAY)).toBe(false);
    expect(reviewOverdue(raidItem('a', { review: '2025-01-01', status: 'closed' }), TODAY)).toBe(false);
  });

  it('[SC5] top risks: score, then overdue review, then impact, then title, then id', () => {
    const items = [
      raidItem('low', { likelihood: 1, impact: 2 }),
      raidItem('x2', { title: 'same', likelihood: 4, impact: 3 }),
      raidItem('x1', { title: 'same', likelihood: 4, impact: 3 }),
      raidItem('impact', { title: 'zzz', likelihood: 3, impact: 4 }),
      raidItem('late', { title: 'zzz', likelihood: 3, impact: 4, review: '2025-01-01' }),
      raidItem('top', { likelihood: 5, impact: 5 }),
      raidItem('closed', { likelihood: 5, impact: 5, status: 'closed' })
    ];
    expect(rankRisks(items.filter((r) => r.status !== 'closed'), 'inherent', TODAY).map((r) => r.id)).toEqual(['top', 'late', 'impact', 'x1', 'x2', 'low']);
    const top = topItems(items, 'inherent', TODAY, 3);
    expect(top.map((t) => [t.item.id, t.score, t.band, t.overdue])).toEqual([
      ['top', 25, 'red', false],
      ['late', 12, 'red', true],
      ['impact', 12, 'red', false]
    ]);
  });

  it('[SC5] in residual mode unassessed risks rank last', () => {
    const items = [raidItem('u', { likelihood: 5, impact: 5 }), raidItem('m', { residualLikelihood: 1, residualImpact: 2 })];
    expect(topItems(items, 'residual', TODAY).map((t) => [t.item.id, t.score, t.band])).toEqual([
      ['m', 2, 'green'],
      ['u', null, null]
    ]);
  });

  it('[SC6] top issues use the same order, risks and issues never mix', () => {
    const items = [raidItem('r', { likelihood: 5, impact: 5 }), raidItem('i', { kind: 'issue', likelihood: 2, impact: 2 })];
    expect(topItems(items, 'inherent', TODAY, 5, ['issue']).map((t) => t.item.id)).toEqual(['i']);
    expect(topItems(items, 'inherent', TODAY).map((t) => t.item.id)).toEqual(['r']);
  });
});
