/** The "as of" stamp of exports: a time on the plan's wall clock with the zone named. */

/** "as of 25 Nov 2026, 14:05 GMT (Europe/London)". */
export function asOfStamp(now: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short'
  });
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const zone = parts.timeZoneName && parts.timeZoneName !== timeZone ? ` ${parts.timeZoneName}` : '';
  return `as of ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}${zone} (${timeZone})`;
}

/** A file-name-safe stamp: "2026-11-25-1405". */
export function fileStamp(now: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(now).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}-${p.hour}${p.minute}`;
}
