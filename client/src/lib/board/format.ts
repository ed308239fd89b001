/**
 * What a card shows, as text: dates in the plan's time zone, overdue, points, initials. Pure; the
 * clock is passed in.
 */
import type { Card, StatusCategory } from '$shared/schema.ts';
import { formatDateNear } from '../../../../shared/format/dates.ts';

export { dateInZone } from '../../../../shared/format/dates.ts';

/** '12 Mar' (this year) or '12 Mar 2027' in the person's locale, from an ISO date; no time zone involved. */
export function shortDate(iso: string, today?: string): string {
  return formatDateNear(iso, today);
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
