/** The board's columns, ordered by rank. */
import { compareRank } from '../rank.ts';
import { PLAN_ROOT, type Status } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { int, oneOf, str } from './fields.ts';
import type * as Y from 'yjs';

export const statuses = defineCollection<Status>(PLAN_ROOT.statuses, (id, m) => {
  const limit = m.get('wipLimit');
  return {
    id,
    name: str(m.get('name'), id).slice(0, 80),
    category: oneOf(m.get('category'), ['todo', 'doing', 'done'] as const, 'todo'),
    rank: str(m.get('rank'), 'i'),
    // Garbage reads as "no limit", never as a limit of 0 that would flag every column.
    wipLimit: typeof limit === 'number' && Number.isFinite(limit) ? int(limit, 0, 0, 10_000) : null
  };
});

export function orderedStatuses(doc: Y.Doc): Status[] {
  return statuses.list(doc).sort(compareRank);
}
