/**
 * Stage gates and baselines on real Yjs documents (shared/doc/gates.ts, takeBaseline and
 * removeMilestone in shared/doc/timeline.ts), what two replicas editing one gate at once converge
 * to, and the evidence a gate panel shows (client/src/lib/timeline/evidence.ts).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addCriterion, checkCriterion, gatesRoot, readGate, readGates, readStage, readStages, removeCriterion, renameCriterion, updateGate, updateStage } from '../../shared/doc/gates.ts';
import { dependencies, milestones, removeMilestone, takeBaseline } from '../../shared/doc/timeline.ts';
import { addDependency } from '../../shared/doc/dependency-rules.ts';
import { DEFAULT_GATE_CRITERIA, GATE_KEYS, PLAN_ROOT, STAGES, type Gate, type RaidItem } from '../../shared/schema.ts';
import { gateEvidence, linkedProgress, openHighRisks } from '../../client/src/lib/timeline/evidence.ts';

const editor = (actor = 'alice'): Editor => createEditor(actor, 'user', () => 1_700_000_000_000);

function replica(clientID: number, from?: Y.Doc): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
  return doc;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
}

function planWithItems(): Y.Doc {
  const doc = replica(1);
  const ed = editor();
  createPlan(doc, ed, { name: 'Helios' });
  milestones.add(doc, ed, { name: 'Racks', kind: 'phase', start: '2026-03-02', end: '2026-03-13', stage: 'build' }, { id: 'A' });
  milestones.add(doc, ed, { name: 'Acceptance', kind: 'milestone', start: '2026-03-20', end: '2026-03-20', stage: 'test' }, { id: 'B' });
  return doc;
}

describe('stages', () => {
  it('read as the defaults when nobody configured them', () => {
    const stages = readStages(new Y.Doc());
    expect(stages.map((s) => s.id)).toEqual([...STAGES]);
    expect(stages[0]).toMatchObject({ id: 'discovery', name: 'Discovery', enabled: true });
    expect(stages[2].criteria.map((c) => c.text)).toEqual(DEFAULT_GATE_CRITERIA.build);
    expect(stages[2].criteria.map((c) => c.id)).toEqual(['build-1', 'build-2', 'build-3']);
  });

  it('are renamed, switched off, and given criteria added, edited and removed (defaults too)', () => {
    const doc = planWithItems();
    const ed = editor();
    updateStage(doc, ed, 'test', { name: 'Verification', enabled: false });
    const id = addCriterion(doc, ed, 'test', '  Load test at 2x peak  ')!;
    renameCriterion(doc, ed, 'test', 'test-1', 'Acceptance signed by the customer');
    removeCriterion(doc, ed, 'test', 'test-2');
    const test = readStage(doc, 'test');
    expect(test).toMatchObject({ name: 'Verification', enabled: false });
    expect(test.criteria.map((c) => [c.id, c.text])).toEqual([
      ['test-1', 'Acceptance signed by the customer'],
      ['test-3', DEFAULT_GATE_CRITERIA.test[2]],
      [id, 'Load test at 2x peak']
    ]);
    expect(addCriterion(doc, ed, 'test', '   ')).toBeNull();
    expect(removeCriterion(doc, ed, 'test', 'test-2')).toBe(false);
  });

  it('ignore garbage a peer wrote', () => {
    const doc = new Y.Doc();
    const root = doc.getMap(PLAN_ROOT.stages);
    root.set('build/name', 42);
    root.set('build/enabled', 'yes');
    root.set('build/criterion/x', { text: 7 });
    root.set('build/criterion/y', 'text');
    root.set('nonsense', true);
    const build = readStage(doc, 'build');
    expect(build).toMatchObject({ name: 'Build', enabled: true });
    expect(build.criteria).toHaveLength(3);
  });
});

describe('gates', () => {
  it('start not started, then take status, approver, date and ticks', () => {
    const doc = planWithItems();
    const ed = editor();
    expect(readGate(doc, 'B', 'test')).toEqual({ milestone: 'B', stage: 'test', status: 'not-started', approver: null, decidedOn: null, note: '', checked: [] });
    checkCriterion(doc, ed, 'B', 'test', 'test-1', true);
    checkCriterion(doc, ed, 'B', 'test', 'test-3', true);
    checkCriterion(doc, ed, 'B', 'test', 'test-3', false);
    updateGate(doc, ed, 'B', 'test', { status: 'passed', approver: 'eleanor' }, '2026-03-19');
    expect(readGate(doc, 'B', 'test')).toEqual({ milestone: 'B', stage: 'test', status: 'passed', approver: 'eleanor', decidedOn: '2026-03-19', note: '', checked: ['test-1'] });
    // A gate of another stage of the same milestone is separate.
    expect(readGate(doc, 'B', 'build').status).toBe('not-started');
    expect([...readGates(doc).keys()]).toEqual(['B/test']);
  });

  it('refuse bad input and read a peer’s garbage as defaults', () => {
    const doc = planWithItems();
    const ed = editor();
    expect(updateGate(doc, ed, 'B', 'test', { decidedOn: '2026-02-30' })).toBe(false);
    expect(updateGate(doc, ed, 'a/b', 'test', { status: 'passed' })).toBe(false);
    expect(checkCriterion(doc, ed, 'B', 'test', 'x/y', true)).toBe(false);
    gatesRoot(doc).set(GATE_KEYS.gateField('B', 'test', 'status'), 'approved!');
    gatesRoot(doc).set(GATE_KEYS.gateCheck('B', 'test', 'test-2'), 'yes');
    expect(readGate(doc, 'B', 'test')).toMatchObject({ status: 'not-started', checked: [] });
  });

  it('[concurrency] two people ticking different criteria and setting status and approver at once keep all of it', () => {
    const a = planWithItems();
    const b = replica(2, a);
    checkCriterion(a, editor('alice'), 'B', 'test', 'test-1', true);
    updateGate(a, editor('alice'), 'B', 'test', { status: 'in-review' }, '2026-03-18');
    checkCriterion(b, editor('bob'), 'B', 'test', 'test-2', true);
    updateGate(b, editor('bob'), 'B', 'test', { approver: 'bob' }, '2026-03-18');
    sync(a, b);
    const expected: Gate = { milestone: 'B', stage: 'test', status: 'in-review', approver: 'bob', decidedOn: null, note: '', checked: ['test-1', 'test-2'] };
    expect(readGate(a, 'B', 'test')).toEqual(expected);
    expect(readGate(b, 'B', 'test')).toEqual(expected);
  });
});

describe('baselines and deletion', () => {
  it('take baseline copies every item’s dates in one transaction', () => {
    const doc = planWithItems();
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    expect(takeBaseline(doc, editor())).toBe(2);
    expect(transactions).toBe(1);
    expect(milestones.get(doc, 'A')).toMatchObject({ baselineStart: '2026-03-02', baselineEnd: '2026-03-13' });
    expect(milestones.get(doc, 'B')).toMatchObject({ baselineStart: '2026-03-20', baselineEnd: '2026-03-20' });
  });

  it('[concurrency] a baseline taken while a peer moves an item converges on every replica', () => {
    const a = planWithItems();
    const b = replica(2, a);
    takeBaseline(a, editor('alice'));
    milestones.update(b, editor('bob'), 'A', { start: '2026-03-09', end: '2026-03-20' });
    sync(a, b);
    expect(milestones.list(a)).toEqual(milestones.list(b));
    expect(milestones.get(a, 'A')).toMatchObject({ start: '2026-03-09', baselineStart: '2026-03-02', baselineEnd: '2026-03-13' });
  });

  it('deleting an item takes its dependencies and gates with it', () => {
    const doc = planWithItems();
    const ed = editor();
    expect(addDependency(doc, ed, { from: 'A', to: 'B' }).ok).toBe(true);
    checkCriterion(doc, ed, 'A', 'build', 'build-1', true);
    checkCriterion(doc, ed, 'B', 'test', 'test-1', true);
    expect(removeMilestone(doc, ed, 'A')).toBe(true);
    expect(milestones.get(doc, 'A')).toBeNull();
    expect(dependencies.list(doc)).toEqual([]);
    expect([...readGates(doc).keys()]).toEqual(['B/test']);
    expect(removeMilestone(doc, ed, 'A')).toBe(false);
  });
});

describe('gate evidence', () => {
  const risk = (id: string, l: number, i: number, links: string[], status: RaidItem['status'] = 'open'): RaidItem => ({
    id,
    kind: 'risk',
    title: `Risk ${id}`,
    owner: null,
    status,
    raised: '2026-01-01',
    review: null,
    due: null,
    likelihood: l,
    impact: i,
    residualLikelihood: null,
    residualImpact: null,
    links,
    descriptionText: '',
    responseText: ''
  });

  it('counts linked cards and points, done by the done category', () => {
    const progress = linkedProgress(
      [
        { status: 'done', points: 3, links: ['B', 'B'] },
        { status: 'doing', points: 5, links: ['B', 'A'] },
        { status: 'closed', points: null, links: ['B'] }
      ],
      [
        { id: 'done', category: 'done' },
        { id: 'closed', category: 'done' },
        { id: 'doing', category: 'doing' }
      ]
    );
    expect(progress.get('B')).toEqual({ total: 3, done: 2, points: 8, pointsDone: 3 });
    expect(progress.get('A')).toEqual({ total: 1, done: 0, points: 5, pointsDone: 0 });
  });

  it('open high risks: linked, not closed, likelihood × impact ≥ 15, highest first', () => {
    const raid = [risk('R1', 3, 5, ['B']), risk('R2', 5, 5, ['B']), risk('R3', 4, 3, ['B']), risk('R4', 5, 4, ['B'], 'closed'), risk('R5', 5, 5, ['A'])];
    expect(openHighRisks(raid, 'B').map((r) => [r.id, r.score])).toEqual([
      ['R2', 25],
      ['R1', 15]
    ]);
  });

  it('is ready only with every criterion met, no high risk, linked work done and no late forecast', () => {
    const doc = planWithItems();
    const milestone = { ...milestones.get(doc, 'B')!, baselineEnd: '2026-03-13' };
    const stage = readStage(doc, 'test');
    const gate: Gate = { milestone: 'B', stage: 'test', status: 'in-review', approver: null, decidedOn: null, note: '', checked: ['test-1'] };
    const blocked = gateEvidence({
      milestone,
      stage,
      gate,
      raid: [risk('R1', 4, 4, ['B'])],
      progress: { total: 4, done: 1, points: 10, pointsDone: 2 },
      forecast: { linked: 4, remaining: 3, p50: '2026-03-18', p85: '2026-03-25', p95: '2026-04-01', done: null }
    });
    expect(blocked.verdict).toBe('not-ready');
    expect(blocked.criteria).toMatchObject({ met: 1, total: 3 });
    expect(blocked.slipDays).toBe(7);
    expect(blocked.forecastLate).toBe(true);
    expect(blocked.reasons).toEqual([
      '2 criteria not met',
      '1 open high risk',
      '3 of 4 linked cards not done',
      'forecast (85 %) 2026-03-25 is after the planned 2026-03-20',
      'slipped +7d against the baseline'
    ]);
    const ready = gateEvidence({ milestone, stage, gate: { ...gate, checked: ['test-1', 'test-2', 'test-3'] }, raid: [], progress: null, forecast: null });
    expect(ready.verdict).toBe('ready');
    // Slippage is reported, but a late plan may still be ready to pass its gate.
    expect(ready.reasons).toEqual(['slipped +7d against the baseline']);
  });
});
