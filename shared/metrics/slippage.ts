/**
 * Milestone slippage [MS1–MS6]: baseline against the current plan, and the current plan against a
 * forecast from the work linked to the milestone.
 */
import type { Milestone, MilestoneKind } from '../schema.ts';
import { dayOfIso, isoOf, workingDaysBetween, type Day, type WorkWeek } from './calendar.ts';
import type { CardLookup } from './card-index.ts';

export type SlipStatus = 'done' | 'on-track' | 'late' | 'unknown';

export type MilestoneSlip = {
  id: string;
  name: string;
  kind: MilestoneKind;
  baselineEnd: string | null;
  end: string;
  /** [MS1, MS2] Calendar days later (+) or earlier (−) than the baseline; null without one. */
  slipDays: number | null;
  startSlipDays: number | null;
  /** [MS3] The same in working days. */
  slipWorkingDays: number | null;
  linkedCards: number;
  linkedDone: number;
  /** [MS4] Forecast finish; null with no linked cards or no throughput. */
  forecastEnd: string | null;
  /** [MS5] Forecast against the current end, and against the baseline. */
  forecastSlipDays: number | null;
  forecastBaselineSlipDays: number | null;
  status: SlipStatus;
};

/** [MS3] Signed working days from `a` to `b`: those in (a, b] when b > a, minus those in (b, a] when b < a. */
export function workingDayShift(a: Day, b: Day, week: WorkWeek): number {
  return b >= a ? workingDaysBetween(a + 1, b, week) : -workingDaysBetween(b + 1, a, week);
}

/** [MS4] Linked-card counts a forecast needs: how many, how many done, and the last done day. */
export function linkedRemaining(m: Milestone, cards: CardLookup): { linked: number; done: number; lastDone: Day | null } {
  let done = 0;
  let lastDone: Day | null = null;
  const ids = cards.byLink.get(m.id) ?? new Set<string>();
  for (const id of ids) {
    const f = cards.facts.get(id)!;
    if (f.doneDay === null) continue;
    done++;
    if (lastDone === null || f.doneDay > lastDone) lastDone = f.doneDay;
  }
  return { linked: ids.size, done, lastDone };
}

/**
 * [MS1–MS6] Slippage of one milestone. `forecast` is the FC3 date (at the caller's confidence,
 * 85 % by default) for its remaining linked cards, computed by the caller for all milestones at once.
 */
export function milestoneSlip(m: Milestone, cards: CardLookup, week: WorkWeek, forecast: string | null): MilestoneSlip {
  const end = dayOfIso(m.end);
  const base = m.baselineEnd === null ? null : dayOfIso(m.baselineEnd);
  const { linked, done, lastDone } = linkedRemaining(m, cards);
  // [MS4] All linked work done: the forecast is the actual finish.
  const forecastDay = linked > 0 && done === linked ? lastDone : linked > 0 && forecast !== null ? dayOfIso(forecast) : null;
  const status: SlipStatus =
    linked > 0 && done === linked ? 'done' : forecastDay === null ? 'unknown' : forecastDay > end ? 'late' : 'on-track';
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    baselineEnd: m.baselineEnd,
    end: m.end,
    slipDays: base === null ? null : end - base,
    startSlipDays: m.baselineStart === null ? null : dayOfIso(m.start) - dayOfIso(m.baselineStart),
    slipWorkingDays: base === null ? null : workingDayShift(base, end, week),
    linkedCards: linked,
    linkedDone: done,
    forecastEnd: forecastDay === null ? null : isoOf(forecastDay),
    forecastSlipDays: forecastDay === null ? null : forecastDay - end,
    forecastBaselineSlipDays: forecastDay === null || base === null ? null : forecastDay - base,
    status
  };
}
