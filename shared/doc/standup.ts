/**
 * Stand-up mode on a plan: the `standup` root (one shared state, plain fields) and the `parking`
 * root (items to talk about after the stand-up). In the document rather than in awareness because
 * it must be the same for everyone, survive the facilitator's reload, and be there for latecomers:
 * who has spoken is shared knowledge, not presence.
 *
 * Every field is its own last-writer-wins key, so "next speaker" pressed by two people at once
 * moves on once (both write the same next index), not twice.
 */
import type * as Y from 'yjs';
import { PLAN_ROOT } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { int, num, oneOf, str, strArray } from './fields.ts';
import type { Editor } from './origin.ts';

export type StandupMode = 'person' | 'column';

export type Standup = {
  active: boolean;
  mode: StandupMode;
  /** Speaker keys (member ids or names) or status ids, in walking order. */
  order: string[];
  /** Index into `order` of who is speaking now. */
  current: number;
  /** Server-corrected time the current speaker started. */
  startedAt: number;
  perSpeakerSec: number;
  /** Keys who have had their turn. */
  spoken: string[];
};

export type ParkingItem = { id: string; text: string; by: string; at: number; done: boolean };

const root = (doc: Y.Doc) => doc.getMap<unknown>(PLAN_ROOT.standup);

export function readStandup(doc: Y.Doc): Standup {
  const m = root(doc);
  const order = strArray(m.get('order'), 200);
  return {
    active: m.get('active') === true,
    mode: oneOf(m.get('mode'), ['person', 'column'] as const, 'person'),
    order,
    current: int(m.get('current'), 0, 0, Math.max(0, order.length - 1)),
    startedAt: num(m.get('startedAt'), 0, 0),
    perSpeakerSec: int(m.get('perSpeakerSec'), 90, 15, 1800),
    spoken: strArray(m.get('spoken'), 200)
  };
}

export function writeStandup(doc: Y.Doc, editor: Editor, patch: Partial<Standup>): void {
  doc.transact(() => {
    const m = root(doc);
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) m.set(k, Array.isArray(v) ? [...v] : v);
  }, editor.origin);
}

export function startStandup(doc: Y.Doc, editor: Editor, mode: StandupMode, order: string[], perSpeakerSec: number): void {
  writeStandup(doc, editor, { active: true, mode, order, current: 0, startedAt: editor.now(), perSpeakerSec, spoken: [] });
}

/** The current speaker has spoken; the next one (or, with `to`, that one) starts now. */
export function nextSpeaker(doc: Y.Doc, editor: Editor, to?: number): void {
  const s = readStandup(doc);
  if (!s.active || s.order.length === 0) return;
  const speaker = s.order[s.current];
  const spoken = s.spoken.includes(speaker) ? s.spoken : [...s.spoken, speaker];
  const next = to ?? s.order.findIndex((k, i) => i > s.current && !spoken.includes(k));
  if (next === -1 || next === undefined) writeStandup(doc, editor, { spoken, current: s.current, startedAt: editor.now() });
  else writeStandup(doc, editor, { spoken, current: Math.min(Math.max(0, next), s.order.length - 1), startedAt: editor.now() });
}

export function endStandup(doc: Y.Doc, editor: Editor): void {
  writeStandup(doc, editor, { active: false });
}

export const parking = defineCollection<ParkingItem>(PLAN_ROOT.parking, (id, m) => {
  const text = str(m.get('text')).slice(0, 500);
  return text ? { id, text, by: str(m.get('by')).slice(0, 80), at: num(m.get('at'), 0, 0), done: m.get('done') === true } : null;
});

export function park(doc: Y.Doc, editor: Editor, text: string, by: string): string | null {
  const clean = text.replace(/\s+/g, ' ').trim().slice(0, 500);
  return clean ? parking.add(doc, editor, { text: clean, by: by.slice(0, 80), at: editor.now(), done: false }) : null;
}
