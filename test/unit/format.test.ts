/** shared/format: one way to write dates, moments and numbers, in the plan's zone and the person's locale. */
import { describe, expect, it } from 'vitest';
import { dateInZone, formatDate, formatDateNear, formatDateRange, formatDateTime, formatDayMonth, formatDuration, formatMonthYear, formatNumber, formatPercent, formatRelative, formatTime, knownZone } from '../../shared/format/index.ts';

const H = 3_600_000;
/** ICU versions differ in which space they put between parts; the words and order are what matter. */
const plain = (s: string) => s.replace(/[\s\u202f\u2009]+/gu, ' ');

describe('calendar dates', () => {
  it('write a day in the locale, never shifted by a zone', () => {
    expect(formatDate('2026-03-12', 'en-GB')).toBe('12 Mar 2026');
    expect(formatDate('2026-03-12', 'en-US')).toBe('Mar 12, 2026');
    expect(formatDate('2026-03-12', 'de-DE')).toBe('12. März 2026');
    expect(formatDayMonth('2026-11-23', 'en-GB')).toBe('23 Nov');
    expect(formatMonthYear('2026-11-01', 'en-GB')).toBe('November 2026');
  });

  it('drop the year only when today is in the same year', () => {
    expect(formatDateNear('2026-12-09', '2026-11-01', 'en-GB')).toBe('9 Dec');
    expect(formatDateNear('2027-01-09', '2026-11-01', 'en-GB')).toBe('9 Jan 2027');
  });

  it('write ranges once per shared part', () => {
    expect(plain(formatDateRange('2026-03-12', '2026-03-20', 'en-GB'))).toMatch(/^12 ?– ?20 Mar 2026$/);
    expect(plain(formatDateRange('2026-03-12', '2026-04-02', 'en-GB'))).toMatch(/^12 Mar ?– ?2 Apr 2026$/);
    expect(formatDateRange('2026-03-12', '2026-03-12', 'en-GB')).toBe('12 Mar 2026');
  });

  it('return what they cannot read as it is', () => {
    expect(formatDate('soon', 'en-GB')).toBe('soon');
  });
});

describe('moments in the plan zone', () => {
  it('name the zone, which changes across the DST boundary (Europe/London, 29 Mar 2026 01:00 UTC)', () => {
    expect(formatDateTime(Date.UTC(2026, 2, 29, 0, 30), 'Europe/London', 'en-GB')).toBe('29 Mar 2026, 00:30 GMT');
    expect(formatDateTime(Date.UTC(2026, 2, 29, 1, 30), 'Europe/London', 'en-GB')).toBe('29 Mar 2026, 02:30 BST');
    expect(formatDateTime(Date.UTC(2026, 10, 16, 7, 9), 'Europe/London', 'en-GB')).toBe('16 Nov 2026, 07:09 GMT');
  });

  it('follow the zone across the autumn change (America/New_York, 1 Nov 2026)', () => {
    expect(formatTime(Date.UTC(2026, 10, 1, 5, 30), 'America/New_York', 'en-GB')).toBe('01:30');
    expect(formatTime(Date.UTC(2026, 10, 1, 6, 30), 'America/New_York', 'en-GB')).toBe('01:30');
    expect(formatTime(Date.UTC(2026, 10, 1, 6, 30), 'America/New_York', 'en-US')).toBe('01:30 AM');
  });

  it('give the plan’s calendar day, which may differ from UTC’s', () => {
    expect(dateInZone(Date.UTC(2026, 2, 28, 23, 30), 'Europe/London')).toBe('2026-03-28');
    expect(dateInZone(Date.UTC(2026, 6, 28, 23, 30), 'Europe/London')).toBe('2026-07-29');
    expect(dateInZone(Date.UTC(2026, 6, 28, 23, 30), 'Pacific/Auckland')).toBe('2026-07-29');
    expect(dateInZone(Date.UTC(2026, 6, 28, 10, 0), 'America/Los_Angeles')).toBe('2026-07-28');
  });

  it('fall back to UTC for a zone Intl does not know', () => {
    expect(knownZone('Mars/Olympus')).toBe('UTC');
    expect(formatDateTime(Date.UTC(2026, 0, 2, 3, 4), 'Mars/Olympus', 'en-GB')).toBe('2 Jan 2026, 03:04 UTC');
  });
});

describe('numbers', () => {
  it('group and round as the locale does', () => {
    expect(formatNumber(1234.56, 'en-GB')).toBe('1,234.6');
    expect(formatNumber(1234.56, 'de-DE')).toBe('1.234,6');
    expect(formatPercent(0.85, 'en-GB')).toBe('85%');
    expect(plain(formatPercent(0.85, 'fr-FR'))).toBe('85 %');
  });

  it('write durations in their largest whole unit', () => {
    expect(formatDuration(3 * 24 * H, 'en-GB')).toBe('3 days');
    expect(formatDuration(5 * H + 59 * 60_000, 'en-GB')).toMatch(/^5 hrs?$/);
    expect(formatDuration(40 * 60_000, 'en-GB')).toMatch(/^40 mins?$/);
  });

  it('write recent moments relative to now', () => {
    const now = Date.UTC(2026, 10, 20, 12);
    expect(formatRelative(now - 10_000, now, 'UTC', 'en-GB')).toBe('now');
    expect(formatRelative(now - 5 * 60_000, now, 'UTC', 'en-GB')).toBe('5 min ago');
    expect(formatRelative(now - 26 * H, now, 'UTC', 'en-GB')).toBe('yesterday');
    expect(formatRelative(now - 10 * 24 * H, now, 'Europe/London', 'en-GB')).toBe('10 Nov 2026');
  });
});
