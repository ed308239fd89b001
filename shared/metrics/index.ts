/**
 * Delivery metrics: pure functions over a PlanSnapshot, an explicit `now` and options. The rules
 * they implement are numbered in shared/METRICS.md; every function names its rules.
 */
import type { PlanSnapshot } from '../schema.ts';
import { CardIndex } from './card-index.ts';
import { planContext } from './context.ts';
import { planReport, type MetricsOptions, type PlanMetrics } from './report.ts';

/** [all rules] Every metric of a plan at `now`, computed from scratch. */
export function computeMetrics(plan: PlanSnapshot, now: number, options: MetricsOptions = {}): PlanMetrics {
  const ctx = planContext(plan);
  return planReport(ctx, CardIndex.build(plan.cards, ctx), now, options);
}

export { IncrementalMetrics } from './incremental.ts';
export type { MetricsOptions, PlanMetrics, SprintReport, PlanForecast } from './report.ts';
export type { FlowOptions, FlowReport, CfdBand, ControlChart, ControlPoint, WipNow } from './flow.ts';
export type { SprintBurn } from './burn.ts';
export type { SprintVelocity, AverageVelocity } from './velocity.ts';
export type { SprintCapacity, MemberLoad } from './capacity.ts';
export type { RiskReport, RiskRow, Rating, AgeBuckets } from './risk.ts';
export type { MilestoneSlip, SlipStatus } from './slippage.ts';
export type { ForecastOptions, WhenAnswer, HowManyAnswer, Sample } from './forecast.ts';
export type { Distribution } from './percentile.ts';
export type { Unit } from './scope.ts';
export { nearestRank, distribution } from './percentile.ts';
export { createPrng } from '../prng.ts';
export { exposure, rating } from './risk.ts';
export { forecastWhen, forecastHowMany, throughputSample, DEFAULT_CONFIDENCE } from './forecast.ts';
export { dayOf, dayStart, isoOf, dayOfIso, workWeek, workingDaysBetween, type Day } from './calendar.ts';
