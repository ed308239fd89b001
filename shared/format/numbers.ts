/** Numbers, shares and lengths of time in the person's locale. */
import { numberFormat, personLocale } from './locale.ts';

/** At most `digits` decimals, grouping as the locale does: 1,234.5 / 1 234,5. */
export function formatNumber(n: number, locale = personLocale(), digits = 1): string {
  return numberFormat(locale, { maximumFractionDigits: digits }).format(n);
}

/** A share 0..1 as a percentage: 0.85 → "85%" (or "85 %" where the locale spaces it). */
export function formatPercent(share: number, locale = personLocale()): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

const UNITS: [Intl.NumberFormatOptions['unit'] & string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000]
];

/** A length of time in its largest whole unit: "3 days", "5 hr", "40 min", "0 sec". */
export function formatDuration(ms: number, locale = personLocale()): string {
  const abs = Math.abs(ms);
  const [unit, size] = UNITS.find(([, s]) => abs >= s) ?? UNITS[UNITS.length - 1];
  return numberFormat(locale, { style: 'unit', unit, unitDisplay: unit === 'day' ? 'long' : 'short', maximumFractionDigits: 0 }).format(Math.floor(abs / size) * Math.sign(ms || 1));
}
