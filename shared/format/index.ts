/** The one formatting module: every view writes dates, moments and numbers through it. */
export { FALLBACK_LOCALE, personLocale, knownZone, viewerZone } from './locale.ts';
export { formatDate, formatDayMonth, formatDateNear, formatDateRange, formatMonthYear, formatDateTime, formatTime, dateInZone } from './dates.ts';
export { formatNumber, formatPercent, formatDuration } from './numbers.ts';
export { formatRelative } from './relative.ts';
