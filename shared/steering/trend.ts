/**
 * Risk exposure over time [TR1–TR5], derived from the RAID items' change history. Pure: items,
 * their histories, `now` and the plan's time zone in; one point per day out.
 *
 * [TR1] Exposure at an instant = Σ likelihood × impact over items that, at that instant, were of
 *       kind 'risk', not closed, and raised on or before that day. Residual exposure uses the
 *       residual pair, or the inherent score while a risk is unassessed (as [RX2]: an unassessed
 *       risk is not assumed mitigated).
 * [TR2] An item's state at instant t is its current state with every logged change after t undone
 *       (newest first, each field set back to the change's `from`). Entries whose `from` is not a
 *       valid value for the field are skipped. Items deleted from the plan have no history left and
 *       do not appear at all.
 * [TR3] One point per calendar day of the plan's zone, sampled at the day's last instant, from the
 *       first raised date (at most `days` back) to today. Today's point is the current state (stamped
 *       `now`): a peer's change stamped a moment ahead of our clock still counts.
 * [TR4] Concurrent changes of one field are both in the log; undoing them in time order leaves the
 *       field at the `from` of the earliest, which is what the item held before either.
 * [TR5] The change over a span is the last point minus the point `span` days earlier (or the first).
 */
import { dayOf, dayOfIso, dayStart, isoOf } from '../metrics/calendar.ts';
import type { RaidChange, RaidItem } from '../schema.ts';

export type TrendPoint = { day: string; at: number; inherent: number; residual: number; risks: number };

type State = Pick<RaidItem, 'kind' | 'status' | 'raised' | 'likelihood' | 'impact' | 'residualLikelihood' | 'residualImpact'>;

const KINDS = ['risk', 'assumption', 'issue', 'dependency'];
const STATUSES = ['open', 'monitoring', 'mitigating', 'closed'];
const isScore = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;
const isIso = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** [TR2] Sets `field` back to `from` when `from` is valid for it. */
function undo(state: State, c: RaidChange): void {
  const v = c.from;
  switch (c.field) {
    case 'kind':
      if (typeof v === 'string' && KINDS.includes(v)) state.kind = v as State['kind'];
      break;
    case 'status':
      if (typeof v === 'string' && STATUSES.includes(v)) state.status = v as State['status'];
      break;
    case 'raised':
      if (isIso(v)) state.raised = v;
      break;
    case 'likelihood':
    case 'impact':
      if (isScore(v)) state[c.field] = v;
      break;
    case 'residualLikelihood':
    case 'residualImpact':
      if (v === null || isScore(v)) state[c.field] = v;
      break;
  }
}

/** [TR2] The item as it was at instant t (history oldest first, as raidHistory returns it). */
export function stateAt(item: RaidItem, history: readonly RaidChange[], t: number): State {
  const state: State = {
    kind: item.kind,
    status: item.status,
    raised: item.raised,
    likelihood: item.likelihood,
    impact: item.impact,
    residualLikelihood: item.residualLikelihood,
    residualImpact: item.residualImpact
  };
  for (let k = history.length - 1; k >= 0 && history[k].at > t; k--) undo(state, history[k]);
  return state;
}

/** [TR1] Exposure of a set of item states on ISO day `day`. */
function exposureOf(states: readonly State[], day: string): Omit<TrendPoint, 'day' | 'at'> {
  let inherent = 0;
  let residual = 0;
  let risks = 0;
  for (const s of states) {
    if (s.kind !== 'risk' || s.status === 'closed' || s.raised > day) continue;
    const i = s.likelihood * s.impact;
    inherent += i;
    residual += s.residualLikelihood !== null && s.residualImpact !== null ? s.residualLikelihood * s.residualImpact : i;
    risks++;
  }
  return { inherent, residual, risks };
}

export type TrendOptions = { now: number; timeZone: string; days?: number };

/** [TR1–TR3] Daily exposure up to today. */
export function exposureTrend(items: readonly RaidItem[], histories: Readonly<Record<string, readonly RaidChange[]>>, options: TrendOptions): TrendPoint[] {
  const { now, timeZone, days = 90 } = options;
  const today = dayOf(now, timeZone);
  const earliest = items.reduce((min, r) => Math.min(min, dayOfIso(r.raised)), today);
  const first = Math.max(earliest, today - days + 1);
  const points: TrendPoint[] = [];
  for (let d = first; d <= today; d++) {
    const at = d === today ? now : dayStart(d + 1, timeZone) - 1;
    const day = isoOf(d);
    // Today is the current state: a peer's change stamped a few ms "after" our clock is not undone.
    const states = items.map((r) => stateAt(r, histories[r.id] ?? [], d === today ? Infinity : at));
    points.push({ day, at, ...exposureOf(states, day) });
  }
  return points;
}

export type TrendChange = { from: number; to: number; delta: number; direction: 'rising' | 'falling' | 'flat'; sinceDay: string };

/** [TR5] How exposure moved over the last `span` days. */
export function trendChange(points: readonly TrendPoint[], span = 30, key: 'inherent' | 'residual' = 'inherent'): TrendChange | null {
  if (points.length === 0) return null;
  const last = points[points.length - 1];
  const base = points[Math.max(0, points.length - 1 - span)];
  const delta = last[key] - base[key];
  return { from: base[key], to: last[key], delta, direction: delta > 0 ? 'rising' : delta < 0 ? 'falling' : 'flat', sinceDay: base.day };
}
