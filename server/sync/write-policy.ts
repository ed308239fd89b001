/**
 * Which top-level types of a document an update touches, so the server can refuse writes a role
 * may not make (a participant changing the retro phase, anyone but the server writing poker votes).
 * Hiding a control in the UI is not enough: a modified client can send any update.
 *
 * An update's items name their parent either directly (a root type's name, or the id of the item
 * holding a nested type) or implicitly through their left/right origin, which has the same parent.
 * Ids are resolved against the update itself and then the resident document; deletions are
 * resolved against the document. Anything that cannot be resolved is reported as unknown, and an
 * update with unknown parts is refused wherever a restriction applies.
 */
import * as Y from 'yjs';
import type { Role } from '../../shared/protocol.ts';
import { ROOT_WRITERS, type Writer } from '../../shared/schema.ts';

type ID = { client: number; clock: number };
type DecodedItem = { id: ID; length: number; parent: string | ID | null; origin: ID | null; rightOrigin: ID | null };

const UNKNOWN = '?';
/**
 * Content that was collected with its deleted parent: an edit there (a card edited offline while a
 * peer deleted it) changes nothing visible, so it is allowed wherever it was.
 */
const GONE = '-';
const RANK: Record<Writer, number> = { viewer: 0, editor: 1, facilitator: 2, admin: 3, server: 4 };

/** The restricted roots of a room kind that `role` may not write, or null when nothing is. */
export function forbiddenRoots(kind: string, role: Role): Set<string> | null {
  const table = ROOT_WRITERS[kind];
  if (!table) return null;
  const out = new Set<string>();
  for (const [root, writer] of Object.entries(table)) if (RANK[role] < RANK[writer]) out.add(root);
  return out.size ? out : null;
}

function rootOfDocItem(doc: Y.Doc, id: ID): string {
  const state = doc.store.clients.get(id.client);
  if (!state || id.clock >= Y.getState(doc.store, id.client)) return UNKNOWN;
  const item = Y.getItem(doc.store, id as Y.ID) as unknown as { parent?: unknown } | null;
  if (item && !('parent' in item)) return GONE;
  let type = item && (item.parent as Y.AbstractType<unknown> | null | undefined);
  for (let depth = 0; type && depth < 10_000; depth++) {
    if (!type._item) return type.doc === doc ? Y.findRootTypeKey(type) : UNKNOWN;
    type = type._item.parent as Y.AbstractType<unknown> | null;
  }
  return UNKNOWN;
}

/** Top-level type names an update touches ('?' for parts that cannot be resolved). */
export function rootsTouched(doc: Y.Doc, decoded: { structs: unknown[]; ds: { clients: Map<number, { clock: number; len: number }[]> } }): Set<string> {
  const items = (decoded.structs as DecodedItem[]).filter((s) => 'parent' in s);
  const byClient = new Map<number, DecodedItem[]>();
  for (const it of items) {
    let list = byClient.get(it.id.client);
    if (!list) byClient.set(it.id.client, (list = []));
    list.push(it);
  }
  const memo = new Map<DecodedItem, string>();
  const inUpdate = (id: ID) => byClient.get(id.client)?.find((s) => id.clock >= s.id.clock && id.clock < s.id.clock + s.length) ?? null;
  const resolve = (id: ID, depth: number): string => {
    const own = inUpdate(id);
    return own ? rootOf(own, depth + 1) : rootOfDocItem(doc, id);
  };
  const rootOf = (it: DecodedItem, depth: number): string => {
    const known = memo.get(it);
    if (known) return known;
    let root = UNKNOWN;
    if (depth < 1_000) {
      if (typeof it.parent === 'string') root = it.parent;
      else if (it.parent) root = resolve(it.parent, depth);
      else if (it.origin) root = resolve(it.origin, depth);
      else if (it.rightOrigin) root = resolve(it.rightOrigin, depth);
    }
    memo.set(it, root);
    return root;
  };
  const roots = new Set<string>();
  for (const it of items) roots.add(rootOf(it, 0));
  for (const [client, ranges] of decoded.ds.clients) {
    for (const { clock, len } of ranges) {
      // Walk the deleted range item by item; a range can span many items.
      for (let c = clock, steps = 0; c < clock + len && steps < 100_000; steps++) {
        const own = inUpdate({ client, clock: c });
        if (own) {
          roots.add(rootOf(own, 0));
          c = own.id.clock + own.length;
          continue;
        }
        if (!doc.store.clients.has(client) || c >= Y.getState(doc.store, client)) {
          roots.add(UNKNOWN);
          break;
        }
        // Deleting what the document has already deleted (or garbage-collected) changes nothing. A
        // stock client's sync step 2 carries its whole delete set, so every reconnect repeats the
        // deletions of the past: the server's own overwrites in a restricted root, deleted cards.
        const item = Y.getItem(doc.store, Y.createID(client, c)) as unknown as { id: ID; length: number; deleted: boolean };
        if (!item.deleted) {
          const root = rootOfDocItem(doc, { client, clock: c });
          roots.add(root);
          if (root === UNKNOWN) break;
        }
        c = item.id.clock + item.length;
      }
    }
  }
  return roots;
}

/** The first forbidden root an update touches, or null when the write is allowed. */
export function refusedRoot(doc: Y.Doc, forbidden: Set<string>, decoded: Parameters<typeof rootsTouched>[1]): string | null {
  for (const root of rootsTouched(doc, decoded)) if (root !== GONE && (root === UNKNOWN || forbidden.has(root))) return root;
  return null;
}
