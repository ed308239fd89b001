/**
 * Dates as Jira (and spreadsheets) write them, read into instants. Pure.
 *
 * [D1] Accepted: ISO 8601 ('2024-03-12', '2024-03-12 10:15', '2024-03-12T10:15:00.000+0100', …);
 *      Jira's default export format ('12/Mar/24 10:15 AM', '12/Mar/2024 10:15', '12/Mar/24').
 *      Everything else (notably 03/12/2024, whose day and month order cannot be known) is refused
 *      as an unknown format rather than guessed.
 * [D2] A time without an offset is a wall-clock time in the plan's time zone.
 * [D3] Impossible dates (31/Feb) and times (25:00) are refused.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const JIRA = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;

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

/** An instant, or null when the text is not a date in a format we read [D1, D3]. */
export function parseDate(text: string, timeZone: string): number | null {
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
    const ampm = m[7]?.toLowerCase();
    if (ampm) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (ampm === 'pm' ? 12 : 0);
    }
    if (mo === 0 || !real(y, mo, d, h, mi, s)) return null;
    return wallTimeToInstant(y, mo, d, h, mi, s, timeZone);
  }
  return null;
}
