/**
 * Dates and moments, one way everywhere. Two kinds of value:
 * - a calendar date ('YYYY-MM-DD': due dates, sprint days, milestones) has no zone; it is written
 *   as that day whatever the reader's zone (formatted at UTC midnight, so nothing shifts it);
 * - a moment (epoch ms: comments, changes, votes) is written on the plan's wall clock, with the
 *   zone's short name where a reader could otherwise mistake it for their own time.
 * Every function takes the locale last, defaulting to the person's.
 */
import { dateFormat, knownZone, personLocale } from './locale.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcOf(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3]);
}

/** '2026-03-12' → "12 Mar 2026" (en-GB) / "Mar 12, 2026" (en-US). Unparseable input is returned as is. */
export function formatDate(iso: string, locale = personLocale()): string {
  const t = utcOf(iso);
  if (Number.isNaN(t)) return iso;
  return dateFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(t);
}

/** '2026-03-12' → "12 Mar": for axes and places where the year is plain from context. */
export function formatDayMonth(iso: string, locale = personLocale()): string {
  const t = utcOf(iso);
  if (Number.isNaN(t)) return iso;
  return dateFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(t);
}

/** The short form when `today` is in the same year, else the full date. */
export function formatDateNear(iso: string, today: string | undefined, locale = personLocale()): string {
  return today && today.slice(0, 4) === iso.slice(0, 4) ? formatDayMonth(iso, locale) : formatDate(iso, locale);
}

/** "12 – 20 Mar 2026" style ranges, as the locale writes them. */
export function formatDateRange(start: string, end: string, locale = personLocale()): string {
  if (start === end) return formatDate(start, locale);
  const a = utcOf(start);
  const b = utcOf(end);
  if (Number.isNaN(a) || Number.isNaN(b)) return `${start} – ${end}`;
  return dateFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).formatRange(a, b);
}

/** "March 2026": month headers. */
export function formatMonthYear(iso: string, locale = personLocale()): string {
  const t = utcOf(iso);
  if (Number.isNaN(t)) return iso;
  return dateFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(t);
}

/** A moment on the plan's wall clock: "25 Nov 2026, 14:05 GMT". `zoneName: false` leaves the zone out. */
export function formatDateTime(at: number, timeZone: string, locale = personLocale(), zoneName = true): string {
  return dateFormat(locale, {
    timeZone: knownZone(timeZone),
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(zoneName ? { timeZoneName: 'short' as const } : {})
  }).format(at);
}

/** "14:05" (or "2:05 PM") on a zone's wall clock. */
export function formatTime(at: number, timeZone: string, locale = personLocale()): string {
  return dateFormat(locale, { timeZone: knownZone(timeZone), hour: '2-digit', minute: '2-digit' }).format(at);
}

/** The 'YYYY-MM-DD' calendar date of a moment in a zone: what "today" is for the plan. */
export function dateInZone(at: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of dateFormat('en-CA', { timeZone: knownZone(timeZone), year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}
