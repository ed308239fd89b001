/**
 * Assembles the plan's metrics from a PlanContext and a CardIndex: flow, every sprint, RAID,
 * milestones and (when asked) the forecast. The full and the incremental path both end here, so
 * they cannot disagree about anything but the index they pass in.
 */
import type { Sprint } from '../schema.ts';
import { dayOfIso, dayStart, isoOf } from './calendar.ts';
import type { CardIndex, CardLookup } from './card-index.ts';
import { todayOf, type PlanContext } from './context.ts';
import { flowReport, type FlowOptions, type FlowReport } from './flow.ts';
import { forecastHowMany, forecastWhen, throughputSample, type ForecastOptions, type HowManyAnswer, type Sample, type WhenAnswer } from './forecast.ts';
import { riskReport, type RiskReport } from './risk.ts';
import { dayCuts, sprintBurn, type SprintBurn } from './burn.ts';
import { sprintCapacity, type SprintCapacity } from './capacity.ts';
import { sprintScope, type Unit } from './scope.ts';
import { scopeSeries } from './scope-sums.ts';
import { milestoneSlip, linkedRemaining, type MilestoneSlip } from './slippage.ts';
import { averageVelocity, sprintVelocity, type AverageVelocity, type SprintVelocity } from './velocity.ts';

export type MetricsOptions = {
  /** Unit of burn-downs and velocity (default 'points'). */
  unit?: Unit;
  flow?: FlowOptions;
  /** [V5] Closed sprints averaged (default 3). */
  velocitySprints?: number;
  /** Run the Monte Carlo forecast; omitted: no forecast (it is the costly part). */
  forecast?: ForecastOptions & { by?: string[]; milestoneConfidence?: number };
};

export type SprintReport = {
  id: string;
  name: string;
  state: Sprint['state'];
  start: string;
  end: string;
  velocity: SprintVelocity | null;
  burn: SprintBurn | null;
  capacity: SprintCapacity;
};

export type PlanForecast = {
  sample: Sample;
  /** Cards not done now. */
  remaining: number;
  when: WhenAnswer[];
  howMany: { by: string; answers: HowManyAnswer[] }[];
};

export type PlanMetrics = {
  today: string;
  timeZone: string;
  flow: FlowReport;
  sprints: SprintReport[];
  averageVelocity: AverageVelocity | null;
  risk: RiskReport;
  milestones: MilestoneSlip[];
  forecast: PlanForecast | null;
};

/** [V*, BD*, BU*, CAP*] One sprint's velocity, burn and capacity. */
export function sprintReport(sprint: Sprint, ctx: PlanContext, cards: CardLookup, now: number, unit: Unit): SprintReport {
  const scope = sprintScope(sprint, ctx, cards, now);
  let velocity: SprintVelocity | null = null;
  let burn: SprintBurn | null = null;
  if (scope) {
    // One sweep over the scope gives every day of the burn and, at the limit, the velocity.
    const cuts = dayCuts(scope, ctx);
    const totals = scopeSeries(scope, [...cuts, scope.limitCut], unit, dayStart(scope.startDay, ctx.timeZone));
    velocity = sprintVelocity(scope, unit, totals[cuts.length]);
    burn = sprintBurn(scope, ctx, unit, totals.slice(0, cuts.length));
  }
  return {
    id: sprint.id,
    name: sprint.name,
    state: sprint.state,
    start: sprint.start,
    end: sprint.end,
    velocity,
    burn,
    capacity: sprintCapacity(sprint, ctx, cards, velocity?.velocity ?? null)
  };
}

/** [SC5, INC3] What a sprint report depends on besides its cards: a closed sprint stops depending on `now` once closed. */
export function sprintNowKey(sprint: Sprint, ctx: PlanContext, now: number): number {
  if (sprint.state !== 'closed') return now;
  const close = sprint.closedAt !== null ? sprint.closedAt : dayStart(dayOfIso(sprint.end) + 1, ctx.timeZone) - 1;
  return now >= close ? Infinity : now;
}

/** [FC1–FC8, MS4] The plan forecast, and the FC3 date per milestone (null entries: no linked cards). */
function forecasts(ctx: PlanContext, index: CardIndex, now: number, options: NonNullable<MetricsOptions['forecast']>) {
  const today = todayOf(ctx, now);
  const sample = throughputSample(index.flow.throughput, index.flow.arrivals.firstDay(), today, ctx.week, options.sampleDays);
  const remaining = index.flow.cards - index.flow.doneNow;
  const milestoneRemaining = ctx.plan.milestones.map((m) => {
    const r = linkedRemaining(m, index);
    return r.linked - r.done;
  });
  const [when] = forecastWhen(sample, [remaining], today, ctx.week, options);
  // One simulation answers every milestone [FC2]; each assumes the whole team's throughput [FC8].
  const byMilestone = forecastWhen(sample, milestoneRemaining, today, ctx.week, { ...options, confidence: [options.milestoneConfidence ?? 85] });
  const active = ctx.plan.sprints.find((s) => s.state === 'active');
  const by = [...(active ? [active.end] : []), ...(options.by ?? [])];
  const plan: PlanForecast = {
    sample,
    remaining,
    when,
    howMany: by.map((d) => ({ by: d, answers: forecastHowMany(sample, today, dayOfIso(d), ctx.week, options) }))
  };
  return { plan, milestones: byMilestone.map((a) => a[0].date) };
}

/** [all rules] Every metric of the plan at `now`. `sprintReports` lets the incremental path serve cached sprints. */
export function planReport(
  ctx: PlanContext,
  index: CardIndex,
  now: number,
  options: MetricsOptions = {},
  sprintReports: (sprint: Sprint) => SprintReport = (s) => sprintReport(s, ctx, index, now, options.unit ?? 'points')
): PlanMetrics {
  const today = todayOf(ctx, now);
  const sprints = ctx.plan.sprints.map(sprintReports);
  const rows = sprints.filter((s) => s.velocity !== null).map((s) => ({ ...s.velocity!, end: s.end }));
  const fc = options.forecast ? forecasts(ctx, index, now, options.forecast) : null;
  return {
    today: isoOf(today),
    timeZone: ctx.timeZone,
    flow: flowReport(index.flow, ctx, now, options.flow),
    sprints,
    averageVelocity: averageVelocity(rows, options.velocitySprints),
    risk: riskReport(ctx.plan.raid, today),
    milestones: ctx.plan.milestones.map((m, i) => milestoneSlip(m, index, ctx.week, fc ? fc.milestones[i] : null)),
    forecast: fc ? fc.plan : null
  };
}
