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
import { runToEnd, SCAN_CHUNK, type ID, type ScannedStruct, type ScannedUpdate } from './update-scan.ts';

/** What the policy reads of an update: its structs, grouped per client in clock order, and its delete set. */
export type PolicyInput = Pick<ScannedUpdate, 'structs' | 'ds'>;

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

/**
 * The update's structs of each client, found by binary search. The scanner lists a client's
 * structs contiguously and in clock order, so the index is one span per client over that list.
 */
class StructIndex {
  private readonly spans = new Map<number, [number, number]>();

  constructor(private readonly structs: readonly ScannedStruct[]) {
    let i = 0;
    while (i < structs.length) {
      const client = structs[i].id.client;
      let j = i + 1;
      while (j < structs.length && structs[j].id.client === client) j++;
      this.spans.set(client, [i, j - 1]);
      i = j;
    }
  }

  find(id: ID): ScannedStruct | null {
    const span = this.spans.get(id.client);
    if (!span) return null;
    let [lo, hi] = span;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.structs[mid];
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s.kind === 'skip' ? null : s;
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
export function rootsTouched(doc: Y.Doc, update: PolicyInput): Set<string> {
  return runToEnd(rootsTouchedSteps(doc, update));
}

/**
 * `rootsTouched`, yielding every SCAN_CHUNK structs so a large update is checked across turns. The
 * document's state for a client is read once, at the first struct of that client: later changes
 * (the server's own writes meanwhile) cannot be in an update that was composed before them.
 */
export function* rootsTouchedSteps(doc: Y.Doc, update: PolicyInput): Generator<void, Set<string>> {
  const structs = update.structs;
  const index = new StructIndex(structs);
  const stateOf = new Map<number, number>();
  const docState = (client: number) => {
    let s = stateOf.get(client);
    if (s === undefined) stateOf.set(client, (s = doc.store.clients.has(client) ? Y.getState(doc.store, client) : 0));
    return s;
  };
  const memo = new Map<ScannedStruct, string>();

  /** What one struct of the update points at: a root, GONE/UNKNOWN, or the next struct to follow. */
  const step = (s: ScannedStruct): string | ScannedStruct => {
    if (s.kind !== 'item') return GONE;
    const next = typeof s.parent === 'string' ? s.parent : (s.parent ?? s.origin ?? s.rightOrigin ?? null);
    if (next === null) return UNKNOWN;
    if (typeof next === 'string') return next;
    return index.find(next) ?? rootOfDocItem(doc, next);
  };

  const rootOf = (start: ScannedStruct): string => {
    const path: ScannedStruct[] = [];
    let at: ScannedStruct = start;
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
  for (let i = 0; i < structs.length; i++) {
    const s = structs[i];
    if (i % SCAN_CHUNK === SCAN_CHUNK - 1) yield;
    if (s.kind === 'skip') continue;
    // Entirely known already: Yjs skips it, so it writes nothing.
    if (s.id.clock + s.length <= docState(s.id.client)) continue;
    roots.add(rootOf(s));
  }

  let steps = 0;
  for (const [client, ranges] of update.ds.clients) {
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
        if (steps % SCAN_CHUNK === 0) yield;
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

/** The first forbidden root among the roots an update touches, or null when the write is allowed. */
export function refusedAmong(roots: Set<string>, forbidden: Set<string>): string | null {
  for (const root of roots) if (root !== GONE && (root === UNKNOWN || forbidden.has(root))) return root;
  return null;
}

/** The first forbidden root an update touches, or null when the write is allowed. */
export function refusedRoot(doc: Y.Doc, forbidden: Set<string>, update: PolicyInput): string | null {
  return refusedAmong(rootsTouched(doc, update), forbidden);
}
