/**
 * Where a booking lies now [RS6]. A booking that follows a milestone keeps its dates relative to
 * the milestone: it is shifted by how many days the milestone's start has moved since the booking
 * was set (its `anchor`). Nothing is rewritten when the timeline shifts, so a shift and a booking
 * edit made at once by two people both hold.
 */
import type { Booking } from '../schema.ts';
import { dayOf, type Day } from './calendar.ts';

export type Span = { start: Day; end: Day };

/** Milestone id → its current start date. */
export type MilestoneStarts = ReadonlyMap<string, string>;

export function bookingSpan(b: Booking, milestones: MilestoneStarts): Span {
  const start = dayOf(b.start);
  const end = dayOf(b.end);
  const now = b.follows && b.anchor ? milestones.get(b.follows) : undefined;
  // A deleted milestone leaves its bookings where they were last.
  const shift = now !== undefined && b.anchor ? dayOf(now) - dayOf(b.anchor) : 0;
  return { start: start + shift, end: end + shift };
}

/** The milestone a booking serves: the one it follows, else its source when that is a milestone. */
export function bookingMilestone(b: Booking): string | null {
  return b.follows ?? (b.source === 'milestone' ? b.sourceId : null);
}
