/**
 * Calendar days in a plan's time zone [G1, G2]. A day is a number: days since 1970-01-01 on the
 * zone's wall calendar, so adding 1 is "the next date" whatever the clock did overnight (a DST day
 * is 23 or 25 hours long; we never add 24 h to an instant). Zone offsets come from Intl and are
 * cached per UTC day, because formatToParts is far too slow to call for 100,000 events.
 */
import type { Weekday } from '../schema.ts';

export type Day = number;

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** tz → UTC day → offset in force all through that UTC day, or null when it changes within it. */
const offsets = new Map<string, Map<number, number | null>>();
/** tz → day → instant of its first moment. */
const starts = new Map<string, Map<Day, number>>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    const n = 'numeric';
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: n, month: n, day: n, hour: n, minute: n, second: n });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall clock minus UTC at instant `t`, in ms (e.g. +3,600,000 in London summer time). */
export function zoneOffset(t: number, tz: string): number {
  if (tz === 'UTC') return 0;
  const p = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 } as Record<string, number>;
  for (const part of formatter(tz).formatToParts(t)) if (part.type in p) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(t / 1000) * 1000;
}

/** [G1] The calendar date (as a Day) on which instant `t` falls in zone `tz`. */
export function dayOf(t: number, tz: string): Day {
  if (tz === 'UTC') return Math.floor(t / DAY_MS);
  let cache = offsets.get(tz);
  if (!cache) offsets.set(tz, (cache = new Map()));
  const u = Math.floor(t / DAY_MS);
  let off = cache.get(u);
  if (off === undefined) {
    const a = zoneOffset(u * DAY_MS, tz);
    off = a === zoneOffset(u * DAY_MS + DAY_MS - 1, tz) ? a : null;
    cache.set(u, off);
  }
  return Math.floor((t + (off ?? zoneOffset(t, tz))) / DAY_MS);
}

/** [G1] The first instant of `day` in `tz` (local midnight, or the end of a DST gap that swallowed it). */
export function dayStart(day: Day, tz: string): number {
  if (tz === 'UTC') return day * DAY_MS;
  let cache = starts.get(tz);
  if (!cache) starts.set(tz, (cache = new Map()));
  const hit = cache.get(day);
  if (hit !== undefined) return hit;
  const wall = day * DAY_MS;
  let t = wall - zoneOffset(wall, tz);
  t = wall - zoneOffset(t, tz);
  if (!(dayOf(t, tz) === day && dayOf(t - 1, tz) === day - 1)) {
    // Midnight does not exist that day (a zone that springs forward at 00:00): find the first
    // instant that is on `day`. Offsets lie within ±15 h, which bounds the search.
    let lo = wall - 15 * HOUR_MS;
    let hi = wall + 15 * HOUR_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (dayOf(mid, tz) >= day) hi = mid;
      else lo = mid;
    }
    t = hi;
  }
  cache.set(day, t);
  return t;
}

export function isoOf(day: Day): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' → Day (the schema validates dates, so NaN only comes from a caller's typo). */
export function dayOfIso(iso: string): Day {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

/** 0 = Sunday, as Date#getDay; 1970-01-01 was a Thursday. */
export function weekdayOf(day: Day): Weekday {
  return ((((day + 4) % 7) + 7) % 7) as Weekday;
}

/** [G2] A work week: index by weekday, true when that weekday is a working day. */
export type WorkWeek = readonly boolean[];

export function workWeek(workingDays: readonly number[]): WorkWeek {
  return Array.from({ length: 7 }, (_, d) => workingDays.includes(d));
}

export const isWorkingDay = (day: Day, week: WorkWeek): boolean => week[weekdayOf(day)];

/** [G2] Working days in [from, to], both included; 0 when to < from. */
export function workingDaysBetween(from: Day, to: Day, week: WorkWeek): number {
  if (to < from) return 0;
  const perWeek = week.filter(Boolean).length;
  const whole = Math.floor((to - from + 1) / 7);
  let n = whole * perWeek;
  for (let d = from + whole * 7; d <= to; d++) if (week[weekdayOf(d)]) n++;
  return n;
}

/** The first `count` working days strictly after `day` (fewer only when the week has none). */
export function workingDaysAfter(day: Day, count: number, week: WorkWeek): Day[] {
  const out: Day[] = [];
  if (!week.some(Boolean)) return out;
  for (let d = day + 1; out.length < count; d++) if (week[weekdayOf(d)]) out.push(d);
  return out;
}

/** The first working day on or after `day`, or null in a week with no working days. */
export function workingDayOnOrAfter(day: Day, week: WorkWeek): Day | null {
  if (!week.some(Boolean)) return null;
  let d = day;
  while (!week[weekdayOf(d)]) d++;
  return d;
}
