/**
 * Monte Carlo forecasts from the team's own daily throughput [FC1–FC8]: "when will these N items
 * be done?" and "how many items fit by this date?". Bootstrap: each simulated working day draws
 * one past working day's throughput at random (with replacement) from the seeded PRNG.
 */
import { isoOf, isWorkingDay, workingDaysAfter, workingDaysBetween, type Day, type WorkWeek } from './calendar.ts';
import type { DayCounts } from './counters.ts';
import { nearestRank } from './percentile.ts';
import { createPrng, randomIndex } from '../prng.ts';

export type ForecastOptions = {
  /** [FC5] Trials per question (default 10,000). */
  trials?: number;
  /** [FC5] PRNG seed (default 1). */
  seed?: number;
  /** [FC1] Working days of history sampled (default 30). */
  sampleDays?: number;
  /** [FC7] Working days simulated at most (default 1,000); a trial not done by then never finishes. */
  horizon?: number;
  /** [FC3] Confidence levels reported, percent (default 50, 85, 95). */
  confidence?: number[];
};

/** [FC3] Confidence levels reported by default. */
export const DEFAULT_CONFIDENCE = [50, 85, 95];

export type Sample = { days: number; total: number; counts: number[] };

/**
 * [FC1, TP3] Completions on each of the last `sampleDays` working days before `today` (today is
 * not over, so not sampled), oldest first. A completion on a non-working day counts on the next
 * working day. Days before `firstDay` (the plan's first card) are not sampled.
 */
export function throughputSample(throughput: DayCounts, firstDay: Day | null, today: Day, week: WorkWeek, sampleDays = 30): Sample {
  const worked: Day[] = [];
  for (let d = today - 1; worked.length < sampleDays && firstDay !== null && d >= firstDay; d--) if (isWorkingDay(d, week)) worked.push(d);
  worked.reverse();
  if (worked.length === 0) return { days: 0, total: 0, counts: [] };
  // Non-working days just before the first sampled day fold into it too.
  let from = worked[0] - 1;
  while (from > worked[0] - 7 && !isWorkingDay(from, week)) from--;
  const daily = throughput.daily(from + 1, worked[worked.length - 1]);
  const counts = worked.map(() => 0);
  let k = 0;
  for (let i = 0; i < daily.length; i++) {
    while (from + 1 + i > worked[k]) k++;
    counts[k] += daily[i];
  }
  return { days: counts.length, total: counts.reduce((a, b) => a + b, 0), counts };
}

export type WhenAnswer = { confidence: number; date: string | null };

/**
 * [FC6] Days drawn per random number. One uniform index over n^B combinations is B independent
 * uniform draws of a sampled day (its base-n digits), so the distribution is exactly the daily
 * bootstrap; drawing B days per PRNG call just makes long forecasts B times cheaper.
 */
function blockOf(counts: readonly number[]): { size: number; sums: Int32Array; partial: Int32Array } {
  const n = counts.length;
  let size = 1;
  while (size < 4 && n ** (size + 1) <= 4096) size++;
  const combos = n ** size;
  const sums = new Int32Array(combos);
  const partial = new Int32Array(combos * size);
  for (let j = 0; j < combos; j++) {
    let rest = j;
    let sum = 0;
    for (let p = 0; p < size; p++) {
      sum += counts[rest % n];
      rest = Math.floor(rest / n);
      partial[j * size + p] = sum;
    }
    sums[j] = sum;
  }
  return { size, sums, partial };
}

/**
 * [FC2, FC3, FC7] For each entry of `remaining`, the date by which that many items are done at
 * each confidence: the nearest-rank c-th percentile of the trials' finish dates. Simulated days are
 * the working days after today. Null dates: no throughput to sample, or beyond the horizon.
 * One pass of trials answers every entry, so milestones forecast together cost one simulation.
 */
export function forecastWhen(sample: Sample, remaining: readonly number[], today: Day, week: WorkWeek, options: ForecastOptions = {}): WhenAnswer[][] {
  const { trials = 10_000, seed = 1, horizon = 1_000, confidence = DEFAULT_CONFIDENCE } = options;
  const none = () => confidence.map((c) => ({ confidence: c, date: null }));
  const todayIso = isoOf(today);
  const order = remaining.map((r, i) => [r, i] as const).filter(([r]) => r > 0).sort((a, b) => a[0] - b[0]);
  const targets = order.map(([r]) => r);
  const results = remaining.map(() => new Int32Array(trials).fill(horizon));
  const found = order.map(([, i]) => results[i]);
  if (targets.length > 0 && sample.total > 0) {
    const rng = createPrng(seed);
    const { size, sums, partial } = blockOf(sample.counts);
    const combos = sums.length;
    for (let t = 0; t < trials; t++) {
      let done = 0;
      let j = 0; // next target to reach
      for (let k = 0; k < horizon && j < targets.length; k += size) {
        const b = randomIndex(rng, combos);
        if (done + sums[b] < targets[j]) {
          done += sums[b];
          continue;
        }
        // A target is reached inside this block: walk its days one by one.
        for (let p = 0; p < size && k + p < horizon; p++) {
          const d = done + partial[b * size + p];
          while (j < targets.length && d >= targets[j]) found[j++][t] = k + p;
        }
        done += sums[b];
      }
    }
  }
  const days = workingDaysAfter(today, horizon, week);
  return remaining.map((r, i) => {
    if (r <= 0) return confidence.map((c) => ({ confidence: c, date: todayIso }));
    if (sample.total === 0 || days.length === 0) return none();
    const sorted = results[i].sort();
    return confidence.map((c) => {
      const k = nearestRank(sorted, c)!;
      return { confidence: c, date: k >= horizon ? null : isoOf(days[k]) };
    });
  });
}

export type HowManyAnswer = { confidence: number; items: number };

/**
 * [FC4] How many items are done in the working days after today up to `by` (included), at each
 * confidence c: the nearest-rank (100 − c)-th percentile of the trials' totals, so that c % of
 * trials delivered at least that many. 0 when `by` is not after today.
 */
export function forecastHowMany(sample: Sample, today: Day, by: Day, week: WorkWeek, options: ForecastOptions = {}): HowManyAnswer[] {
  const { trials = 10_000, seed = 1, confidence = DEFAULT_CONFIDENCE } = options;
  const days = workingDaysBetween(today + 1, by, week);
  if (days === 0 || sample.total === 0) return confidence.map((c) => ({ confidence: c, items: 0 }));
  const rng = createPrng(seed);
  const totals = new Float64Array(trials);
  const n = sample.counts.length;
  const { size, sums } = blockOf(sample.counts);
  const blocks = Math.floor(days / size);
  for (let t = 0; t < trials; t++) {
    let sum = 0;
    for (let k = 0; k < blocks; k++) sum += sums[randomIndex(rng, sums.length)];
    for (let k = blocks * size; k < days; k++) sum += sample.counts[randomIndex(rng, n)];
    totals[t] = sum;
  }
  totals.sort();
  return confidence.map((c) => ({ confidence: c, items: nearestRank(totals, 100 - c)! }));
}
