import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, dayOfIso, dayStart, isoOf, weekdayOf, workingDaysBetween, workWeek } from '../../../shared/metrics/calendar.ts';

const iso = (t: number, tz: string) => isoOf(dayOf(t, tz));
const start = (d: string, tz: string) => new Date(dayStart(dayOfIso(d), tz)).toISOString();
const hours = (d: string, tz: string) => (dayStart(dayOfIso(d) + 1, tz) - dayStart(dayOfIso(d), tz)) / 3_600_000;

describe('calendar', () => {
  it('[G1] an instant falls on the date its wall clock shows in the plan zone, across the London spring change', () => {
    // Clocks go forward at 01:00 GMT on Sunday 30 March 2025.
    expect(iso(Date.parse('2025-03-30T00:30:00Z'), 'Europe/London')).toBe('2025-03-30');
    expect(iso(Date.parse('2025-03-30T22:59:59Z'), 'Europe/London')).toBe('2025-03-30');
    expect(iso(Date.parse('2025-03-30T23:30:00Z'), 'Europe/London')).toBe('2025-03-31'); // 00:30 BST
    expect(iso(Date.parse('2025-03-30T23:30:00Z'), 'UTC')).toBe('2025-03-30');
  });

  it('[G1] the London autumn change: 00:30 BST on the 26th is still the 26th, 23:30 GMT too', () => {
    expect(iso(Date.parse('2025-10-25T23:30:00Z'), 'Europe/London')).toBe('2025-10-26');
    expect(iso(Date.parse('2025-10-26T00:59:59Z'), 'Europe/London')).toBe('2025-10-26'); // 01:59:59 BST
    expect(iso(Date.parse('2025-10-26T01:00:00Z'), 'Europe/London')).toBe('2025-10-26'); // 01:00 GMT again
    expect(iso(Date.parse('2025-10-26T23:30:00Z'), 'Europe/London')).toBe('2025-10-26');
    expect(iso(Date.parse('2025-10-27T00:00:00Z'), 'Europe/London')).toBe('2025-10-27');
  });

  it('[G1] days are dates, not 24 h: London 30 March has 23 hours and 26 October 25', () => {
    expect(start('2025-03-30', 'Europe/London')).toBe('2025-03-30T00:00:00.000Z');
    expect(start('2025-03-31', 'Europe/London')).toBe('2025-03-30T23:00:00.000Z');
    expect(hours('2025-03-30', 'Europe/London')).toBe(23);
    expect(hours('2025-10-26', 'Europe/London')).toBe(25);
    expect(hours('2025-06-18', 'Europe/London')).toBe(24);
  });

  it('[G1] America/New_York: 9 March 2025 has 23 hours, 2 November 25', () => {
    expect(start('2025-03-09', 'America/New_York')).toBe('2025-03-09T05:00:00.000Z');
    expect(start('2025-03-10', 'America/New_York')).toBe('2025-03-10T04:00:00.000Z');
    expect(hours('2025-03-09', 'America/New_York')).toBe(23);
    expect(hours('2025-11-02', 'America/New_York')).toBe(25);
    expect(iso(Date.parse('2025-11-02T05:30:00Z'), 'America/New_York')).toBe('2025-11-02'); // 00:30 EST after fall back
    expect(iso(Date.parse('2025-11-02T04:30:00Z'), 'America/New_York')).toBe('2025-11-02'); // 00:30 EDT
  });

  it('[G1] a zone that skips midnight starts the day when its clock resumes (America/Santiago, 7 Sept 2025)', () => {
    expect(start('2025-09-07', 'America/Santiago')).toBe('2025-09-07T04:00:00.000Z');
    expect(iso(Date.parse('2025-09-07T03:59:59Z'), 'America/Santiago')).toBe('2025-09-06');
    expect(hours('2025-09-07', 'America/Santiago')).toBe(23);
  });

  it('[G1] every instant lies in [start of its day, start of the next day), in every zone', () => {
    const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (t, tz) => {
        const d = dayOf(t, tz);
        expect(dayStart(d, tz)).toBeLessThanOrEqual(t);
        expect(dayStart(d + 1, tz)).toBeGreaterThan(t);
        expect(dayOf(dayStart(d, tz), tz)).toBe(d);
      }),
      { numRuns: 2000 }
    );
  });

  it('[G2] working days: Monday to Friday by default, counted on dates', () => {
    const week = workWeek([1, 2, 3, 4, 5]);
    expect(weekdayOf(dayOfIso('2025-03-24'))).toBe(1); // Monday
    expect(weekdayOf(dayOfIso('2025-03-30'))).toBe(0); // Sunday
    expect(workingDaysBetween(dayOfIso('2025-03-24'), dayOfIso('2025-04-04'), week)).toBe(10);
    expect(workingDaysBetween(dayOfIso('2025-03-29'), dayOfIso('2025-03-30'), week)).toBe(0);
    expect(workingDaysBetween(dayOfIso('2025-03-30'), dayOfIso('2025-03-29'), week)).toBe(0);
    // A Sunday-to-Thursday week (e.g. a team in Israel).
    expect(workingDaysBetween(dayOfIso('2025-03-23'), dayOfIso('2025-03-29'), workWeek([0, 1, 2, 3, 4]))).toBe(5);
  });

  it('[G2] working days over any range equal a day-by-day count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: -5, max: 60 }), fc.subarray([0, 1, 2, 3, 4, 5, 6]), (from, len, days) => {
        const week = workWeek(days);
        let n = 0;
        for (let d = from; d <= from + len; d++) if (days.includes(weekdayOf(d))) n++;
        expect(workingDaysBetween(from, from + len, week)).toBe(n);
      })
    );
  });
});
