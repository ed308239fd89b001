/**
 * Sums over a sprint's scope at a series of cuts [BD3, BD5, BD7, BU1, V1]: the one loop behind
 * burn-downs, burn-ups and velocity.
 */
import { DONE } from './timeline.ts';
import { inScope, valueBefore, type SprintScope, type Unit } from './scope.ts';

export type ScopeTotals = {
  scope: number;
  committedScope: number;
  addedScope: number;
  done: number;
  doneCommitted: number;
  doneAdded: number;
  /** Committed work removed before the cut, valued when it left. */
  removed: number;
  /** In scope and unestimated (points unit only). */
  unestimated: number;
  /** [BD7] Reopens (done → not done) of in-scope cards at or after the previous cut (or `reopenFrom`). */
  reopened: number;
};

const FIELDS = ['scope', 'committedScope', 'addedScope', 'done', 'doneCommitted', 'doneAdded', 'removed', 'unestimated', 'reopened'] as const;

/** Index of the first cut after `t` (cuts.length if none): an event at t is seen from that cut on. */
function firstCutAfter(cuts: readonly number[], t: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * [BD3, BU1, V1] Sums over the scope as it stood just before each cut (`cuts` ascending). A card's
 * state (in scope, done, estimate) only changes at its own events, so each card is evaluated once
 * per change and its contribution added to the run of cuts up to its next change: a sprint costs
 * O(cards × (changes + days)) additions. Sums add in entry order, identically on every path.
 */
export function scopeSeries(scope: SprintScope, cuts: readonly number[], unit: Unit, reopenFrom = -Infinity): ScopeTotals[] {
  const m = cuts.length;
  const acc = FIELDS.map(() => new Float64Array(m));
  const [total, committedScope, addedScope, done, doneCommitted, doneAdded, removed, unestimated, reopened] = acc;
  const points = unit === 'points';
  for (const e of scope.entries) {
    const f = e.facts;
    const history = f.history;
    const codes = f.codes;
    const n = history.length;
    const log = f.estimates;
    const lastEstimate = log.length ? log[log.length - 1].at : -Infinity;
    const { spans, committed } = e;
    if (f.reopens > 0) {
      // [BD7] reopens while the card was in scope, on the day they happened
      for (let i = 1; i < n; i++) {
        const t = history[i].at;
        if (codes[i - 1] === DONE && codes[i] !== DONE && t >= reopenFrom && inScope(e, t + 1)) {
          const c = firstCutAfter(cuts, t);
          if (c < m) reopened[c]++;
        }
      }
    }
    let i = 0; // status events before the cut
    let k = 0; // estimate changes before the cut
    let s = 0; // first span not yet over at the cut
    const present = f.card.points;
    let estimate = log.length ? log[0].from : present;
    for (let c = 0; c < m; ) {
      const cut = cuts[c];
      while (i < n && history[i].at < cut) i++;
      while (k < log.length && log[k].at < cut) estimate = log[k++].to;
      while (s < spans.length && spans[s + 1] < cut) s += 2;
      const inside = s < spans.length && spans[s] < cut;
      // The next moment anything about this card changes, and the first cut that sees it.
      let next = Infinity;
      if (i < n) next = history[i].at;
      if (k < log.length && log[k].at < next) next = log[k].at;
      if (s < spans.length) {
        const bound = inside ? spans[s + 1] : spans[s];
        if (bound < next) next = bound;
      }
      const to = next === Infinity ? m : firstCutAfter(cuts, next);
      if (!inside) {
        // [BD5] Committed work that has left (and not come back) counts as removed, valued when it left.
        if (committed && s > 0) {
          const v = valueBefore(f, spans[s - 1] + 1, unit);
          for (let x = c; x < to; x++) removed[x] += v;
        }
      } else if (i > 0) {
        // [G4] after the last estimate change the card's present points stand.
        const est = cut > lastEstimate ? present : estimate;
        const v = points ? (est ?? 0) : 1;
        const isDone = codes[i - 1] === DONE;
        for (let x = c; x < to; x++) {
          if (points && est === null) unestimated[x]++;
          total[x] += v;
          if (committed) committedScope[x] += v;
          else addedScope[x] += v;
          if (isDone) {
            done[x] += v;
            if (committed) doneCommitted[x] += v;
            else doneAdded[x] += v;
          }
        }
      }
      c = to;
    }
  }
  return cuts.map((_, c) => ({
    scope: total[c],
    committedScope: committedScope[c],
    addedScope: addedScope[c],
    done: done[c],
    doneCommitted: doneCommitted[c],
    doneAdded: doneAdded[c],
    removed: removed[c],
    unestimated: unestimated[c],
    reopened: reopened[c]
  }));
}

/** [BD3, BU1, V1] Sums over the scope as it stood just before `cut`. */
export const scopeTotals = (scope: SprintScope, cut: number, unit: Unit): ScopeTotals => scopeSeries(scope, [cut], unit)[0];
