/**
 * What the timeline highlights (client/src/lib/timeline/analysis.ts): the critical path and its
 * links, loops after concurrent edits (named, and gone after the repair), slippage; and the
 * forecast hook into shared/metrics (forecast.ts).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, moveCard } from '../../shared/doc/cards.ts';
import { addDependency, applyRepair, moveMilestone } from '../../shared/doc/dependency-rules.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { dependencies, milestones } from '../../shared/doc/timeline.ts';
import type { Dependency, Milestone } from '../../shared/schema.ts';
import { analyse } from '../../client/src/lib/timeline/analysis.ts';
import { milestoneForecasts } from '../../client/src/lib/timeline/forecast.ts';

const ms = (id: string, kind: Milestone['kind'], start: string, end: string, baselineEnd: string | null = null): Milestone => ({
  id,
  name: `Item ${id}`,
  kind,
  workstream: null,
  start,
  end,
  baselineStart: baselineEnd,
  baselineEnd,
  stage: 'build',
  owner: null
});
const dep = (id: string, from: string, to: string, lagDays = 0): Dependency => ({ id, from, to, type: 'FS', lagDays });

describe('analysis', () => {
  const items = [
    ms('a', 'phase', '2026-03-02', '2026-03-13', '2026-03-10'),
    ms('b', 'phase', '2026-03-14', '2026-03-20', '2026-03-20'),
    ms('c', 'milestone', '2026-03-21', '2026-03-21'),
    ms('d', 'phase', '2026-03-02', '2026-03-05', '2026-03-08')
  ];

  it('marks the critical chain and the links along it', () => {
    const r = analyse(items, [dep('d1', 'a', 'b'), dep('d2', 'b', 'c'), dep('d3', 'd', 'c')]);
    expect([...r.critical].sort()).toEqual(['a', 'b', 'c']);
    expect([...r.criticalDeps].sort()).toEqual(['d1', 'd2']);
    expect(r.scheduled.get('d')!.float).toBeGreaterThan(0);
    expect(r.loops).toEqual([]);
  });

  it('the critical path changes when an item moves later than the chain', () => {
    const later = items.map((m) => (m.id === 'd' ? { ...m, start: '2026-03-10', end: '2026-03-30' } : m));
    const r = analyse(later, [dep('d1', 'a', 'b'), dep('d2', 'b', 'c'), dep('d3', 'd', 'c')]);
    expect([...r.critical].sort()).toEqual(['c', 'd']);
    expect([...r.criticalDeps]).toEqual(['d3']);
  });

  it('sums slippage against the baseline', () => {
    const r = analyse(items, []);
    expect(r.slip.get('a')).toBe(3);
    expect(r.slip.get('d')).toBe(-3);
    expect(r.slip.has('c')).toBe(false);
    expect(r.slippage).toMatchObject({ baselined: 3, slipping: 1, totalDays: 3, worst: 'a' });
  });

  it('[concurrency] a loop made by two replicas is named, and the repair clears it on both', () => {
    const a = new Y.Doc();
    a.clientID = 1;
    const ed = createEditor('alice', 'user', () => 0);
    createPlan(a, ed, { name: 'Loop' });
    milestones.add(a, ed, { name: 'Design', kind: 'phase', start: '2026-03-02', end: '2026-03-06' }, { id: 'X' });
    milestones.add(a, ed, { name: 'Build', kind: 'phase', start: '2026-03-09', end: '2026-03-13' }, { id: 'Y' });
    const b = new Y.Doc();
    b.clientID = 2;
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(addDependency(a, ed, { from: 'X', to: 'Y' }).ok).toBe(true);
    expect(addDependency(b, createEditor('bob'), { from: 'Y', to: 'X' }).ok).toBe(true);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    const looped = analyse(milestones.list(a), dependencies.list(a));
    expect(looped.loops).toHaveLength(1);
    expect(looped.loops[0].message).toBe('Design → Build → Design');
    expect(looped.critical.size).toBe(0);
    applyRepair(b, createEditor('bob'));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(analyse(milestones.list(a), dependencies.list(a)).loops).toEqual([]);
    expect(dependencies.list(a)).toHaveLength(1);
  });
});

describe('concurrent moves', () => {
  it('[concurrency] two people dragging the same phase converge to one of the two moves, whole', () => {
    const a = new Y.Doc();
    a.clientID = 1;
    const ed = createEditor('alice', 'user', () => 0);
    createPlan(a, ed, { name: 'Moves' });
    milestones.add(a, ed, { name: 'Racks', kind: 'phase', start: '2026-03-02', end: '2026-03-13' }, { id: 'R' });
    const b = new Y.Doc();
    b.clientID = 2;
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    // Alice moves it later; Bob only stretches its end: never Alice's start with Bob's end.
    expect(moveMilestone(a, ed, 'R', { start: '2026-03-09', end: '2026-03-20' }).ok).toBe(true);
    expect(moveMilestone(b, createEditor('bob'), 'R', { start: '2026-03-02', end: '2026-03-27' }).ok).toBe(true);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    const ra = milestones.get(a, 'R')!;
    expect(milestones.get(b, 'R')).toEqual(ra);
    expect([
      ['2026-03-09', '2026-03-20'],
      ['2026-03-02', '2026-03-27']
    ]).toContainEqual([ra.start, ra.end]);
  });
});

describe('forecast hook', () => {
  it('gives 50/85/95 % dates for milestones with linked cards, the done day when all are done', () => {
    const day = 86_400_000;
    const start = Date.parse('2026-03-02T09:00:00Z');
    let now = start;
    const doc = new Y.Doc();
    const ed = createEditor('alice', 'user', () => now);
    createPlan(doc, ed, { name: 'Forecast' });
    milestones.add(doc, ed, { name: 'Open', kind: 'milestone', start: '2026-04-30', end: '2026-04-30' }, { id: 'open' });
    milestones.add(doc, ed, { name: 'Closed', kind: 'milestone', start: '2026-04-30', end: '2026-04-30' }, { id: 'closed' });
    milestones.add(doc, ed, { name: 'Unlinked', kind: 'milestone', start: '2026-04-30', end: '2026-04-30' }, { id: 'none' });
    // Three weeks of history: a card done most working days.
    for (let i = 0; i < 15; i++) {
      const id = addCard(doc, ed, { title: `Done ${i}`, status: 'todo', rank: `a${i}`, links: i === 0 ? ['closed'] : [] });
      now += day;
      moveCard(doc, ed, id, { status: 'done' });
    }
    for (let i = 0; i < 6; i++) addCard(doc, ed, { title: `Open ${i}`, status: 'todo', rank: `b${i}`, links: ['open'] });
    now += day;
    const f = milestoneForecasts(snapshot(doc), now);
    expect(f.has('none')).toBe(false);
    expect(f.get('closed')).toMatchObject({ linked: 1, remaining: 0 });
    expect(f.get('closed')!.done).not.toBeNull();
    const open = f.get('open')!;
    expect(open).toMatchObject({ linked: 6, remaining: 6, done: null });
    expect(open.p50! <= open.p85! && open.p85! <= open.p95!).toBe(true);
    // Seeded: the same plan forecasts the same dates.
    expect(milestoneForecasts(snapshot(doc), now).get('open')).toEqual(open);
  });
});
