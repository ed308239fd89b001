/**
 * Demand per day of a resource's bookings [RS6][RS7]: hours for a person, units for a pool.
 */
import type { Booking, Weekday } from '../schema.ts';
import { weekdayOf, type Day } from './calendar.ts';
import type { Horizon } from './capacity.ts';
import type { Span } from './dates.ts';

export type PersonContext = { hoursPerDay: number; works: ReadonlySet<Weekday>; leave: ReadonlySet<Day> };

/**
 * Adds one booking's demand into `out` (per day of the horizon).
 * - [RS7a] percent: that share of a full working day on each working day of the range. Leave does
 *   not cancel it: a person booked while away is over-allocated, which is what the PM must see.
 * - [RS7b] hours: the total spread evenly over the range's working days not on leave; with none,
 *   over every day of the range (then there is no capacity and it shows as over-allocation).
 * - [RS7c] units (pools): the units on every calendar day of the range (pools run all week).
 */
export function addDemand(out: Float64Array, b: Booking, span: Span, h: Horizon, person: PersonContext | null): void {
  const from = span.start;
  const to = span.end;
  const put = (d: Day, v: number) => {
    const i = d - h.origin;
    if (i >= 0 && i < h.days) out[i] += v;
  };
  if (b.unit === 'units' || !person) {
    for (let d = Math.max(from, h.origin); d <= Math.min(to, h.origin + h.days - 1); d++) put(d, b.amount);
    return;
  }
  if (b.unit === 'percent') {
    const perDay = (person.hoursPerDay * b.amount) / 100;
    for (let d = Math.max(from, h.origin); d <= Math.min(to, h.origin + h.days - 1); d++) if (person.works.has(weekdayOf(d))) put(d, perDay);
    return;
  }
  // Hours: counted over the whole range (not just the horizon) so clipping never inflates a day.
  const days: Day[] = [];
  for (let d = from; d <= to; d++) if (person.works.has(weekdayOf(d)) && !person.leave.has(d)) days.push(d);
  if (days.length === 0) for (let d = from; d <= to; d++) days.push(d);
  const perDay = b.amount / days.length;
  for (const d of days) put(d, perDay);
}
