/**
 * Where the chart looks when it opens or changes zoom level: a window of days with items in it.
 * At week zoom a window is about a month wide, and a plan may have nothing within a month of today;
 * landing on an empty stretch tells the person nothing. Pure: days are day numbers.
 */
import { toDay } from '../../../../shared/planning/dates.ts';
import type { Milestone } from '../../../../shared/schema.ts';

type Dated = Pick<Milestone, 'start' | 'end'>;

/** The days an item covers, first and last inclusive (a milestone covers its one day). */
function daysOf(item: Dated): [number, number] {
  const a = toDay(item.start);
  return [a, Math.max(a, toDay(item.end))];
}

/** Whether any item covers a day of [from, to). */
export function anyItemIn(items: readonly Dated[], from: number, to: number): boolean {
  return items.some((m) => {
    const [a, b] = daysOf(m);
    return a < to && b >= from;
  });
}

/**
 * The day to put at the view's reading point (a third of the way in): today when the window
 * around it shows an item, otherwise the nearest edge of the item nearest today (the end of one
 * that is over, the start of one to come), so that item and its neighbours are on screen. Null
 * when there are no items.
 */
export function landingDay(items: readonly Dated[], today: number, windowDays: number): number | null {
  if (items.length === 0) return null;
  if (anyItemIn(items, today - windowDays / 3, today + (windowDays * 2) / 3)) return today;
  let best = today;
  let gap = Infinity;
  for (const m of items) {
    const [a, b] = daysOf(m);
    const edge = b < today ? b : a;
    const d = Math.abs(edge - today);
    if (d < gap || (d === gap && edge < best)) [best, gap] = [edge, d];
  }
  return best;
}
