/**
 * What a card shows, as text: dates in the plan's time zone, overdue, points, initials. Pure; the
 * clock is passed in.
 */
import type { Card, StatusCategory } from '$shared/schema.ts';

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DD' of instant `now` on the wall clock of `timeZone`. */
export function dateInZone(now: number, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(now)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '12 Mar' (this year) or '12 Mar 2027', from an ISO date; no time zone involved. */
export function shortDate(iso: string, today?: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  const base = `${d} ${MONTHS[m - 1] ?? '?'}`;
  return today && today.slice(0, 4) === iso.slice(0, 4) ? base : `${base} ${y}`;
}

/** A due date passed (in the plan's zone) on a card that is not finished. */
export function isOverdue(card: Pick<Card, 'due'>, category: StatusCategory | null, today: string): boolean {
  return card.due !== null && card.due < today && category !== 'done';
}

export function formatPoints(points: number | null): string {
  if (points === null) return '';
  return Number.isInteger(points) ? String(points) : points.toFixed(1).replace(/\.0$/, '');
}

export function pointsLabel(points: number | null, unit: 'points' | 'hours' = 'points'): string {
  if (points === null) return 'not estimated';
  const n = formatPoints(points);
  return unit === 'hours' ? `${n} ${points === 1 ? 'hour' : 'hours'}` : `${n} ${points === 1 ? 'point' : 'points'}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
