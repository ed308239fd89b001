/**
 * The timeline's guarded mutations on real Yjs documents, and what happens when two replicas edit
 * at once: concurrent dependencies that close a loop only after the merge, the repair every replica
 * agrees on, and concurrent moves of one milestone.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor, type Editor } from '../../../shared/doc/origin.ts';
import { createPlan } from '../../../shared/doc/plan.ts';
import { snapshot } from '../../../shared/doc/snapshot.ts';
import { dependencies, milestones } from '../../../shared/doc/timeline.ts';
import { addDependency, applyRepair, moveMilestone } from '../../../shared/doc/dependency-rules.ts';
import { buildGraph, findCycles, topologicalOrder } from '../../../shared/planning/graph.ts';
import { proposeRepair } from '../../../shared/planning/repair.ts';

const editor = (actor: string): Editor => createEditor(actor, 'user', () => 1_700_000_000_000);

function replica(clientID: number, from?: Y.Doc): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
  return doc;
}

/** Exchanges everything each replica has that the other lacks. */
function sync(a: Y.Doc, b: Y.Doc): void {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
}

/** A plan with items A (phase), B (phase), C (milestone) and R (release). */
function timelineDoc(clientID = 1): Y.Doc {
  const doc = replica(clientID);
  const ed = editor('alice');
  createPlan(doc, ed, { name: 'Helios' });
  milestones.add(doc, ed, { name: 'Racks', kind: 'phase', start: '2025-03-03', end: '2025-03-14' }, { id: 'A' });
  milestones.add(doc, ed, { name: 'Fabric', kind: 'phase', start: '2025-03-17', end: '2025-03-21' }, { id: 'B' });
  milestones.add(doc, ed, { name: 'Acceptance', kind: 'milestone', start: '2025-03-24', end: '2025-03-24' }, { id: 'C' });
  milestones.add(doc, ed, { name: 'GA', kind: 'release', start: '2025-03-31', end: '2025-03-31' }, { id: 'R' });
  return doc;
}

const graphOf = (doc: Y.Doc) => buildGraph(milestones.list(doc), dependencies.list(doc));

