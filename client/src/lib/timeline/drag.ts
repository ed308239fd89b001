/**
 * What a drag or a key press does to an item's dates, snapped to whole days, and how the pushes it
 * causes are said. Pure.
 */
import { addDays } from '../../../../shared/planning/dates.ts';
import type { Push } from '../../../../shared/planning/schedule.ts';
import type { Milestone } from '../../../../shared/schema.ts';
import { plural } from './format.ts';

/** move: both dates; start / end: one edge of a phase (a milestone always moves whole). */
export type DragMode = 'move' | 'start' | 'end';

export type Dates = { start: string; end: string };

/** Days a horizontal pointer movement is worth at `px` pixels per day, snapped to whole days. */
export function snapDays(dx: number, px: number): number {
  const days = Math.round(dx / px);
  return days === 0 ? 0 : days; // never -0
}

/** The dates after shifting by `days`; an edge never passes the other one. */
export function shiftDates(item: Pick<Milestone, 'kind' | 'start' | 'end'>, mode: DragMode, days: number): Dates {
  const point = item.kind !== 'phase' && item.start === item.end;
  if (mode === 'move' || point) return { start: addDays(item.start, days), end: addDays(item.end, days) };
  if (mode === 'start') {
    const start = addDays(item.start, days);
    return { start: start > item.end ? item.end : start, end: item.end };
  }
  const end = addDays(item.end, days);
  return { start: item.start, end: end < item.start ? item.start : end };
}

export type KeyIntent = { mode: DragMode; days: number };

/**
 * The keyboard path for every drag: ←/→ move a day, Shift a week; Alt+←/→ move the end (resize).
 * Null for any other key.
 */
export function keyIntent(e: { key: string; shiftKey: boolean; altKey: boolean; ctrlKey?: boolean; metaKey?: boolean }): KeyIntent | null {
  if (e.ctrlKey || e.metaKey) return null;
  const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
  if (!dir) return null;
  return { mode: e.altKey ? 'end' : 'move', days: dir * (e.shiftKey ? 7 : 1) };
}

/** "pushes 3 items by up to 5 days"; empty when nothing is pushed later. */
export function describePushes(pushes: readonly Push[]): string {
  const later = pushes.filter((p) => p.days > 0);
  const earlier = pushes.filter((p) => p.days < 0);
  const parts: string[] = [];
  if (later.length) parts.push(`pushes ${plural(later.length, 'item')} by up to ${plural(Math.max(...later.map((p) => p.days)), 'day')}`);
  if (earlier.length) parts.push(`pulls ${plural(earlier.length, 'item')} earlier by up to ${plural(Math.max(...earlier.map((p) => -p.days)), 'day')}`);
  return parts.join(', ');
}
