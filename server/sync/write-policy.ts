/**
 * Which top-level types of a document an update touches, so the server can refuse writes a role
 * may not make (a participant changing the retro phase, anyone but the server writing poker votes).
 * Hiding a control in the UI is not enough: a modified client can send any update.
 *
 * An update's items name their parent either directly (a root type's name, or the id of the item
 * holding a nested type) or implicitly through their left/right origin, which has the same parent.
 * Ids are resolved against the update itself and then the resident document; deletions are
 * resolved against the document.
 *
 * Three rules keep an honest client from ever being refused:
 * - **Duplicates are not writes.** A struct the document already has (its clock range lies below
 *   the document's state for that client) changes nothing when applied: Yjs skips it. A returning
 *   client whose offline store re-sends what it once received from the server (the server's own
 *   poker votes, say) has written nothing.
 * - **Collected content is not a write.** Content deleted and garbage-collected before it was
 *   sent arrives as GC structs without a parent; Yjs stores them as nothing. Items whose parent or
 *   origin is such a struct are collected on arrival too, and a deletion of such a range deletes
 *   nothing. All of that is allowed wherever the writer may write (a card created and deleted
 *   offline).
 * - **Deleting the deleted is not a write.** A stock client's sync step 2 carries its whole delete
 *   set, so every reconnect repeats the deletions of the past.
 * Anything else that cannot be resolved is reported as unknown, and an update with unknown parts
 * is refused wherever a restriction applies.
 *
 * Cost is linear in the update: structs are indexed per client once (binary search by clock), and
 * each struct's root is resolved once, iteratively (no recursion depth to exhaust), memoised.
 */
import * as Y from 'yjs';
import type { Role } from '../../shared/protocol.ts';
import { ROOT_WRITERS, type Writer } from '../../shared/schema.ts';

type ID = { client: number; clock: number };
/** The shape of what `Y.decodeUpdate` returns: Items carry `parent`; GC and Skip structs do not. */
type DecodedStruct = { id: ID; length: number; parent?: string | ID | null; origin?: ID | null; rightOrigin?: ID | null };
export type DecodedUpdate = { structs: unknown[]; ds: { clients: Map<number, { clock: number; len: number }[]> } };

export const UNKNOWN = '?';
/** Content that is (or will be on arrival) collected: changes nothing visible, allowed anywhere. */
export const GONE = '-';
const RANK: Record<Writer, number> = { viewer: 0, editor: 1, facilitator: 2, admin: 3, server: 4 };
/** Bounds the walk over a delete set; past it the rest counts as unknown (refused, never allowed). */
const MAX_DELETE_STEPS = 2_000_000;

/** The restricted roots of a room kind that `role` may not write, or null when nothing is. */
export function forbiddenRoots(kind: string, role: Role): Set<string> | null {
  const table = ROOT_WRITERS[kind];
  if (!table) return null;
  const out = new Set<string>();
  for (const [root, writer] of Object.entries(table)) if (RANK[role] < RANK[writer]) out.add(root);
  return out.size ? out : null;
}

const isItem = (s: DecodedStruct) => s instanceof Y.Item;
const isSkip = (s: DecodedStruct) => s instanceof Y.Skip;

/** The update's structs of each client, in clock order, found by binary search. */
class StructIndex {
  private readonly byClient = new Map<number, DecodedStruct[]>();

  constructor(structs: readonly DecodedStruct[]) {
    for (const s of structs) {
      if (isSkip(s)) continue;
      let list = this.byClient.get(s.id.client);
      if (!list) this.byClient.set(s.id.client, (list = []));
      list.push(s);
    }
    // decodeUpdate yields each client's structs in clock order already; sorting a sorted list is
    // linear, and it keeps the binary search honest for any update.
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  }

