/** Sprints and epics. Starting a sprint records its commitment once (scope added later stays visible). */
import type * as Y from 'yjs';
import { PLAN_ROOT, type Commitment, type Epic, type Sprint } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { isoDate, list, num, numOrNull, oneOf, record, str } from './fields.ts';
import type { Editor } from './origin.ts';

function readCommitment(value: unknown): Commitment | null {
  const rec = record(value);
  if (!rec) return null;
  const cards = list(rec.cards, (c) => (typeof c.id === 'string' ? { id: c.id, points: numOrNull(c.points, 0, 1e4) } : null));
  return { at: num(rec.at, 0, 0), cards };
}

export const sprints = defineCollection<Sprint>(PLAN_ROOT.sprints, (id, m) => ({
  id,
  name: str(m.get('name'), 'Sprint').slice(0, 120),
  goal: str(m.get('goal')).slice(0, 2000),
  start: isoDate(m.get('start')) ?? '1970-01-01',
  end: isoDate(m.get('end')) ?? isoDate(m.get('start')) ?? '1970-01-01',
  state: oneOf(m.get('state'), ['planned', 'active', 'closed'] as const, 'planned'),
  commitment: readCommitment(m.get('commitment')),
  closedAt: numOrNull(m.get('closedAt'), 0)
}));

/** Sets a planned sprint active and records what it holds now as its commitment. */
export function startSprint(doc: Y.Doc, editor: Editor, sprintId: string, cards: { id: string; points: number | null }[]): boolean {
  const s = sprints.get(doc, sprintId);
  if (!s || s.state !== 'planned') return false;
  return sprints.update(doc, editor, sprintId, { state: 'active', commitment: { at: editor.now(), cards } });
}

export const epics = defineCollection<Epic>(PLAN_ROOT.epics, (id, m) => ({
  id,
  name: str(m.get('name'), 'Epic').slice(0, 120),
  rank: str(m.get('rank'), 'i')
}));
