/**
 * Whole calendar days for the resource plan [RS1]. Bookings, leave and capacity changes are dates
 * on the plan's wall calendar, so a day is a number (days since 1970-01-01) and a week starts on a
 * Monday. No instants and no zone offsets are involved: a date means the same day to everyone.
 */
import type { Weekday } from '../schema.ts';

export type Day = number;

const DAY_MS = 86_400_000;

export function dayOf(iso: string): Day {
  return Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS);
}

export function isoOf(day: Day): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday, as Date#getDay (1970-01-01 was a Thursday). */
export function weekdayOf(day: Day): Weekday {
  return (((day + 4) % 7) + 7) % 7 as Weekday;
}

/** The Monday on or before `day`. */
export function mondayOf(day: Day): Day {
  return day - ((weekdayOf(day) + 6) % 7);
}

/** The ISO Monday of the week holding the date. */
export function weekStartIso(iso: string): string {
  return isoOf(mondayOf(dayOf(iso)));
}

/** Today's date on the plan's wall calendar (its time zone decides when a day begins) [RS8]. */
export function todayIn(timeZone: string, now: number): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Date(now).toISOString().slice(0, 10);
  }
}
