/**
 * Calendar arithmetic on ISO dates ('YYYY-MM-DD'). Plans are made of days, not instants, so every
 * computation here runs on whole day numbers (days since 1970-01-01) with the proleptic Gregorian
 * calendar: no Date object, no time zone, no daylight-saving hour that could turn "add one day"
 * into 23 or 25 hours.
 *
 * Lags may optionally count working days only: a calendar is the set of weekdays that count
 * (the plan's `workingDays`, 0 = Sunday). An empty calendar would never let a lag elapse, so it is
 * read as "every day counts".
 */
import type { Weekday } from '../schema.ts';

/** Weekdays that count for a lag; undefined (or empty) means every calendar day counts. */
export type Calendar = readonly Weekday[] | undefined;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Day number of an ISO date: days since 1970-01-01 (negative before). Throws on a string that is
 * not 'YYYY-MM-DD', because every date reaching here was validated by the document readers.
 * (Civil-to-days after Howard Hinnant's public-domain algorithm.)
 */
export function toDay(iso: string): number {
  const m = ISO.exec(iso);
  if (!m) throw new TypeError(`not an ISO date: ${JSON.stringify(iso)}`);
  const d = Number(m[3]);
  const mo = Number(m[2]);
  const y = Number(m[1]) - (mo <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** ISO date of a day number (the inverse of toDay). */
export function fromDay(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The date `n` calendar days after `iso` (before, when n is negative). */
export function addDays(iso: string, n: number): string {
  return fromDay(toDay(iso) + n);
}

/** Calendar days from `a` to `b`: positive when b is later. */
export function daysBetween(a: string, b: string): number {
  return toDay(b) - toDay(a);
}

/** Weekday of a day number, 0 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): Weekday {
  return (((day + 4) % 7) + 7) % 7 as Weekday;
}

function countsEveryDay(calendar: Calendar): boolean {
  return !calendar || calendar.length === 0 || new Set(calendar).size === 7;
}

/** True when `day` counts towards a lag under `calendar`. */
export function isWorkingDay(day: number, calendar: Calendar): boolean {
  return countsEveryDay(calendar) || calendar!.includes(weekdayOf(day));
}

/**
 * The earliest day a successor may start when its predecessor finishes at `finish` (the start of
 * the first day after the predecessor, see schedule.ts) and the link has `lag` days.
 *
 * Without a calendar: finish + lag. With one, a positive lag waits that many working days, counting
 * from the finish day on, and the successor may start the day after the last one waited; a negative
 * lag (a lead) steps back over that many working days before the finish. A lag of 0 is `finish`
 * itself in both cases. The successor's own start is never moved onto a working day: the calendar
 * only says which days a lag counts.
 */
export function afterLag(finish: number, lag: number, calendar: Calendar): number {
  if (lag === 0 || countsEveryDay(calendar)) return finish + lag;
  const perWeek = new Set(calendar).size;
  const want = Math.abs(lag);
  // Any 7 consecutive days hold exactly `perWeek` working days: skip whole weeks, then scan.
  const weeks = Math.floor((want - 1) / perWeek);
  let left = want - weeks * perWeek;
  if (lag > 0) {
    let day = finish + 7 * weeks;
    for (;;) {
      if (isWorkingDay(day, calendar) && --left === 0) return day + 1;
      day++;
    }
  }
  let day = finish - 1 - 7 * weeks;
  for (;;) {
    if (isWorkingDay(day, calendar) && --left === 0) return day;
    day--;
  }
}

/**
 * The latest finish of a predecessor that still lets its successor start on `start`: the largest f
 * with afterLag(f, lag) <= start. afterLag never decreases as f grows, so this is found by
 * galloping then bisecting; without a calendar it is simply start - lag.
 */
export function latestFinishBefore(start: number, lag: number, calendar: Calendar): number {
  if (lag === 0 || countsEveryDay(calendar)) return start - lag;
  const fits = (f: number) => afterLag(f, lag, calendar) <= start;
  let lo: number;
  let hi: number;
  const guess = start - lag;
  if (fits(guess)) {
    lo = guess;
    let step = 8;
    while (fits(lo + step)) {
      lo += step;
      step *= 2;
    }
    hi = lo + step;
  } else {
    hi = guess;
    let step = 8;
    while (!fits(hi - step)) {
      hi -= step;
      step *= 2;
    }
    lo = hi - step;
  }
  // Invariant: fits(lo) and !fits(hi).
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