describe('addDependency', () => {
  it('adds a dependency that closes no loop', () => {
    const doc = timelineDoc();
    const r = addDependency(doc, editor('alice'), { from: 'A', to: 'B', lagDays: 2 }, 'dep-1');
    expect(r).toEqual({ ok: true, id: 'dep-1' });
    expect(dependencies.get(doc, 'dep-1')).toEqual({ id: 'dep-1', from: 'A', to: 'B', type: 'FS', lagDays: 2 });
  });

  it('refuses one that would close a loop, names the loop, and writes nothing', () => {
    const doc = timelineDoc();
    const ed = editor('alice');
    addDependency(doc, ed, { from: 'A', to: 'B' });
    addDependency(doc, ed, { from: 'B', to: 'C' });
    const before = Y.encodeStateVector(doc);
    const r = addDependency(doc, ed, { from: 'C', to: 'A' });
    expect(r).toEqual({
      ok: false,
      reason: 'Racks already leads to Acceptance, so this dependency would close a loop: Acceptance → Racks → Fabric → Acceptance',
      cycle: ['C', 'A', 'B', 'C']
    });
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('refuses self-dependencies, unknown items and impossible lags', () => {
    const doc = timelineDoc();
    const ed = editor('alice');
    expect(addDependency(doc, ed, { from: 'A', to: 'A' })).toMatchObject({ ok: false, cycle: ['A', 'A'] });
    expect(addDependency(doc, ed, { from: 'A', to: 'ghost' })).toMatchObject({ ok: false, cycle: null });
    expect(addDependency(doc, ed, { from: 'A', to: 'B', lagDays: 1.5 })).toMatchObject({ ok: false, cycle: null });
    expect(addDependency(doc, ed, { from: 'A', to: 'B', lagDays: 400 })).toMatchObject({ ok: false, cycle: null });
    expect(dependencies.list(doc)).toEqual([]);
  });
});

describe('moveMilestone', () => {
  it('writes both dates in one transaction with the editor origin', () => {
    const doc = timelineDoc();
    const ed = editor('bob');
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    expect(moveMilestone(doc, ed, 'B', { start: '2025-03-18', end: '2025-03-24' })).toEqual({ ok: true, pushed: [] });
    expect(origins).toEqual([ed.origin]);
    expect(milestones.get(doc, 'B')).toMatchObject({ start: '2025-03-18', end: '2025-03-24' });
  });

  it('refuses impossible dates', () => {
    const doc = timelineDoc();
    const ed = editor('bob');
    expect(moveMilestone(doc, ed, 'B', { start: '2025-02-30', end: '2025-03-02' }).ok).toBe(false);
    expect(moveMilestone(doc, ed, 'B', { start: '2025-03-20', end: '2025-03-19' }).ok).toBe(false);
    expect(moveMilestone(doc, ed, 'C', { start: '2025-03-20', end: '2025-03-21' }).ok).toBe(false);
    expect(moveMilestone(doc, ed, 'gone', { start: '2025-03-20', end: '2025-03-20' }).ok).toBe(false);
  });

  it('with push, moves the successors in the same transaction', () => {
    const doc = timelineDoc();
    const ed = editor('bob');
    addDependency(doc, ed, { from: 'A', to: 'B' });
    addDependency(doc, ed, { from: 'B', to: 'C' });
    addDependency(doc, ed, { from: 'C', to: 'R', lagDays: 7 });
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    // Racks ends a week later (21st, finishes 22nd): Fabric starts 22nd … ends 26th (finishes 27th),
    // Acceptance on the 27th, GA 7 days later on 3 April.
    const r = moveMilestone(doc, ed, 'A', { start: '2025-03-03', end: '2025-03-21' }, { push: true });
    expect(r).toEqual({
      ok: true,
      pushed: [
        { id: 'B', start: '2025-03-22', end: '2025-03-26', days: 5 },
        { id: 'C', start: '2025-03-27', end: '2025-03-27', days: 3 },
        { id: 'R', start: '2025-04-03', end: '2025-04-03', days: 3 }
      ]
    });
    expect(transactions).toBe(1);
    expect(milestones.get(doc, 'R')).toMatchObject({ start: '2025-04-03', end: '2025-04-03' });
  });
});

describe('two replicas', () => {
  it('concurrent A → B and B → A: both accepted, the merged loop is found and repaired identically', () => {
    const one = timelineDoc(1);
    const two = replica(2, one);
    expect(addDependency(one, editor('alice'), { from: 'A', to: 'B' }).ok).toBe(true);
    expect(addDependency(two, editor('bob'), { from: 'B', to: 'A' }).ok).toBe(true);
    sync(one, two);

    const cycles = findCycles(graphOf(one));
    expect(cycles).toEqual([{ members: ['A', 'B'], path: ['A', 'B', 'A'] }]);
    expect(findCycles(graphOf(two))).toEqual(cycles);

    const proposal = proposeRepair(milestones.list(one), dependencies.list(one));
    expect(proposal.remove).toHaveLength(1);
    expect(proposeRepair(milestones.list(two), dependencies.list(two))).toEqual(proposal);

    // Both replicas apply it at once, then meet again.
    expect(applyRepair(one, editor('alice'))).toEqual(proposal);
    expect(applyRepair(two, editor('bob'))).toEqual(proposal);
    sync(one, two);
    expect(topologicalOrder(graphOf(one)).ok).toBe(true);
    expect(topologicalOrder(graphOf(two)).ok).toBe(true);
    expect(snapshot(one)).toEqual(snapshot(two));
    expect(one.getMap('dependencies').toJSON()).toEqual(two.getMap('dependencies').toJSON());
    expect(dependencies.list(one)).toHaveLength(1);
    // The link that survived still guards against the removed one.
    const survivor = dependencies.list(one)[0];
    expect(addDependency(one, editor('alice'), { from: survivor.to, to: survivor.from }).ok).toBe(false);
  });

  it('concurrent moves of one milestone converge to one of the two positions, never a mix', () => {
    for (const [clientA, clientB] of [
      [1, 2],
      [2, 1]
    ]) {
      for (const [moveA, moveB] of [
        [{ start: '2025-03-10', end: '2025-03-20' }, { start: '2025-03-24', end: '2025-03-28' }],
        // B keeps the end: it is written anyway, so A's end cannot survive beside B's start.
        [{ start: '2025-03-01', end: '2025-03-31' }, { start: '2025-03-19', end: '2025-03-21' }]
      ]) {
        const a = timelineDoc(clientA);
        const b = replica(clientB, a);
        expect(moveMilestone(a, editor('alice'), 'B', moveA).ok).toBe(true);
        expect(moveMilestone(b, editor('bob'), 'B', moveB).ok).toBe(true);
        sync(a, b);
        const position = { start: milestones.get(a, 'B')!.start, end: milestones.get(a, 'B')!.end };
        expect(milestones.get(b, 'B')).toEqual(milestones.get(a, 'B'));
        expect([moveA, moveB]).toContainEqual(position);
        expect(snapshot(a)).toEqual(snapshot(b));
      }
    }
  });
});
