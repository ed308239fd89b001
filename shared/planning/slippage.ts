/**
 * Slippage against the baseline: how many days later than baselined each item now ends, and the
 * totals a steering committee reads. An item without a baseline end has no slippage (null), and is
 * left out of every total rather than counted as on time.
 */
import type { Milestone } from '../schema.ts';
import { compareIds } from './graph.ts';
import { daysBetween } from './dates.ts';

export type SlipItem = Pick<Milestone, 'id' | 'workstream' | 'end' | 'baselineEnd'>;

/** Days the current end is after the baseline end (negative: ahead); null without a baseline. */
export function slippageDays(item: Pick<Milestone, 'end' | 'baselineEnd'>): number | null {
  return item.baselineEnd === null ? null : daysBetween(item.baselineEnd, item.end);
}

export type SlippageSummary = {
  /** Items looked at, and how many of them have a baseline. */
  items: number;
  baselined: number;
  /** Items ending later than baselined. */
  slipping: number;
  /** Days of slip added up over slipping items; items ahead of baseline do not offset them. */
  totalDays: number;
  /** The largest slip (0 when nothing slips); null when no item has a baseline. */
  maxDays: number | null;
  /** The item with the largest slip, the smallest id on a tie; null when nothing slips. */
  worst: string | null;
};

/** Totals over a list of items, by the rules on each field of SlippageSummary. */
export function summarizeSlippage(items: readonly SlipItem[]): SlippageSummary {
  const summary: SlippageSummary = { items: items.length, baselined: 0, slipping: 0, totalDays: 0, maxDays: null, worst: null };
  let worstDays = 0;
  for (const item of items) {
    const days = slippageDays(item);
    if (days === null) continue;
    summary.baselined++;
    summary.maxDays = Math.max(summary.maxDays ?? 0, days);
    if (days <= 0) continue;
    summary.slipping++;
    summary.totalDays += days;
    if (days > worstDays || (days === worstDays && compareIds(item.id, summary.worst!) < 0)) {
      summary.worst = item.id;
      worstDays = days;
    }
  }
  return summary;
}

export type WorkstreamSlippage = SlippageSummary & { workstream: string | null };

/**
 * The same totals per workstream, in workstream id order, items without a workstream last
 * (workstream null). Workstreams with no items are not listed.
 */
export function slippageByWorkstream(items: readonly SlipItem[]): WorkstreamSlippage[] {
  const groups = new Map<string | null, SlipItem[]>();
  for (const item of items) {
    const list = groups.get(item.workstream) ?? [];
    list.push(item);
    groups.set(item.workstream, list);
  }
  return [...groups.keys()]
    .sort((a, b) => (a === null ? 1 : b === null ? -1 : compareIds(a, b)))
    .map((workstream) => ({ workstream, ...summarizeSlippage(groups.get(workstream)!) }));
}
