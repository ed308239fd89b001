/**
 * The hook between the timeline and the delivery metrics' Monte Carlo forecast (shared/metrics):
 * for every milestone with linked cards, the dates by which its remaining cards are done with
 * 50, 85 and 95 % confidence, from the team's own throughput [FC1–FC8 in shared/METRICS.md]; for
 * one whose linked cards are all done, the day the last was done. Everything the timeline knows
 * about forecasts comes through `milestoneForecasts`, so a change in the metrics API is one edit
 * here. Pure: plan snapshot and `now` in, seeded simulation inside.
 */
import { computeMetrics, dayOfIso, forecastWhen, workWeek } from '../../../../shared/metrics/index.ts';
import type { PlanSnapshot } from '../../../../shared/schema.ts';

export type MilestoneForecast = {
  /** Linked cards, and how many are not done. */
  linked: number;
  remaining: number;
  /** Dates at 50, 85 and 95 % confidence; null when there is no throughput to sample or beyond the horizon. */
  p50: string | null;
  p85: string | null;
  p95: string | null;
  /** All linked work done: the day the last card was done (the forecast dates equal it). */
  done: string | null;
};

export const FORECAST_CONFIDENCE = [50, 85, 95];

/** Forecasts of the milestones that have linked cards; seeded, so every replica shows the same. */
export function milestoneForecasts(plan: PlanSnapshot, now: number, trials = 2_000): Map<string, MilestoneForecast> {
  const out = new Map<string, MilestoneForecast>();
  if (!plan.milestones.length || !plan.cards.length) return out;
  const metrics = computeMetrics(plan, now, { forecast: { trials } });
  const sample = metrics.forecast?.sample;
  const remaining = metrics.milestones.map((m) => m.linkedCards - m.linkedDone);
  const answers = sample
    ? forecastWhen(sample, remaining, dayOfIso(metrics.today), workWeek(plan.meta.workingDays), { trials, confidence: FORECAST_CONFIDENCE })
    : null;
  metrics.milestones.forEach((m, i) => {
    if (m.linkedCards === 0) return;
    const done = m.status === 'done' ? m.forecastEnd : null;
    const at = (c: number) => (done ?? answers?.[i].find((a) => a.confidence === c)?.date ?? null);
    out.set(m.id, { linked: m.linkedCards, remaining: remaining[i], p50: at(50), p85: at(85), p95: at(95), done });
  });
  return out;
}
