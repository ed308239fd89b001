/**
 * "Last opened" on the landing page: relative while recent ("5 min ago", "yesterday"), a date
 * after a week, in the person's locale, through shared/format. Pure: `now` is passed in.
 */
import { formatRelative, personLocale, viewerZone } from '../../../../shared/format/index.ts';

export function openedLabel(at: number, now = Date.now(), locale = personLocale()): string {
  if (now - at < 60_000) return 'just now';
  return formatRelative(at, now, viewerZone(), locale);
}
