/**
 * The per-update steps of the server's receive path, timed in-process on one big import, so their
 * growth with the update's size shows (a step that is linear takes ~5x as long for 5,000 cards as
 * for 1,000; a quadratic one ~25x):
 *
 *   validate  scanUpdate of the update (server/sync/update-scan.ts: the server's one check of a
 *             client's bytes, refusing all Yjs could not read or would stop on half-way)
 *   policy    the write-permission check (server/sync/write-policy.ts rootsTouched) of an editor
 *             in a plan room, against the resident document
 *   apply     the update applied to the resident document in the slices the server uses for a
 *             large update (sliceUpdate, LIMITS.applySliceStructs), summed; the server applies once
 *   encode    Y.encodeStateAsUpdate of the document afterwards (what a joining client is sent)
 *
 * Validate and policy run in steps of SCAN_CHUNK structs and apply in slices, each a turn of the
 * event loop of its own on the server: the sums here are work, not a stall (the live phase of
 * update-budget.ts measures the stall as other rooms' fan-out latency).
 *
 * Also the import update itself (`importUpdate`): N cards added to an existing plan in ONE
 * transaction through the typed accessors (shared/doc/cards.ts), as an import by an editor does.
 *
 * Run as a child (`node --import tsx update-steps.ts`): it receives `{ sizes, repeats }` over IPC
 * and reports every step as soon as it is timed, so a parent can stop a step that never ends (the
 * quadratic policy check took 40 s for 5,000 cards) and still have the rest.
 */
import * as Y from 'yjs';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { initialRanks } from '../../shared/rank.ts';
import { DEFAULT_STATUSES } from '../../shared/schema.ts';
import { forbiddenRoots, refusedAmong, rootsTouched } from '../../server/sync/write-policy.ts';
import { scanUpdate, sliceUpdate } from '../../server/sync/update-scan.ts';
import { LIMITS } from '../../shared/protocol.ts';

export const STEPS = ['validate', 'policy', 'apply', 'encode'] as const;
export type Step = (typeof STEPS)[number];

/** A plan document as the server creates it (createPlanRoom): meta and the default columns. */
export function serverPlan(name = 'Budget plan'): Y.Doc {
  const doc = new Y.Doc();
  createPlan(doc, createEditor('bench', 'server'), { name });
  return doc;
}

/**
 * The update an editor's client sends when it adds `count` cards in one transaction to a replica
 * of `base` (a plan's encoded state). Card contents look like a CSV import: titles, statuses,
 * ranks, points, assignees, labels.
 */
export function importUpdate(base: Uint8Array, count: number, actor = 'importer'): Uint8Array {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, base);
    const editor = createEditor(actor);
    const ranks = initialRanks(count);
    const people = ['ana', 'bo', 'chen', 'dara', 'eli', 'femi', 'gus', 'hana'];
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (update = u));
    doc.transact(() => {
      for (let i = 0; i < count; i++) {
        addCard(doc, editor, {
          title: `Imported ${i}: migrate the ${i % 5 === 0 ? 'billing' : 'reporting'} job number ${i}`,
          status: DEFAULT_STATUSES[i % DEFAULT_STATUSES.length].id,
          rank: ranks[i],
          points: i % 4 === 0 ? null : (i % 8) + 1,
          assignee: people[i % people.length],
          labels: i % 3 === 0 ? ['import'] : ['import', 'ops']
        });
      }
    }, editor.origin);
    if (!update) throw new Error('the import produced no update');
    return update;
  } finally {
    doc.destroy();
  }
}

const time = <T>(fn: () => T): { ms: number; value: T } => {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
};

/** Times the four steps once for one import of `count` cards into a fresh server plan. */
export function timeSteps(count: number, onStep: (step: Step, ms: number) => void): { updateBytes: number } {
  const resident = serverPlan();
  try {
    const base = Y.encodeStateAsUpdate(resident);
    const update = importUpdate(base, count);
    const scanned = time(() => scanUpdate(update));
    onStep('validate', scanned.ms);
    const forbidden = forbiddenRoots('plan', 'editor');
    if (!forbidden) throw new Error('a plan room has no restricted root for editors: the policy check would not run');
    const policy = time(() => refusedAmong(rootsTouched(resident, scanned.value), forbidden));
    if (policy.value !== null) throw new Error(`the write policy refused the import (root ${policy.value})`);
    onStep('policy', policy.ms);
    // Like the room: the resident document listens for updates (to queue them for the store).
    resident.on('update', () => undefined);
    const slices = sliceUpdate(scanned.value, LIMITS.applySliceStructs);
    onStep('apply', time(() => slices.forEach((s) => Y.applyUpdate(resident, s))).ms);
    onStep('encode', time(() => Y.encodeStateAsUpdate(resident)).ms);
    return { updateBytes: update.length };
  } finally {
    resident.destroy();
  }
}

type Request = { sizes: number[]; repeats: number };
export type StepMessage =
  | { type: 'step'; cards: number; step: Step; ms: number; repeat: number }
  | { type: 'size-done'; cards: number; updateBytes: number }
  | { type: 'all-done' }
  | { type: 'error'; message: string };

if (process.send && process.argv[1] === import.meta.filename) {
  process.on('message', (req: Request) => {
    try {
      timeSteps(200, () => undefined); // warm-up: JIT the code paths before anything is timed
      for (const cards of req.sizes) {
        let updateBytes = 0;
        for (let repeat = 0; repeat < req.repeats; repeat++) {
          updateBytes = timeSteps(cards, (step, ms) => process.send!({ type: 'step', cards, step, ms, repeat } satisfies StepMessage)).updateBytes;
        }
        process.send!({ type: 'size-done', cards, updateBytes } satisfies StepMessage);
      }
      process.send!({ type: 'all-done' } satisfies StepMessage);
    } catch (err) {
      process.send!({ type: 'error', message: String((err as Error).stack ?? err) } satisfies StepMessage);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready' });
}
