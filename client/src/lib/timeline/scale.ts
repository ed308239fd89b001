/**
 * The time axis: day numbers (days since 1970-01-01, shared/planning/dates.ts) to pixels and back,
 * the chart's span, the zoom levels, and the axis ticks for each level. A day d occupies
 * [x(d), x(d + 1)); a phase is drawn from the start of its first day to the end of its last, and a
 * milestone at the start of its day (the time model of shared/planning/schedule.ts). Pure.
 */
import { fromDay, toDay } from '../../../../shared/planning/dates.ts';
import { MONTHS, MONTHS_LONG } from './format.ts';

export type Zoom = 'week' | 'month' | 'quarter';

/** Pixels per day of each named zoom; ctrl+wheel moves freely between MIN_PX and MAX_PX. */
export const ZOOM_PX: Record<Zoom, number> = { week: 30, month: 8, quarter: 2.5 };
export const MIN_PX = 1;
export const MAX_PX = 60;

/** The named zoom a pixel density reads as: decides which ticks the axis shows. */
export function zoomOf(px: number): Zoom {
  return px >= 18 ? 'week' : px >= 4.5 ? 'month' : 'quarter';
}

export function clampPx(px: number): number {
  return Math.min(MAX_PX, Math.max(MIN_PX, px));
}

/** One wheel step of ctrl+wheel: ~10 % per 100 px of wheel delta, out for positive deltas. */
export function wheelZoom(px: number, deltaY: number): number {
  return clampPx(px * Math.pow(0.9, deltaY / 100));
}

export type Scale = { from: number; to: number; px: number };

export const xOf = (s: Scale, day: number): number => (day - s.from) * s.px;
/** The day under pixel x (the day whose cell contains x). */
export const dayAt = (s: Scale, x: number): number => s.from + Math.floor(x / s.px);
export const widthOf = (s: Scale): number => (s.to - s.from) * s.px;

/** Day number of the first of the month containing `day`, moved by `months`. */
export function monthStart(day: number, months = 0): number {
  const iso = fromDay(day);
  const total = Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1 + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return toDay(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`);
}

/**
 * The days the chart shows: every given day and today, a month before and two after, widened to
 * whole months and to at least six months.
 */
export function chartSpan(days: readonly number[], today: number): { from: number; to: number } {
  let lo = today;
  let hi = today;
  for (const d of days) {
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const from = monthStart(lo, -1);
  let to = monthStart(hi, 3);
  if (to - from < 183) to = monthStart(from, 7);
  return { from, to };
}

export type Tick = { day: number; x: number; width: number; label: string; short: string; title: string };

/** Upper and lower axis rows for the zoom the scale reads as. */
export function axisTicks(s: Scale): { major: Tick[]; minor: Tick[] } {
  const zoom = zoomOf(s.px);
  const tick = (day: number, next: number, label: string, title: string, short = label): Tick => ({
    day,
    x: xOf(s, day),
    width: (next - day) * s.px,
    label,
    short,
    title
  });
  const months: Tick[] = [];
  const quarters: Tick[] = [];
  for (let d = monthStart(s.from); d < s.to; d = monthStart(d, 1)) {
    const iso = fromDay(d);
    const y = iso.slice(0, 4);
    const m = Number(iso.slice(5, 7));
    const title = `${MONTHS_LONG[m - 1]} ${y}`;
    months.push(zoom === 'quarter' ? tick(d, monthStart(d, 1), MONTHS[m - 1], title) : tick(d, monthStart(d, 1), title, title, `${MONTHS[m - 1]} ’${y.slice(2)}`));
    if ((m - 1) % 3 === 0) quarters.push(tick(d, monthStart(d, 3), `Q${(m - 1) / 3 + 1} ${y}`, `Quarter ${(m - 1) / 3 + 1} of ${y}`, `Q${(m - 1) / 3 + 1}`));
  }
  if (zoom === 'quarter') {
    // The span starts on a month boundary that may be inside a quarter: show that quarter too.
    const first = monthStart(s.from, -((Number(fromDay(s.from).slice(5, 7)) - 1) % 3));
    if (!quarters.length || quarters[0].day !== first) {
      const iso = fromDay(first);
      const q = (Number(iso.slice(5, 7)) - 1) / 3 + 1;
      quarters.unshift(tick(first, monthStart(first, 3), `Q${q} ${iso.slice(0, 4)}`, `Quarter ${q} of ${iso.slice(0, 4)}`, `Q${q}`));
    }
    return { major: quarters, minor: months };
  }
  const minor: Tick[] = [];
  if (zoom === 'week') {
    for (let d = s.from; d < s.to; d++) minor.push(tick(d, d + 1, fromDay(d).slice(8, 10).replace(/^0/, ''), fromDay(d)));
  } else {
    // Weeks start on Monday (1970-01-05 was a Monday, day 4).
    const firstMonday = s.from + ((((4 - s.from) % 7) + 7) % 7);
    for (let d = firstMonday; d < s.to; d += 7) {
      const iso = fromDay(d);
      minor.push(tick(d, d + 7, iso.slice(8, 10).replace(/^0/, ''), `Week of ${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]}`));
    }
  }
  return { major: months, minor };
}
