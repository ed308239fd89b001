import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, afterLag, daysBetween, fromDay, latestFinishBefore, toDay, weekdayOf } from '../../../shared/planning/dates.ts';
import type { Weekday } from '../../../shared/schema.ts';

const WEEKDAYS: Weekday[] = [1, 2, 3, 4, 5];

describe('dates', () => {
  it('numbers days from 1970-01-01 and back, through leap years and centuries', () => {
    expect(toDay('1970-01-01')).toBe(0);
    expect(toDay('1969-12-31')).toBe(-1);
    expect(toDay('2000-03-01') - toDay('2000-02-28')).toBe(2); // 2000 is a leap year
    expect(toDay('1900-03-01') - toDay('1900-02-28')).toBe(1); // 1900 is not
    expect(fromDay(toDay('2024-02-29'))).toBe('2024-02-29');
    // Every day of years 0001..9999.
    fc.assert(
      fc.property(fc.integer({ min: -719_162, max: 2_932_896 }), (day) => {
        const iso = fromDay(day);
        expect(toDay(iso)).toBe(day);
        // The same calendar as Date's UTC one, which is DST-free.
        expect(iso).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
      })
    );
  });

  it('adds calendar days across daylight-saving changes without losing or gaining one', () => {
    expect(addDays('2025-03-29', 2)).toBe('2025-03-31'); // EU clocks go forward on 30 March
    expect(addDays('2025-11-01', 2)).toBe('2025-11-03'); // US clocks go back on 2 November
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2025-03-01', '2025-04-01')).toBe(31);
  });

  it('knows the weekday (0 = Sunday)', () => {
    expect(weekdayOf(toDay('2025-03-03'))).toBe(1); // a Monday
    expect(weekdayOf(toDay('1970-01-01'))).toBe(4); // a Thursday
    expect(weekdayOf(toDay('1969-12-28'))).toBe(0); // a Sunday
  });

  it('counts lags in calendar days, or working days with a calendar', () => {
    const fri = toDay('2025-03-07');
    const sat = toDay('2025-03-08');
    expect(afterLag(sat, 2, undefined)).toBe(sat + 2);
    // After a phase ending Friday (finishes Saturday): Mon and Tue wait, Wednesday may start.
    expect(fromDay(afterLag(sat, 2, WEEKDAYS))).toBe('2025-03-12');
    // After a milestone on Friday: Friday counts as the one day waited.
    expect(fromDay(afterLag(fri, 1, WEEKDAYS))).toBe('2025-03-08');
    // Ten working days is two weeks.
    expect(fromDay(afterLag(toDay('2025-03-03'), 10, WEEKDAYS))).toBe('2025-03-15');
    // A lead of 2 working days before a Monday finish: Thursday.
    expect(fromDay(afterLag(toDay('2025-03-10'), -2, WEEKDAYS))).toBe('2025-03-06');
    expect(afterLag(sat, 0, WEEKDAYS)).toBe(sat);
    // An empty calendar would never let a lag pass: it means every day.
    expect(afterLag(sat, 3, [])).toBe(sat + 3);
  });

  it('latestFinishBefore is the exact inverse of afterLag', () => {
    const calendar = fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), { nil: undefined });
    fc.assert(
      fc.property(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -40, max: 40 }), calendar, (start, lag, cal) => {
        const c = cal as Weekday[] | undefined;
        const f = latestFinishBefore(start, lag, c);
        expect(afterLag(f, lag, c)).toBeLessThanOrEqual(start);
        expect(afterLag(f + 1, lag, c)).toBeGreaterThan(start);
      })
    );
  });

  it('afterLag never goes back as the finish moves later', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -40, max: 40 }), fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 7 }), (f, lag, cal) => {
        const c = cal as Weekday[];
        expect(afterLag(f + 1, lag, c)).toBeGreaterThanOrEqual(afterLag(f, lag, c));
      })
    );
  });
});
