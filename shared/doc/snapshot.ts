/** One function turns a plan document into an immutable plain snapshot; metrics and exports read it. */
import type * as Y from 'yjs';
import { compareRank } from '../rank.ts';
import type { PlanSnapshot } from '../schema.ts';
import { cards } from './cards.ts';
import { decisions, retros } from './decisions.ts';
import { members } from './members.ts';
import { readMeta } from './plan.ts';
import { raid } from './raid.ts';
import { epics, sprints } from './sprints.ts';
import { orderedStatuses } from './statuses.ts';
import { dependencies, milestones, workstreams } from './timeline.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const byName = <T extends { name: string; id: string }>(a: T, b: T) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
const byStart = <T extends { start: string; id: string }>(a: T, b: T) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id);

/** Every list is in a deterministic order, so two converged replicas produce equal snapshots. */
export function snapshot(doc: Y.Doc): PlanSnapshot {
  return deepFreeze({
    meta: readMeta(doc),
    members: members.list(doc).sort(byName),
    statuses: orderedStatuses(doc),
    sprints: sprints.list(doc).sort(byStart),
    epics: epics.list(doc).sort(compareRank),
    cards: cards.list(doc).sort(compareRank),
    raid: raid.list(doc).sort((a, b) => a.raised.localeCompare(b.raised) || a.id.localeCompare(b.id)),
    workstreams: workstreams.list(doc).sort(compareRank),
    milestones: milestones.list(doc).sort(byStart),
    dependencies: dependencies.list(doc).sort((a, b) => a.id.localeCompare(b.id)),
    decisions: decisions.list(doc).sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id)),
    retros: retros.list(doc).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  });
}
