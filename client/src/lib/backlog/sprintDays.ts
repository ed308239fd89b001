/**
 * Sprint days in the plan's time zone, and people's local time. Pure; the clock is passed in.
 * Sprint dates are ISO dates in the plan's zone, so "today" is the plan zone's date, whatever the
 * zone of the laptop showing it.
 */
import type { Sprint, Weekday } from '$shared/schema.ts';
import { dateInZone } from '../board/format.ts';

const DAY = 86_400_000;

export const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
export const isoOfDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
export const addDays = (iso: string, n: number) => isoOfDay(dayNumber(iso) + n);

/** Working days from `start` to `end`, both included. */
export function workingDaysBetween(start: string, end: string, week: readonly Weekday[]): number {
  const a = dayNumber(start);
  const b = dayNumber(end);
  let n = 0;
  for (let d = a; d <= b; d++) if (week.includes(((d + 4) % 7) as Weekday)) n++; // day 0 was a Thursday
  return n;
}

export type SprintDay = {
  today: string;
  workingDays: number;
  /** Working days elapsed including today (0 before the start). */
  elapsed: number;
  remaining: number;
  phase: 'before' | 'during' | 'after';
};

export function sprintDay(sprint: Pick<Sprint, 'start' | 'end'>, now: number, timeZone: string, week: readonly Weekday[]): SprintDay {
  const today = dateInZone(now, timeZone);
  const workingDays = workingDaysBetween(sprint.start, sprint.end, week);
  const phase = today < sprint.start ? 'before' : today > sprint.end ? 'after' : 'during';
  const elapsed = phase === 'before' ? 0 : phase === 'after' ? workingDays : workingDaysBetween(sprint.start, today, week);
  return { today, workingDays, elapsed, remaining: workingDays - elapsed, phase };
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/** 'Tue 14:05' on the wall clock of `timeZone`; '' for a zone this browser does not know. */
export function localTime(now: number, timeZone: string): string {
  let f = timeFormatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      return '';
    }
    timeFormatters.set(timeZone, f);
  }
  return f.format(now);
}

/** Whether `now` falls in someone's working hours ('HH:MM'–'HH:MM' in their zone, on a working day). */
export function atWork(now: number, timeZone: string, workStart: string, workEnd: string, week: readonly Weekday[]): boolean {
  const text = localTime(now, timeZone);
  if (!text) return false;
  const [weekday, hhmm] = text.split(' ');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(weekday) as Weekday;
  return week.includes(day) && hhmm >= workStart && hhmm < workEnd;
}
