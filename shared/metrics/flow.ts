/**
 * Flow metrics over a range of days: cumulative flow, WIP, throughput, arrivals, cycle and lead
 * time distributions and the control chart. Read from FlowCounters, so the cost is O(days ×
 * columns + done cards), independent of history length.
 */
import type { StatusCategory } from '../schema.ts';
import { dayOfIso, isoOf, type Day } from './calendar.ts';
import type { FlowCounters } from './flow-counters.ts';
import { categoryOf, todayOf, type PlanContext } from './context.ts';
import { distribution, nearestRank, type Distribution } from './percentile.ts';

export type FlowOptions = {
  /** First and last day of the series, 'YYYY-MM-DD'. Default: the first card's day .. today. */
  from?: string;
  to?: string;
  /** [CFD5] Longest default series, in days. */
  maxDays?: number;
};

/** [CFD1] One band of the cumulative flow diagram: status null is every card in an unknown column [CFD3]. */
export type CfdBand = { status: string | null; name: string; category: StatusCategory; counts: number[] };

export type ControlPoint = { id: string; day: string; at: number; ms: number; outlier: boolean };

export type ControlChart = { points: ControlPoint[]; p50: number | null; p85: number | null; p95: number | null };

export type WipNow = { status: string; name: string; count: number; limit: number | null; over: boolean };

export type FlowReport = {
  from: string;
  to: string;
  days: string[];
  cfd: CfdBand[];
  wip: number[];
  throughput: number[];
  arrivals: number[];
  cycleTime: Distribution;
  leadTime: Distribution;
  controlChart: ControlChart;
  wipNow: WipNow[];
  reopenedCards: number;
  reopens: number;
};

/** [CFD5] The days a flow report covers. */
export function flowRange(counters: FlowCounters, ctx: PlanContext, now: number, options: FlowOptions = {}): { from: Day; to: Day } {
  const to = options.to ? dayOfIso(options.to) : todayOf(ctx, now);
  const first = counters.arrivals.firstDay() ?? to;
  const from = options.from ? dayOfIso(options.from) : Math.max(first, to - ((options.maxDays ?? 730) - 1));
  return { from: Math.min(from, to), to };
}

/** [CFD1–CFD5] Bands in board order; the unknown band only when it holds a card in the range. */
function cfdBands(counters: FlowCounters, ctx: PlanContext, from: Day, to: Day): CfdBand[] {
  const bands: CfdBand[] = ctx.statuses.map((s) => ({
    status: s.id,
    name: s.name,
    category: s.category,
    counts: counters.cfd.get(s.id)?.cumulative(from, to) ?? new Array<number>(to - from + 1).fill(0)
  }));
  const unknown = new Array<number>(to - from + 1).fill(0);
  for (const [status, counts] of [...counters.cfd].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (ctx.categories.has(status)) continue;
    counts.cumulative(from, to).forEach((v, i) => (unknown[i] += v));
  }
  if (unknown.some((v) => v !== 0)) bands.push({ status: null, name: 'Unknown column', category: 'todo', counts: unknown });
  return bands;
}

/** [CT8] Control chart: one point per card done in the range, percentile lines, outliers above p95. */
function controlChart(counters: FlowCounters, from: Day, to: Day): ControlChart {
  const samples = counters.cycle.within(from, to);
  const values = samples.map((f) => f.cycleMs!);
  const p95 = nearestRank(values, 95);
  const points = samples
    .map((f) => ({ id: f.id, day: isoOf(f.doneDay!), at: f.doneAt!, ms: f.cycleMs!, outlier: p95 !== null && f.cycleMs! > p95 }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { points, p50: nearestRank(values, 50), p85: nearestRank(values, 85), p95 };
}

/** [WIP2] Present cards per column against its limit. */
function wipNow(counters: FlowCounters, ctx: PlanContext): WipNow[] {
  return ctx.statuses.map((s) => {
    const count = counters.statusNow.get(s.id) ?? 0;
    return { status: s.id, name: s.name, count, limit: s.wipLimit, over: s.wipLimit !== null && count > s.wipLimit };
  });
}

/** [CFD1–CFD5, WIP1–WIP2, TP1–TP4, CT1–CT8, LT1–LT3] The flow report for a range of days. */
export function flowReport(counters: FlowCounters, ctx: PlanContext, now: number, options: FlowOptions = {}): FlowReport {
  const { from, to } = flowRange(counters, ctx, now, options);
  const days = Array.from({ length: to - from + 1 }, (_, i) => isoOf(from + i));
  const cfd = cfdBands(counters, ctx, from, to);
  const wip = days.map((_, i) => cfd.reduce((n, b) => n + (b.status !== null && categoryOf(ctx, b.status) === 'doing' ? b.counts[i] : 0), 0));
  return {
    from: isoOf(from),
    to: isoOf(to),
    days,
    cfd,
    wip,
    throughput: counters.throughput.daily(from, to),
    arrivals: counters.arrivals.daily(from, to),
    cycleTime: distribution(counters.cycle.within(from, to).map((f) => f.cycleMs!)),
    leadTime: distribution(counters.lead.within(from, to).map((f) => f.leadMs!)),
    controlChart: controlChart(counters, from, to),
    wipNow: wipNow(counters, ctx),
    reopenedCards: counters.reopenedCards,
    reopens: counters.reopens
  };
}
