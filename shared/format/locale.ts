/**
 * Whose conventions the app writes in: the person's locale (the browser's first language), and
 * en-GB where there is no browser (server exports, unit tests), so output is stable there.
 * Formatters are costly to build, so each (locale, options) pair is built once.
 */
export const FALLBACK_LOCALE = 'en-GB';

export function personLocale(): string {
  const nav = (globalThis as { navigator?: { language?: string } }).navigator;
  return nav?.language || FALLBACK_LOCALE;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, f);
  }
  return f;
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, f);
  }
  return f;
}

/** This browser's own zone, for moments that belong to no plan (invitations, sessions). */
export function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** An IANA zone Intl knows, else UTC: a plan with a mistyped zone still shows times. */
export function knownZone(timeZone: string): string {
  try {
    dateFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}
