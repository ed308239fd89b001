/** The board's columns, ordered by rank. */
import { compareRank, rankBetween } from '../rank.ts';
import { PLAN_ROOT, type Status, type StatusCategory } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { int, oneOf, str } from './fields.ts';
import type { Editor } from './origin.ts';
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

// ---------------------------------------------------------------------------------------------
// Additions (board: the statuses admin). Each is one transaction with the editor's origin.

export const MAX_STATUS_NAME = 80;
export const MAX_WIP_LIMIT = 10_000;

const cleanName = (name: string) => name.replace(/\s+/g, ' ').trim().slice(0, MAX_STATUS_NAME);

/** Adds a column at the end (or at `index` in the ordered list). Null for an empty name. */
export function addStatus(
  doc: Y.Doc,
  editor: Editor,
  init: { name: string; category: StatusCategory; wipLimit?: number | null },
  index?: number
): string | null {
  const name = cleanName(init.name);
  const wipLimit = init.wipLimit ?? null;
  if (!name || (wipLimit !== null && !validLimit(wipLimit))) return null;
  const ordered = orderedStatuses(doc);
  const at = Math.max(0, Math.min(index ?? ordered.length, ordered.length));
  const rank = rankBetween(ordered[at - 1]?.rank ?? null, ordered[at]?.rank ?? null);
  return statuses.add(doc, editor, { name, category: init.category, wipLimit, rank });
}

export function renameStatus(doc: Y.Doc, editor: Editor, id: string, name: string): boolean {
  const clean = cleanName(name);
  return clean ? statuses.update(doc, editor, id, { name: clean }) : false;
}

export function setStatusCategory(doc: Y.Doc, editor: Editor, id: string, category: StatusCategory): boolean {
  return statuses.update(doc, editor, id, { category });
}

const validLimit = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_WIP_LIMIT;

/** Sets a column's WIP limit (a whole number from 1), or clears it with null. */
export function setWipLimit(doc: Y.Doc, editor: Editor, id: string, limit: number | null): boolean {
  if (limit !== null && !validLimit(limit)) return false;
  return statuses.update(doc, editor, id, { wipLimit: limit });
}

/** Moves a column to `index` of the ordered columns by giving it a rank between its new neighbours. */
export function moveStatus(doc: Y.Doc, editor: Editor, id: string, index: number): boolean {
  if (!statuses.item(doc, id)) return false;
  const others = orderedStatuses(doc).filter((s) => s.id !== id);
  const at = Math.max(0, Math.min(index, others.length));
  const rank = rankBetween(others[at - 1]?.rank ?? null, others[at]?.rank ?? null);
  return statuses.update(doc, editor, id, { rank });
}
