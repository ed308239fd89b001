/**
 * Dates as Jira (and spreadsheets) write them, read into instants. Pure.
 *
 * [D1] Accepted: ISO 8601 ('2024-03-12', '2024-03-12 10:15', '2024-03-12T10:15:00.000+0100', …);
 *      Jira's default export format ('12/Mar/24 10:15 AM', '12/Mar/2024 10:15', '12/Mar/24').
 *      Everything else (notably 03/12/2024, whose day and month order cannot be known) is refused
 *      as an unknown format rather than guessed.
 * [D2] A time without an offset is a wall-clock time in the plan's time zone.
 * [D3] Impossible dates (31/Feb) and times (25:00) are refused.
 * [D4] Numeric dates as a spreadsheet re-saves them ('9/8/2021 9:05', '09.08.21', '9-8-2021 9:05 PM')
 *      are read only in a day/month order the person has confirmed (`order`); detectDateOrder
 *      proposes one from the file: a first number above 12 means day first, a second above 12
 *      month first; when no value decides, the order is ambiguous and the preview says so.
 */
export type DateOrder = 'dmy' | 'mdy';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const JIRA = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;

const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds to add to UTC to get the wall clock of `timeZone` at instant `t`. */
function zoneOffset(t: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    const n = 'numeric';
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: n, month: n, day: n, hour: n, minute: n, second: n });
    offsetFormatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(t)) p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** [D2] The instant at which the wall clock of `timeZone` shows this date and time. */
export function wallTimeToInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): number {
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  return local - zoneOffset(local - zoneOffset(local, timeZone), timeZone);
}

function real(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Hours on a 12-hour clock with AM/PM into 0–23, or null if impossible. */
function clock24(h: number, ampm: string | undefined): number | null {
  if (!ampm) return h;
  if (h < 1 || h > 12) return null;
  return (h % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
}

export type DateOrderGuess = { order: DateOrder | null; ambiguous: boolean; conflict: boolean; numeric: number };

/** [D4] The day/month order the numeric dates among `samples` imply. */
export function detectDateOrder(samples: Iterable<string>): DateOrderGuess {
  let dayFirst = false;
  let monthFirst = false;
  let numeric = 0;
  for (const text of samples) {
    const m = NUMERIC.exec(text.trim());
    if (!m) continue;
    numeric++;
    if (Number(m[1]) > 12) dayFirst = true;
    if (Number(m[2]) > 12) monthFirst = true;
  }
  if (dayFirst && monthFirst) return { order: null, ambiguous: false, conflict: true, numeric };
  if (dayFirst) return { order: 'dmy', ambiguous: false, conflict: false, numeric };
  if (monthFirst) return { order: 'mdy', ambiguous: false, conflict: false, numeric };
  return { order: null, ambiguous: numeric > 0, conflict: false, numeric };
}

/** An instant, or null when the text is not a date in a format we read [D1, D3, D4]. */
export function parseDate(text: string, timeZone: string, order: DateOrder | null = null): number | null {
  const t = text.trim();
  let m = ISO.exec(t);
  if (m) {
    const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => (v === undefined ? undefined : Number(v))) as number[];
    if (!real(y, mo, d, h ?? 0, mi ?? 0, s ?? 0)) return null;
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    if (m[8]) {
      const zone = m[8].toUpperCase();
      const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) * 60_000;
      return Date.UTC(y, mo - 1, d, h ?? 0, mi ?? 0, s ?? 0, ms) - offset;
    }
    return wallTimeToInstant(y, mo, d, h ?? 0, mi ?? 0, s ?? 0, timeZone) + ms;
  }
  m = JIRA.exec(t);
  if (m) {
    const d = Number(m[1]);
    const mo = MONTHS.indexOf(m[2].toLowerCase()) + 1;
    let y = Number(m[3]);
    if (m[3].length === 2) y += 2000;
    let h = m[4] === undefined ? 0 : Number(m[4]);
    const mi = m[5] === undefined ? 0 : Number(m[5]);
    const s = m[6] === undefined ? 0 : Number(m[6]);
    const h24 = clock24(h, m[7]);
    if (h24 === null) return null;
    h = h24;
    if (mo === 0 || !real(y, mo, d, h, mi, s)) return null;
    return wallTimeToInstant(y, mo, d, h, mi, s, timeZone);
  }
  m = order ? NUMERIC.exec(t) : null;
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    const [d, mo] = order === 'dmy' ? [a, b] : [b, a];
    const y = Number(m[3]) + (m[3].length === 2 ? 2000 : 0);
    const h = clock24(m[4] === undefined ? 0 : Number(m[4]), m[7]);
    const mi = m[5] === undefined ? 0 : Number(m[5]);
    const s = m[6] === undefined ? 0 : Number(m[6]);
    if (h === null || !real(y, mo, d, h, mi, s)) return null;
    return wallTimeToInstant(y, mo, d, h, mi, s, timeZone);
  }
  return null;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The ISO date (YYYY-MM-DD) an instant falls on in `timeZone`. */
export function isoDayOf(t: number, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f.format(t);
}
