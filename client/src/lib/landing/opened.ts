/**
 * "Last opened" on the landing page: relative while recent ("5 min ago", "yesterday"), a date
 * after a week, in the person's locale (the browser's). Pure: `now` is passed in.
 */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000]
];

export function openedLabel(at: number, now = Date.now(), locale?: string): string {
  const ago = now - at;
  if (ago < 60_000) return 'just now';
  if (ago >= 7 * 86_400_000) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(at);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  let unit = UNITS[0];
  for (const u of UNITS) if (ago >= u[1]) unit = u;
  return rtf.format(-Math.floor(ago / unit[1]), unit[0]);
}
