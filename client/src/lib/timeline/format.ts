/**
 * How the timeline writes dates and day counts. Fixed English month names rather than the
 * browser's locale, so both people in a meeting read the same labels and tests can match them.
 * Pure: relative imports into shared/ so unit tests load it without the SvelteKit alias.
 */
import { toDay } from '../../../../shared/planning/dates.ts';

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function parts(iso: string): { y: number; m: number; d: number } {
  return { y: Number(iso.slice(0, 4)), m: Number(iso.slice(5, 7)), d: Number(iso.slice(8, 10)) };
}

/** '2026-03-12' → '12 Mar 2026'. */
export function formatDate(iso: string): string {
  const { y, m, d } = parts(iso);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** '2026-03-12' → '12 Mar'. */
export function formatShort(iso: string): string {
  const { m, d } = parts(iso);
  return `${d} ${MONTHS[m - 1]}`;
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
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Calendar days the item spans, for labels: a milestone is 0, a one-day phase 1. */
export function spanDays(kind: string, start: string, end: string): number {
  return kind !== 'phase' && start === end ? 0 : toDay(end) - toDay(start) + 1;
}
