/**
 * What the Resources view writes, through the accessors: a new booking, a booking moved by whole
 * weeks and/or to another resource (drag or keyboard), and a suggested risk logged (RS15).
 */
import type * as Y from 'yjs';
import { createRaidItem } from '$shared/doc/raid.ts';
import { addBooking, moveBooking, type BookingFields } from '$shared/doc/resources.ts';
import type { Editor } from '$shared/doc/origin.ts';
import { isoOf } from '$shared/resources/calendar.ts';
import type { ResourceModel } from '$shared/resources/model.ts';
import { resourceLink, type Threat } from '$shared/resources/threats.ts';

export function book(doc: Y.Doc, editor: Editor, fields: BookingFields): string | null {
  return addBooking(doc, editor, fields);
}

/**
 * Moves a booking `weeks` weeks and onto `resource`. The dates written are where it lies now
 * (after any milestone shift, RS6) plus the move, anchored at its milestone's current start.
 */
export function moveBy(doc: Y.Doc, editor: Editor, model: ResourceModel, id: string, weeks: number, resource: string, milestoneStart: string | null): boolean {
  const b = model.booking(id);
  if (!b) return false;
  const span = model.span(b);
  return moveBooking(doc, editor, id, {
    start: isoOf(span.start + weeks * 7),
    end: isoOf(span.end + weeks * 7),
    resource,
    anchor: b.follows ? (milestoneStart ?? b.anchor) : null
  });
}

export function logRisk(doc: Y.Doc, editor: Editor, t: Threat, names: { resource: string; milestone: string }, today: string): string {
  return createRaidItem(doc, editor, {
    kind: 'risk',
    title: `Over-allocation of ${names.resource} threatens ${names.milestone}`.slice(0, 500),
    owner: null,
    status: 'open',
    raised: today,
    review: null,
    due: null,
    likelihood: 4,
    impact: 4,
    residualLikelihood: null,
    residualImpact: null,
    links: [t.milestone, resourceLink(t.resource)]
  });
}
