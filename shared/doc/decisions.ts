/** The decisions log, and links from a plan to its retros (each retro is a document of its own). */
import type * as Y from 'yjs';
import { PLAN_ROOT, type Decision, type RetroLink } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { isoDate, num, oneOf, str, strArray, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';

export const decisions = defineCollection<Decision>(PLAN_ROOT.decisions, (id, m) => ({
  id,
  title: str(m.get('title'), 'Untitled').slice(0, 500),
  date: isoDate(m.get('date')) ?? '1970-01-01',
  owner: strOrNull(m.get('owner')),
  rationale: str(m.get('rationale')),
  options: strArray(m.get('options'), 20),
  status: oneOf(m.get('status'), ['proposed', 'decided', 'superseded'] as const, 'proposed'),
  links: strArray(m.get('links'))
}));

type RetroRecord = RetroLink & { id: string };

export const retros = defineCollection<RetroRecord>(PLAN_ROOT.retros, (id, m) => ({
  id,
  room: str(m.get('room'), id),
  title: str(m.get('title'), 'Retro').slice(0, 200),
  createdAt: num(m.get('createdAt'), 0, 0),
  sprint: strOrNull(m.get('sprint'))
}));

// ---------------------------------------------------------------------------------------------
// Steering additions: adding and editing decisions with validated values.

export type DecisionFields = Omit<Decision, 'id'>;
export type DecisionPatch = Partial<DecisionFields>;

const DECISION_STATUSES = ['proposed', 'decided', 'superseded'] as const;

/** The valid part of a patch (non-empty title, real dates, known status, string lists); the rest is dropped. */
export function cleanDecisionPatch(patch: DecisionPatch): DecisionPatch {
  const out: DecisionPatch = {};
  if (typeof patch.title === 'string' && patch.title.trim()) out.title = patch.title.trim().slice(0, 500);
  if (patch.date !== undefined && isoDate(patch.date)) out.date = patch.date;
  if (patch.owner === null || typeof patch.owner === 'string') out.owner = patch.owner || null;
  if (typeof patch.rationale === 'string') out.rationale = patch.rationale.slice(0, 20_000);
  if (Array.isArray(patch.options)) out.options = strArray(patch.options.map((o) => (typeof o === 'string' ? o.trim() : o)).filter(Boolean), 20);
  if (patch.status !== undefined && (DECISION_STATUSES as readonly string[]).includes(patch.status)) out.status = patch.status;
  if (Array.isArray(patch.links)) out.links = [...new Set(strArray(patch.links))];
  return out;
}

/** Adds a decision (proposed unless said otherwise) in one transaction; null without a title or date. */
export function addDecision(doc: Y.Doc, editor: Editor, fields: Pick<DecisionFields, 'title' | 'date'> & DecisionPatch, id?: string): string | null {
  const clean = cleanDecisionPatch(fields);
  if (!clean.title || !clean.date) return null;
  return decisions.add(doc, editor, { owner: null, rationale: '', options: [], status: 'proposed', links: [], ...clean } as DecisionFields, { id });
}

/** Changes the valid fields of a decision; false when it does not exist. */
export function updateDecision(doc: Y.Doc, editor: Editor, id: string, patch: DecisionPatch): boolean {
  return decisions.update(doc, editor, id, cleanDecisionPatch(patch));
}
