/** "5 min ago", "yesterday": recent moments relative to now, a date after a week. Pure: `now` is passed in. */
import { dateFormat, knownZone, personLocale } from './locale.ts';

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000]
];

const WEEK = 7 * 86_400_000;

export function formatRelative(at: number, now: number, timeZone = 'UTC', locale = personLocale()): string {
  const ago = now - at;
  if (ago < 60_000 && ago > -60_000) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(0, 'second');
  if (Math.abs(ago) >= WEEK) return dateFormat(locale, { timeZone: knownZone(timeZone), day: 'numeric', month: 'short', year: 'numeric' }).format(at);
  let step = STEPS[0];
  for (const s of STEPS) if (Math.abs(ago) >= s[1]) step = s;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' }).format(-Math.trunc(ago / step[1]), step[0]);
}
