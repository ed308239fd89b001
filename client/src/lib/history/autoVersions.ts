/**
 * Moments the plan names by itself when someone starts them from the client: a steering meeting
 * is named "Steering <date, time>" (in the plan's time zone) when its timer starts from idle. The
 * version is stored through POST /versions, so the server attributes it to the session's person.
 * Sprint starts and closes need nothing here: the server reads them from the plan's sprints.
 */
import type { MeetingTimer } from '$shared/schema.ts';
import { nameVersion } from './api.ts';
import { formatMoment } from './zoneTime.ts';

/** Whether a timer change is a meeting starting (idle → running), not a resume or a reset. */
export function meetingStarts(before: MeetingTimer, after: MeetingTimer): boolean {
  return before.startedAt === null && after.startedAt !== null;
}

/**
 * Names the meeting's start. Best effort: the meeting goes on whether or not the name is stored
 * (offline, or a role that may not name versions), so a refusal is only logged.
 */
export function nameSteeringMeeting(room: string, token: string, at: number, timeZone: string): void {
  nameVersion(room, token, `Steering ${formatMoment(at, timeZone)}`, at).catch((err: unknown) => console.warn('steering meeting not named as a version', err));
}
