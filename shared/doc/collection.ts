/**
 * The generic part of every typed accessor: a collection is a top-level `Y.Map<id, Y.Map>` whose
 * items are decoded into plain records by a validating decoder. Entity modules (cards, members,
 * raid, …) define their decoder and any special mutations; this module owns the Yjs plumbing so it
 * exists once.
 */
import * as Y from 'yjs';
import { newId } from '../ids.ts';
import type { Editor } from './origin.ts';
import type { AnyShared } from './y-types.ts';

export type ItemMap = Y.Map<unknown>;

/** Plain fields an entity may set; nested Yjs types are created by the entity's own `add`. */
export type Patch<T> = Partial<Omit<T, 'id'>>;

export type Collection<T extends { id: string }, W = Patch<T>> = {
  readonly rootName: string;
  root(doc: Y.Doc): Y.Map<unknown>;
  item(doc: Y.Doc, id: string): ItemMap | null;
  get(doc: Y.Doc, id: string): T | null;
  list(doc: Y.Doc): T[];
  /** Adds an item with plain fields (and nested types from `nested`) in one transaction. */
  add(doc: Y.Doc, editor: Editor, fields: W, options?: { id?: string; nested?: () => Record<string, AnyShared> }): string;
  /** Sets the fields that differ; false when the item does not exist (e.g. deleted by a peer). */
  update(doc: Y.Doc, editor: Editor, id: string, patch: W): boolean;
  remove(doc: Y.Doc, editor: Editor, id: string): boolean;
};

export function asItem(value: unknown): ItemMap | null {
  return value instanceof Y.Map ? (value as ItemMap) : null;
}

/** JSON-ish equality for plain field values, so unchanged fields are not rewritten. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Writes the changed fields of `patch` into `item`; must run inside a transaction. */
export function writeFields(item: ItemMap, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    // Yjs keeps the value object itself: store a copy, or a caller mutating its array later would
    // change this replica without an update and replicas would diverge.
    if (!same(item.get(key), value)) item.set(key, typeof value === 'object' && value !== null ? structuredClone(value) : value);
  }
}

export function defineCollection<T extends { id: string }, W extends object = Patch<T>>(
  rootName: string,
  decode: (id: string, item: ItemMap) => T | null
): Collection<T, W> {
  const root = (doc: Y.Doc) => doc.getMap<unknown>(rootName);
  const item = (doc: Y.Doc, id: string) => asItem(root(doc).get(id));
  return {
    rootName,
    root,
    item,
    get(doc, id) {
      const m = item(doc, id);
      return m ? decode(id, m) : null;
    },
    list(doc) {
      const out: T[] = [];
      root(doc).forEach((value, id) => {
        const m = asItem(value);
        const decoded = m && decode(id, m);
        if (decoded) out.push(decoded);
      });
      return out;
    },
    add(doc, editor, fields, options = {}) {
      const id = options.id ?? newId();
      doc.transact(() => {
        const m: ItemMap = new Y.Map();
        root(doc).set(id, m);
        writeFields(m, fields as Record<string, unknown>);
        for (const [key, type] of Object.entries(options.nested?.() ?? {})) m.set(key, type);
      }, editor.origin);
      return id;
    },
    update(doc, editor, id, patch) {
      const m = item(doc, id);
      if (!m) return false;
      doc.transact(() => writeFields(m, patch as Record<string, unknown>), editor.origin);
      return true;
    },
    remove(doc, editor, id) {
      if (!root(doc).has(id)) return false;
      doc.transact(() => root(doc).delete(id), editor.origin);
      return true;
    }
  };
}

/** Reads a nested Y.Array of plain records (an append-only log) through a validating reader. */
export function readLog<T>(item: ItemMap, key: string, read: (entry: Record<string, unknown>) => T | null): T[] {
  const log = item.get(key);
  if (!(log instanceof Y.Array)) return [];
  const out: T[] = [];
  for (const entry of log.toArray()) {
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
      const value = read(entry as Record<string, unknown>);
      if (value) out.push(value);
    }
  }
  return out;
}

/** Appends to a nested log, creating it if a peer's garbage replaced it. Inside a transaction. */
export function appendLog(item: ItemMap, key: string, entry: object): void {
  let log = item.get(key);
  if (!(log instanceof Y.Array)) {
    log = new Y.Array();
    item.set(key, log);
  }
  (log as Y.Array<object>).push([structuredClone(entry)]);
}

/** Plain text of a rich-text XmlText (as Lexical writes it): text runs, one line per block. */
export function plainText(value: unknown, maxLength = 20_000): string {
  if (!(value instanceof Y.XmlText)) return '';
  const parts: string[] = [];
  const walk = (text: Y.XmlText) => {
    for (const op of text.toDelta() as { insert: unknown }[]) {
      if (typeof op.insert === 'string') parts.push(op.insert);
      else if (op.insert instanceof Y.XmlText) {
        if (parts.length && !parts[parts.length - 1].endsWith('\n')) parts.push('\n');
        walk(op.insert);
      }
    }
  };
  walk(value);
  return parts.join('').trim().slice(0, maxLength);
}
