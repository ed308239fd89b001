/**
 * How the timeline writes dates and day counts, through shared/format (the person's locale).
 * Pure: relative imports into shared/ so unit tests load it without the SvelteKit alias.
 */
import { toDay } from '../../../../shared/planning/dates.ts';
import { dateInZone, formatDate as formatDay, formatDayMonth } from '../../../../shared/format/dates.ts';

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2026-03-12' → '12 Mar 2026'. */
export function formatDate(iso: string): string {
  return formatDay(iso);
}

/** '2026-03-12' → '12 Mar'. */
export function formatShort(iso: string): string {
  return formatDayMonth(iso);
}

/** A range for people: one date when start === end, the year once when both share it. */
export function formatRange(start: string, end: string): string {
  if (start === end) return formatDate(start);
  return start.slice(0, 4) === end.slice(0, 4) ? `${formatShort(start)} – ${formatDate(end)}` : `${formatDate(start)} – ${formatDate(end)}`;
}

/** Signed day count: +5d, −3d (a real minus sign), 0d. */
export function signedDays(n: number): string {
  return n > 0 ? `+${n}d` : n < 0 ? `−${-n}d` : '0d';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Today's ISO date in an IANA zone (falls back to UTC for an unknown zone). */
export function todayIn(timeZone: string, now: number): string {
  return dateInZone(now, timeZone);
}

/** Calendar days the item spans, for labels: a milestone is 0, a one-day phase 1. */
export function spanDays(kind: string, start: string, end: string): number {
  return kind !== 'phase' && start === end ? 0 : toDay(end) - toDay(start) + 1;
}
