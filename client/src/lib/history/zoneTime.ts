/**
 * A moment as the value of an `<input type="datetime-local">` in the plan's time zone, and back.
 * Pure; offsets come from shared/metrics/calendar.ts so every view agrees on the zone's rules.
 */
import { zoneOffset } from '$shared/metrics/calendar.ts';
import { formatDateTime } from '$shared/format/index.ts';

export function toLocalInput(t: number, tz: string): string {
  return new Date(t + zoneOffset(t, tz)).toISOString().slice(0, 16);
}

/** null for a value the field would not produce. Around a clock change, the later offset wins. */
export function fromLocalInput(value: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // The offset at the wall time read as UTC is right except within hours of a change; one more step fixes that.
  const guess = wall - zoneOffset(wall, tz);
  return wall - zoneOffset(guess, tz);
}

export function formatMoment(t: number, tz: string): string {
  return formatDateTime(t, tz);
}
