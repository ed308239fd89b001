/** Workstreams, milestones (milestones, phases, releases) and the dependencies between them. */
import type * as Y from 'yjs';
import { PLAN_ROOT, STAGES, type Dependency, type Milestone, type Workstream } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { isoDate, num, oneOf, str, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';

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

/**
 * "Take baseline": every item's current start and end become its baseline, in one transaction
 * (`ids` limits it to those items). Returns how many items were baselined.
 */
export function takeBaseline(doc: Y.Doc, editor: Editor, ids?: readonly string[]): number {
  const wanted = ids ? new Set(ids) : null;
  let count = 0;
  doc.transact(() => {
    for (const item of milestones.list(doc)) {
      if (wanted && !wanted.has(item.id)) continue;
      const m = milestones.item(doc, item.id)!;
      // Both fields always, like a move: of two concurrent baselines one wins whole.
      m.set('baselineStart', item.start);
      m.set('baselineEnd', item.end);
      count++;
    }
  }, editor.origin);
  return count;
}

/**
 * Deletes a timeline item with the dependencies into and out of it and its stage gates, in one
 * transaction. False when the item does not exist.
 */
export function removeMilestone(doc: Y.Doc, editor: Editor, id: string): boolean {
  if (!milestones.root(doc).has(id)) return false;
  doc.transact(() => {
    milestones.root(doc).delete(id);
    for (const dep of dependencies.list(doc)) if (dep.from === id || dep.to === id) dependencies.root(doc).delete(dep.id);
    const gates = doc.getMap<unknown>(PLAN_ROOT.gates);
    for (const key of [...gates.keys()]) if (key.startsWith(`${id}/`)) gates.delete(key);
  }, editor.origin);
  return true;
}
