import { describe, expect, it } from 'vitest';
import { slippageByWorkstream, slippageDays, summarizeSlippage, type SlipItem } from '../../../shared/planning/slippage.ts';

const item = (id: string, workstream: string | null, end: string, baselineEnd: string | null): SlipItem => ({ id, workstream, end, baselineEnd });

const ITEMS = [
  item('accept', 'ws-cluster', '2025-04-25', '2025-04-11'), // 14 late
  item('ga', 'ws-cluster', '2025-05-09', '2025-04-25'), // 14 late
  item('racks', 'ws-cluster', '2025-04-11', '2025-04-13'), // 2 early
  item('store', 'ws-data', '2025-03-20', '2025-03-13'), // 7 late
  item('ops', 'ws-data', '2025-06-01', null), // no baseline
  item('loose', null, '2025-03-01', '2025-03-01') // on time
];

describe('slippage', () => {
  it('is current end minus baseline end, null without a baseline', () => {
    expect(ITEMS.map(slippageDays)).toEqual([14, 14, -2, 7, null, 0]);
  });

  it('totals only the slip (early items do not offset late ones), ties of the worst by id', () => {
    expect(summarizeSlippage(ITEMS)).toEqual({ items: 6, baselined: 5, slipping: 3, totalDays: 35, maxDays: 14, worst: 'accept' });
    expect(summarizeSlippage([ITEMS[2]])).toEqual({ items: 1, baselined: 1, slipping: 0, totalDays: 0, maxDays: 0, worst: null });
    expect(summarizeSlippage([ITEMS[4]])).toEqual({ items: 1, baselined: 0, slipping: 0, totalDays: 0, maxDays: null, worst: null });
  });

  it('rolls up per workstream, no workstream last', () => {
    expect(slippageByWorkstream(ITEMS)).toEqual([
      { workstream: 'ws-cluster', items: 3, baselined: 3, slipping: 2, totalDays: 28, maxDays: 14, worst: 'accept' },
      { workstream: 'ws-data', items: 2, baselined: 1, slipping: 1, totalDays: 7, maxDays: 7, worst: 'store' },
      { workstream: null, items: 1, baselined: 1, slipping: 0, totalDays: 0, maxDays: 0, worst: null }
    ]);
  });
});
