/** Workstreams, milestones (milestones, phases, releases) and the dependencies between them. */
import { PLAN_ROOT, STAGES, type Dependency, type Milestone, type Workstream } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { isoDate, num, oneOf, str, strOrNull } from './fields.ts';

export const workstreams = defineCollection<Workstream>(PLAN_ROOT.workstreams, (id, m) => ({
  id,
  name: str(m.get('name'), 'Workstream').slice(0, 120),
  rank: str(m.get('rank'), 'i'),
  owner: strOrNull(m.get('owner')),
  rag: oneOf(m.get('rag'), ['red', 'amber', 'green'] as const, 'green'),
  ragComment: str(m.get('ragComment')).slice(0, 2000)
}));

export const milestones = defineCollection<Milestone>(PLAN_ROOT.milestones, (id, m) => {
  const start = isoDate(m.get('start')) ?? isoDate(m.get('end')) ?? '1970-01-01';
  const end = isoDate(m.get('end')) ?? start;
  return {
    id,
    name: str(m.get('name'), 'Milestone').slice(0, 200),
    kind: oneOf(m.get('kind'), ['milestone', 'phase', 'release'] as const, 'milestone'),
    workstream: strOrNull(m.get('workstream')),
    // A peer may write an end before the start: readers see a zero-length item, never a negative one.
    start,
    end: end < start ? start : end,
    baselineStart: isoDate(m.get('baselineStart')),
    baselineEnd: isoDate(m.get('baselineEnd')),
    stage: oneOf(m.get('stage'), STAGES, 'discovery'),
    owner: strOrNull(m.get('owner'))
  };
});

export const dependencies = defineCollection<Dependency>(PLAN_ROOT.dependencies, (id, m) => {
  const from = strOrNull(m.get('from'));
  const to = strOrNull(m.get('to'));
  if (!from || !to || from === to) return null;
  return { id, from, to, type: 'FS', lagDays: num(m.get('lagDays'), 0, -365, 365) };
});
