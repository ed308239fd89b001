/**
 * The timeline's guarded mutations. A dependency that would close a loop is refused here, on the
 * replica where it is made, with the loop it would have closed. This cannot stop two replicas from
 * closing a loop between them (A → B here, B → A there, at the same time): each sees a valid graph.
 * That case is found after the merge and fixed by the same proposal on every replica
 * (planning/repair.ts, applied with applyRepair).
 */
import type * as Y from 'yjs';
import type { Dependency } from '../schema.ts';
import { buildGraph, wouldCreateCycle } from '../planning/graph.ts';
import { proposeRepair, type RepairProposal } from '../planning/repair.ts';
import { pushes, type Push } from '../planning/schedule.ts';
import type { Calendar } from '../planning/dates.ts';
import { isoDate } from './fields.ts';
import type { Editor } from './origin.ts';
import { dependencies, milestones } from './timeline.ts';

export type NewDependency = { from: string; to: string; lagDays?: number };

export type Refusal = { ok: false; reason: string; cycle: string[] | null };
export type AddDependencyResult = { ok: true; id: string } | Refusal;

const MAX_LAG = 365;

/**
 * Adds the dependency "`to` starts after `from` finishes, plus lagDays", unless it would close a
 * loop on this replica's current document: then nothing is written and the refusal carries the
 * loop (ids, from `from` back to `from`) and a sentence naming the items. Also refused: an item
 * that does not exist, and a lag that is not a whole number of days within ±365.
 */
export function addDependency(doc: Y.Doc, editor: Editor, init: NewDependency, id?: string): AddDependencyResult {
  const { from, to, lagDays = 0 } = init;
  if (!Number.isInteger(lagDays) || Math.abs(lagDays) > MAX_LAG) {
    return { ok: false, reason: `The lag must be a whole number of days from -${MAX_LAG} to ${MAX_LAG}.`, cycle: null };
  }
  const items = milestones.list(doc);
  const names = new Map(items.map((m) => [m.id, m.name]));
  const missing = [from, to].find((end) => !names.has(end));
  if (missing !== undefined) return { ok: false, reason: `There is no timeline item ${missing}.`, cycle: null };
  const loop = wouldCreateCycle(buildGraph(items, dependencies.list(doc)), from, to, (v) => names.get(v) ?? v);
  if (loop) return { ok: false, reason: loop.message, cycle: loop.path };
  return { ok: true, id: dependencies.add(doc, editor, { from, to, type: 'FS', lagDays } satisfies Omit<Dependency, 'id'>, { id }) };
}

export type MoveOptions = {
  /** Also move the successors that must move (see planning/schedule.ts pushes), in the same transaction. */
  push?: boolean;
  /** With push: successors held tight by the moved item follow it earlier too. */
  pull?: boolean;
  /** Weekdays lags count, for push. */
  calendar?: Calendar;
};

export type MoveResult = { ok: true; pushed: Push[] } | { ok: false; reason: string };

/**
 * Moves a timeline item to new dates in one transaction. Both dates are written even when one is
 * unchanged: start and end are two last-writer-wins fields, and writing both means that of two
 * concurrent moves one wins whole, never a start from one and an end from the other. Refused: an
 * unknown item, dates that are not real ISO dates, an end before the start, and a milestone whose
 * start and end differ (a milestone is one moment). With `push`, successors that must move
 * are moved in the same transaction; that is refused while dependencies form a loop.
 */
export function moveMilestone(doc: Y.Doc, editor: Editor, id: string, dates: { start: string; end: string }, options: MoveOptions = {}): MoveResult {
  const item = milestones.get(doc, id);
  if (!item) return { ok: false, reason: 'This item no longer exists.' };
  const { start, end } = dates;
  if (!isoDate(start) || !isoDate(end)) return { ok: false, reason: 'Dates must be real dates, YYYY-MM-DD.' };
  if (end < start) return { ok: false, reason: 'The end cannot be before the start.' };
  if (item.kind === 'milestone' && start !== end) return { ok: false, reason: 'A milestone is one moment: its start and end are the same date.' };
  let pushed: Push[] = [];
  if (options.push) {
    const result = pushes(milestones.list(doc), dependencies.list(doc), { id, start, end }, options);
    if (!result.ok) return { ok: false, reason: 'Dependencies form a loop; repair it before moving with its successors.' };
    pushed = result.pushes;
  }
  doc.transact(() => {
    for (const move of [{ id, start, end }, ...pushed]) {
      const m = milestones.item(doc, move.id)!;
      m.set('start', move.start);
      m.set('end', move.end);
    }
  }, editor.origin);
  return { ok: true, pushed };
}

/**
 * Proposes the repair of every dependency loop (planning/repair.ts) and removes the proposed
 * dependencies in one transaction. Every replica proposes the same removals, so replicas that
 * repair at the same time converge. Returns the proposal (empty when there was no loop).
 */
export function applyRepair(doc: Y.Doc, editor: Editor): RepairProposal {
  const proposal = proposeRepair(milestones.list(doc), dependencies.list(doc));
  if (proposal.remove.length) doc.transact(() => proposal.remove.forEach((dep) => dependencies.root(doc).delete(dep)), editor.origin);
  return proposal;
}