  find(id: ID): DecodedStruct | null {
    const list = this.byClient.get(id.client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = list[mid];
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return null;
  }
}

/** The root of an item the document already has; GONE when it was collected. */
function rootOfDocItem(doc: Y.Doc, id: ID): string {
  if (!doc.store.clients.has(id.client) || id.clock >= Y.getState(doc.store, id.client)) return UNKNOWN;
  const item = Y.getItem(doc.store, id as Y.ID) as unknown as { parent?: unknown } | null;
  if (!item || !('parent' in item)) return GONE;
  let type = item.parent as Y.AbstractType<unknown> | null | undefined;
  // A collected ancestor leaves its children without a parent: they are gone as well.
  if (!type) return GONE;
  for (let depth = 0; depth < 10_000; depth++) {
    if (!type._item) return type.doc === doc ? Y.findRootTypeKey(type) : UNKNOWN;
    type = type._item.parent as Y.AbstractType<unknown> | null;
    if (!type) return GONE;
  }
  return UNKNOWN;
}

/** Top-level type names an update touches (UNKNOWN for parts that cannot be resolved, GONE for collected parts). */
export function rootsTouched(doc: Y.Doc, decoded: DecodedUpdate): Set<string> {
  const structs = decoded.structs as DecodedStruct[];
  const index = new StructIndex(structs);
  const stateOf = new Map<number, number>();
  const docState = (client: number) => {
    let s = stateOf.get(client);
    if (s === undefined) stateOf.set(client, (s = doc.store.clients.has(client) ? Y.getState(doc.store, client) : 0));
    return s;
  };
  const memo = new Map<DecodedStruct, string>();

  /** What one struct of the update points at: a root, GONE/UNKNOWN, or the next struct to follow. */
  const step = (s: DecodedStruct): string | DecodedStruct => {
    if (!isItem(s)) return GONE;
    const next = typeof s.parent === 'string' ? s.parent : (s.parent ?? s.origin ?? s.rightOrigin ?? null);
    if (next === null) return UNKNOWN;
    if (typeof next === 'string') return next;
    return index.find(next) ?? rootOfDocItem(doc, next);
  };

  const rootOf = (start: DecodedStruct): string => {
    const path: DecodedStruct[] = [];
    let at: DecodedStruct = start;
    let root: string;
    for (;;) {
      const known = memo.get(at);
      if (known !== undefined) {
        root = known;
        break;
      }
      path.push(at);
      const next = step(at);
      if (typeof next === 'string') {
        root = next;
        break;
      }
      // A cycle of origins can only come from a crafted update.
      if (path.length > structs.length) {
        root = UNKNOWN;
        break;
      }
      at = next;
    }
    for (const s of path) memo.set(s, root);
    return root;
  };

  const roots = new Set<string>();
  for (const s of structs) {
    if (isSkip(s)) continue;
    // Entirely known already: Yjs skips it, so it writes nothing.
    if (s.id.clock + s.length <= docState(s.id.client)) continue;
    roots.add(rootOf(s));
  }

  let steps = 0;
  for (const [client, ranges] of decoded.ds.clients) {
    const known = docState(client);
    for (const { clock, len } of ranges) {
      const end = clock + len;
      let c = clock;
      // The part the document has: deleting what is deleted already changes nothing.
      while (c < Math.min(end, known)) {
        if (++steps > MAX_DELETE_STEPS) {
          roots.add(UNKNOWN);
          return roots;
        }
        const item = Y.getItem(doc.store, Y.createID(client, c)) as unknown as { id: ID; length: number; deleted: boolean };
        if (!item.deleted) roots.add(rootOfDocItem(doc, { client, clock: c }));
        c = item.id.clock + item.length;
      }
      // The part beyond the document: structs of this same update (checked above as structs; a
      // collected one deletes nothing), else something nobody has.
      while (c < end) {
        if (++steps > MAX_DELETE_STEPS) {
          roots.add(UNKNOWN);
          return roots;
        }
        const own = index.find({ client, clock: c });
        if (!own) {
          // A client the document has never seen, deleting its own items that are still on their
          // way (a page that edited before its socket opened: the sync step 2 right after carries
          // them). Yjs keeps such a deletion pending; it can only ever hit that client's items.
          // Anything else (the server's own client, a known client's future clocks) could
          // pre-delete what the server writes later in a restricted root: unknown.
          roots.add(known === 0 && client !== doc.clientID ? GONE : UNKNOWN);
          break;
        }
        c = own.id.clock + own.length;
      }
    }
  }
  return roots;
}

/** The first forbidden root an update touches, or null when the write is allowed. */
export function refusedRoot(doc: Y.Doc, forbidden: Set<string>, decoded: DecodedUpdate): string | null {
  for (const root of rootsTouched(doc, decoded)) if (root !== GONE && (root === UNKNOWN || forbidden.has(root))) return root;
  return null;
}
