/**
 * The shared meeting timer, stored whole under the `meeting` key of plan meta (schema: MeetingTimer).
 * One JSON value rather than three fields: a start and a concurrent pause resolve to one person's
 * whole timer, never to a start time from one and a pause from the other.
 */
import type * as Y from 'yjs';
import type { MeetingTimer } from '../schema.ts';
import { idleTimer, MAX_DURATION } from '../steering/timer.ts';
import { numOrNull, record } from './fields.ts';
import type { Editor } from './origin.ts';
import { metaMap } from './plan.ts';

export const MEETING_KEY = 'meeting';

export function readMeetingTimer(doc: Y.Doc): MeetingTimer {
  const rec = record(metaMap(doc).get(MEETING_KEY));
  if (!rec) return idleTimer();
  const startedAt = numOrNull(rec.startedAt, 0);
  const duration = numOrNull(rec.duration, 60_000, MAX_DURATION) ?? idleTimer().duration;
  const pausedAt = startedAt === null ? null : numOrNull(rec.pausedAt, startedAt);
  return { startedAt, duration, pausedAt };
}

export function writeMeetingTimer(doc: Y.Doc, editor: Editor, timer: MeetingTimer): void {
  doc.transact(() => metaMap(doc).set(MEETING_KEY, { startedAt: timer.startedAt, duration: timer.duration, pausedAt: timer.pausedAt }), editor.origin);
}
