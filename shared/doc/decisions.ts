/** The decisions log, and links from a plan to its retros (each retro is a document of its own). */
import { PLAN_ROOT, type Decision, type RetroLink } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { isoDate, num, oneOf, str, strArray, strOrNull } from './fields.ts';

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
