/**
 * Fractional ranks: order without renumbering. A rank is a string over [0-9a-z]; items sort by
 * plain string comparison, and `rankBetween(a, b)` always finds a string strictly between two
 * ranks, so moving an item rewrites one field of that item only. Two replicas that pick the same
 * rank concurrently tie; readers break ties by id, so the order still converges.
 */
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;
const MIN = 0;

function digit(rank: string, i: number, fallback: number): number {
  if (i >= rank.length) return fallback;
  const d = DIGITS.indexOf(rank[i]);
  return d < 0 ? fallback : d;
}

/**
 * A rank strictly between `before` and `after`; null means open-ended on that side. Never ends in
 * '0', so there is always room below any rank it returns.
 */
export function rankBetween(before: string | null, after: string | null): string {
  const lo = before ?? '';
  let hi = after;
  if (hi !== null && lo >= hi) hi = null; // ranks from a peer may be out of order: stay total
  let out = '';
  // Valid neighbours always differ within their longer length + 1 digits; computed before the loop
  // because `hi` is cleared inside it.
  const limit = Math.max(lo.length, hi?.length ?? 0) + 2;
  for (let i = 0; i < limit; i++) {
    const a = digit(lo, i, MIN);
    const b = hi === null ? BASE : digit(hi, i, BASE);
    if (a === b) {
      out += DIGITS[a];
      continue;
    }
    const mid = Math.floor((a + b) / 2);
    if (mid > a) return out + DIGITS[mid];
    // Adjacent digits: keep the lower one; from here on only `lo` constrains what follows.
    out += DIGITS[a];
    hi = null;
  }
  return lo + DIGITS[BASE >> 1];
}

/** n ranks spread evenly at one fixed length, for seeding or importing a list in order. */
export function initialRanks(n: number): string[] {
  let width = 1;
  while (BASE ** width < (n + 1) * 2) width++;
  const span = BASE ** width;
  const ranks: string[] = [];
  for (let k = 1; k <= n; k++) {
    let value = Math.floor((k * span) / (n + 1));
    let s = '';
    for (let i = 0; i < width; i++) {
      s = DIGITS[value % BASE] + s;
      value = Math.floor(value / BASE);
    }
    // A fixed middle digit at the end: distinct prefixes keep the order, and no rank ends in '0'.
    ranks.push(s + DIGITS[BASE >> 1]);
  }
  return ranks;
}

export function compareRank(a: { rank: string; id: string }, b: { rank: string; id: string }): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
