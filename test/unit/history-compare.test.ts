/**
 * Comparing two moments (shared/history/compare.ts): a plan edited through the typed accessors on a
 * controlled clock, snapshotted at two moments, and the changes between them with who and when.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards, estimateCard, moveCard } from '../../shared/doc/cards.ts';
import { addDecision, updateDecision } from '../../shared/doc/decisions.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { createRaidItem, raidHistories, rescoreRaidItem, type RaidFields } from '../../shared/doc/raid.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { addSprint } from '../../shared/doc/sprints.ts';
import { milestones, removeMilestone } from '../../shared/doc/timeline.ts';
import { comparePlans, countChanges } from '../../shared/history/compare.ts';

const T0 = 1_700_000_000_000;
let clock = T0;
const as = (actor: string): Editor => createEditor(actor, 'user', () => clock);

function plan(): Y.Doc {
  const doc = new Y.Doc();
  createPlan(doc, createEditor('server', 'server', () => T0), { name: 'Helios' });
  return doc;
}

const risk: RaidFields = { kind: 'risk', title: 'GPU deliveries slip', owner: null, status: 'open', raised: '2025-01-06', review: null, due: null, likelihood: 3, impact: 3, residualLikelihood: null, residualImpact: null, links: [] };
const milestone = { name: 'Beta', kind: 'milestone', workstream: null, start: '2025-03-01', end: '2025-03-01', baselineStart: null, baselineEnd: null, stage: 'build', owner: null } as const;

describe('comparePlans', () => {
  it('finds cards added, removed, moved between columns and sprints, and re-estimated, with who and when', () => {
    clock = T0;
    const doc = plan();
    const ann = as('ann');
    const bob = as('bob');
    const sprint = addSprint(doc, ann, { name: 'Sprint 1', goal: '', start: '2025-01-06', end: '2025-01-17' });
    if (!sprint.ok) throw new Error('sprint');
    const kept = addCard(doc, ann, { title: 'Kept', status: 'todo', rank: 'a0', points: 3 });
    const gone = addCard(doc, ann, { title: 'Gone', status: 'todo', rank: 'a1' });
    const before = snapshot(doc);
    const from = clock;

    clock += 60_000;
    moveCard(doc, bob, kept, { status: 'doing', sprint: sprint.id });
    clock += 60_000;
    estimateCard(doc, ann, kept, 5);
    cards.remove(doc, bob, gone);
    const fresh = addCard(doc, bob, { title: 'Fresh', status: 'todo', rank: 'a2' });
    const after = snapshot(doc);

    const changes = comparePlans(before, after, { from, to: clock });
    expect(changes).toEqual([
      { kind: 'added', item: 'card', id: fresh, title: 'Fresh', from: null, to: null, by: 'bob', at: T0 + 120_000 },
      { kind: 'removed', item: 'card', id: gone, title: 'Gone', from: null, to: null, by: null, at: null },
      { kind: 'moved', item: 'card', id: kept, title: 'Kept', from: 'todo', to: 'doing', by: 'bob', at: T0 + 60_000 },
      { kind: 'sprintMoved', item: 'card', id: kept, title: 'Kept', from: null, to: sprint.id, by: 'bob', at: T0 + 60_000 },
      { kind: 'reestimated', item: 'card', id: kept, title: 'Kept', from: 3, to: 5, by: 'ann', at: T0 + 120_000 }
    ]);
    expect(countChanges(changes)).toEqual({ added: 1, removed: 1, moved: 1, sprintMoved: 1, reestimated: 1 });
  });

  it('reads who and when only from log entries inside the window', () => {
    clock = T0;
    const doc = plan();
    const id = addCard(doc, as('ann'), { title: 'A', status: 'todo', rank: 'a0' });
    clock += 1_000;
    moveCard(doc, as('ann'), id, { status: 'doing' });
    const before = snapshot(doc);
    const from = clock;
    clock += 1_000;
    moveCard(doc, as('bob'), id, { status: 'todo' }); // back to a status the log already held, outside the window
    const [c] = comparePlans(before, snapshot(doc), { from, to: clock });
    expect(c).toMatchObject({ kind: 'moved', from: 'doing', to: 'todo', by: 'bob', at: T0 + 2_000 });
  });

  it('reports a risk moved on the heat map (residual score once assessed) with the RAID log author', () => {
    clock = T0;
    const doc = plan();
    const id = createRaidItem(doc, as('ann'), risk);
    const before = snapshot(doc);
    const from = clock;
    clock += 5_000;
    rescoreRaidItem(doc, as('cy'), id, { likelihood: 4, impact: 5 });
    const mid = snapshot(doc);
    expect(comparePlans(before, mid, { from, to: clock }, { raid: raidHistories(doc) })).toEqual([
      { kind: 'rescored', item: 'raid', id, title: risk.title, from: [3, 3], to: [4, 5], by: 'cy', at: T0 + 5_000 }
    ]);
    // Residual assessed: the heat map places it by the residual score now.
    clock += 5_000;
    rescoreRaidItem(doc, as('dee'), id, { likelihood: 2, impact: 2 }, 'residual');
    const [c] = comparePlans(mid, snapshot(doc), { from: T0 + 5_000, to: clock }, { raid: raidHistories(doc) });
    expect(c).toMatchObject({ kind: 'rescored', from: [4, 5], to: [2, 2], by: 'dee' });
    // Without the RAID logs the change is still found, without an author.
    expect(comparePlans(mid, snapshot(doc), { from: T0 + 5_000, to: clock })[0]).toMatchObject({ kind: 'rescored', by: null });
  });

  it('finds new RAID items with their creator', () => {
    clock = T0;
    const doc = plan();
    const before = snapshot(doc);
    clock += 1;
    const id = createRaidItem(doc, as('ann'), risk);
    expect(comparePlans(before, snapshot(doc), { from: T0, to: clock }, { raid: raidHistories(doc) })).toEqual([
      { kind: 'added', item: 'raid', id, title: risk.title, from: null, to: null, by: 'ann', at: T0 + 1 }
    ]);
  });

  it('tells slipped milestones from pulled-in ones, in calendar days, and finds removed ones', () => {
    clock = T0;
    const doc = plan();
    const ann = as('ann');
    const late = milestones.add(doc, ann, { ...milestone, name: 'Late' });
    const early = milestones.add(doc, ann, { ...milestone, name: 'Early' });
    const gone = milestones.add(doc, ann, { ...milestone, name: 'Gone' });
    const before = snapshot(doc);
    milestones.update(doc, ann, late, { start: '2025-03-15', end: '2025-03-15' });
    milestones.update(doc, ann, early, { start: '2025-02-27', end: '2025-02-27' });
    removeMilestone(doc, ann, gone);
    const changes = comparePlans(before, snapshot(doc), { from: T0, to: T0 });
    expect(changes.map((c) => [c.kind, c.title, c.days])).toEqual(
      expect.arrayContaining([
        ['removed', 'Gone', undefined],
        ['slipped', 'Late', 14],
        ['pulledIn', 'Early', -2]
      ])
    );
    expect(changes).toHaveLength(3);
  });

  it('finds decisions taken: an open one decided, and one recorded as decided', () => {
    clock = T0;
    const doc = plan();
    const ann = as('ann');
    const open = addDecision(doc, ann, { title: 'Vendor', date: '2025-01-10' })!;
    const before = snapshot(doc);
    updateDecision(doc, ann, open, { status: 'decided' });
    const recorded = addDecision(doc, ann, { title: 'Region', date: '2025-01-11', status: 'decided' })!;
    const changes = comparePlans(before, snapshot(doc), { from: T0, to: T0 });
    expect(changes.map((c) => [c.kind, c.title, c.from, c.to])).toEqual([
      ['added', 'Region', null, null],
      ['decided', open < recorded ? 'Vendor' : 'Region', open < recorded ? 'proposed' : null, 'decided'],
      ['decided', open < recorded ? 'Region' : 'Vendor', open < recorded ? null : 'proposed', 'decided']
    ]);
  });

  it('finds nothing between a moment and itself', () => {
    clock = T0;
    const doc = plan();
    addCard(doc, as('ann'), { title: 'A', status: 'todo', rank: 'a0' });
    const s = snapshot(doc);
    expect(comparePlans(s, s, { from: T0, to: T0 })).toEqual([]);
  });
});
