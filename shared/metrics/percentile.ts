/** Percentiles by the nearest-rank method [CT7], and the distribution summary flow metrics report. */

/**
 * [CT7] Nearest rank: the smallest value v in `sorted` (ascending) such that at least p % of the
 * values are <= v, i.e. sorted[ceil(p/100 · n) − 1]; p = 0 gives the minimum. Null when empty.
 * Always one of the observed values, never an interpolation.
 */
export function nearestRank<T>(sorted: ArrayLike<T>, p: number): T | null {
  const n = sorted.length;
  if (n === 0) return null;
  // p·n/100 computed in that order is exact for integer p; the epsilon absorbs fractional p.
  const rank = Math.ceil((p * n) / 100 - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1];
}

export type Distribution = {
  count: number;
  min: number | null;
  p50: number | null;
  p85: number | null;
  p95: number | null;
  max: number | null;
  mean: number | null;
};

/** [CT7] Summary of ascending values (durations in ms). The mean sums in sorted order, so it is reproducible. */
export function distribution(sorted: readonly number[]): Distribution {
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    min: n ? sorted[0] : null,
    p50: nearestRank(sorted, 50),
    p85: nearestRank(sorted, 85),
    p95: nearestRank(sorted, 95),
    max: n ? sorted[n - 1] : null,
    mean: n ? sum / n : null
  };
}
