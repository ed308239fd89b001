/**
 * Calendar days in a plan's time zone [G1, G2]. A day is a number: days since 1970-01-01 on the
 * zone's wall calendar, so adding 1 is "the next date" whatever the clock did overnight (a DST day
 * is 23 or 25 hours long; we never add 24 h to an instant). Zone offsets come from Intl and are
 * cached per UTC day, because formatToParts is far too slow to call for 100,000 events.
 */
import type { Weekday } from '../schema.ts';

export type Day = number;

/** [G6] A day of duration, in ms (elapsed time, not a calendar day). */
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * A zone's offset over one UTC day: one number when it holds all day, or, on a day the offset
 * changes, the instant it changes with the offsets either side (found once by bisection).
 */
type DayOffset = number | { at: number; before: number; after: number };
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

/** [G1] Wall clock minus UTC at instant `t`, in ms (e.g. +3,600,000 in London summer time). */
export function zoneOffset(t: number, tz: string): number {
  if (tz === 'UTC') return 0;
  const p = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 } as Record<string, number>;
  for (const part of formatter(tz).formatToParts(t)) if (part.type in p) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(t / 1000) * 1000;
}

function offsetsOn(u: number, tz: string): DayOffset {
  const t0 = u * DAY_MS;
  const before = zoneOffset(t0, tz);
  const after = zoneOffset(t0 + DAY_MS - 1000, tz);
  if (before === after) return before;
  // Zones change offset at most once a day: bisect to the second it happens.
  let lo = t0;
  let hi = t0 + DAY_MS - 1000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (zoneOffset(mid, tz) === before) lo = mid;
    else hi = mid;
  }
  return { at: hi, before, after };
}

const readers = new Map<string, (t: number) => Day>();

/** Any peer may write any number as a time: keep it inside the range Date (and Intl) accept. */
const LIMIT = 8.64e15 - 2 * DAY_MS;
const clamp = (t: number): number => (t > LIMIT ? LIMIT : t < -LIMIT ? -LIMIT : t === t ? t : 0);

/**
 * [G1] A function from instant to Day in zone `tz`, with the zone's offset cache bound in (and the
 * last UTC day remembered, since a card's events cluster): the hot path of deriving card facts.
 */
export function dayReader(tz: string): (t: number) => Day {
  let read = readers.get(tz);
  if (read) return read;
  if (tz === 'UTC') read = (t) => Math.floor(clamp(t) / DAY_MS);
  else {
    const cache = new Map<number, DayOffset>();
    let lastU = NaN;
    let lastOff: DayOffset = 0;
    read = (time) => {
      const t = clamp(time);
      const u = Math.floor(t / DAY_MS);
      if (u !== lastU) {
        let off = cache.get(u);
        if (off === undefined) cache.set(u, (off = offsetsOn(u, tz)));
        lastU = u;
        lastOff = off;
      }
      const o = typeof lastOff === 'number' ? lastOff : t < lastOff.at ? lastOff.before : lastOff.after;
      return Math.floor((t + o) / DAY_MS);
    };
  }
  readers.set(tz, read);
  return read;
}

/** [G1] The calendar date (as a Day) on which instant `t` falls in zone `tz`. */
export function dayOf(t: number, tz: string): Day {
  return dayReader(tz)(t);
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

const isoCache = new Map<Day, string>();

/** [G1] 'YYYY-MM-DD' of a Day. */
export function isoOf(day: Day): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoCache.size < 100_000) isoCache.set(day, iso);
  }
  return iso;
}

/** [G1] 'YYYY-MM-DD' → Day (the schema validates dates, so NaN only comes from a caller's typo). */
export function dayOfIso(iso: string): Day {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

/** [G2] Weekday of a Day: 0 = Sunday, as Date#getDay; 1970-01-01 was a Thursday. */
export function weekdayOf(day: Day): Weekday {
  return ((((day + 4) % 7) + 7) % 7) as Weekday;
}

/** [G2] A work week: index by weekday, true when that weekday is a working day. */
export type WorkWeek = readonly boolean[];

/** [G2] The work week of a plan's `workingDays`. */
export function workWeek(workingDays: readonly number[]): WorkWeek {
  return Array.from({ length: 7 }, (_, d) => workingDays.includes(d));
}

/** [G2] Whether `day` is a working day. */
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

/** [G2, FC2] The first `count` working days strictly after `day` (fewer only when the week has none). */
export function workingDaysAfter(day: Day, count: number, week: WorkWeek): Day[] {
  const out: Day[] = [];
  if (!week.some(Boolean)) return out;
  for (let d = day + 1; out.length < count; d++) if (week[weekdayOf(d)]) out.push(d);
  return out;
}
