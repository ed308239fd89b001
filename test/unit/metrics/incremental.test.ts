import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, IncrementalMetrics, type MetricsOptions } from '../../../shared/metrics/index.ts';
import type { Card, PlanSnapshot } from '../../../shared/schema.ts';
import { cardArb, nowArb, planArb, SPRINT_IDS, START, STATUS_IDS } from './arbitraries.ts';
import { at, card, HOUR } from './fixtures.ts';
import { marchPlan, NOW } from './scenario.ts';

type Edit =
  | { kind: 'move'; pick: number; to: string; hours: number; keepStatus: boolean }
  | { kind: 'sprint'; pick: number; sprint: string | null }
  | { kind: 'estimate'; pick: number; points: number | null; hours: number }
  | { kind: 'links'; pick: number; links: string[] }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; card: Card }
  | { kind: 'plan'; change: 'close' | 'commit' | 'category' | 'zone' | 'members' };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), to: fc.constantFrom(...STATUS_IDS), hours: fc.integer({ min: 0, max: 960 }), keepStatus: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sprint' as const), pick: fc.nat(), sprint: fc.option(fc.constantFrom(...SPRINT_IDS)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('estimate' as const), pick: fc.nat(), points: fc.option(fc.constantFrom(1, 3, 0.5, 8)), hours: fc.integer({ min: 0, max: 960 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('links' as const), pick: fc.nat(), links: fc.subarray(['m1', 'm2']) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.nat(99).chain((n) => cardArb(`new${n}`)).map((c) => ({ kind: 'add' as const, card: c })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('plan' as const), change: fc.constantFrom('close', 'commit', 'category', 'zone', 'members') as fc.Arbitrary<'close' | 'commit' | 'category' | 'zone' | 'members'> }) }
);

/** Applies an edit to the model; returns the card changes (id → new value or null) or the new plan. */
function apply(p: PlanSnapshot, cards: Map<string, Card>, e: Edit): { changes?: [string, Card | null][]; plan?: PlanSnapshot } {
  const ids = [...cards.keys()];
  const c = 'pick' in e && ids.length ? cards.get(ids[e.pick % ids.length])! : null;
  const t = (h: number) => START + h * HOUR + 7;
  switch (e.kind) {
    case 'move':
      if (!c) return {};
      return { changes: [[c.id, { ...c, status: e.keepStatus ? c.status : e.to, history: [...c.history, { at: t(e.hours), from: c.status, to: e.to, actor: 'x' }] }]] };
    case 'sprint':
      if (!c) return {};
      // A card with a sprint log logs the move; a legacy card only changes its sprint field.
      return c.sprintHistory?.length
        ? { changes: [[c.id, { ...c, sprint: e.sprint, sprintHistory: [...c.sprintHistory, { at: t(e.pick % 960), from: c.sprint, to: e.sprint, actor: 'x' }] }]] }
        : { changes: [[c.id, { ...c, sprint: e.sprint }]] };
    case 'estimate':
      return c ? { changes: [[c.id, { ...c, points: e.points, estimates: [...c.estimates, { at: t(e.hours), from: c.points, to: e.points, actor: 'x' }] }]] } : {};
    case 'links':
      return c ? { changes: [[c.id, { ...c, links: e.links }]] } : {};
    case 'delete':
      return c ? { changes: [[c.id, null]] } : {};
    case 'add':
      return { changes: [[e.card.id, e.card]] };
    case 'plan': {
      const sprints = p.sprints.map((s, i) =>
        e.change === 'close' && i === 0
          ? { ...s, state: 'closed' as const, closedAt: at('2025-04-01 12:00'), commitment: s.commitment ?? { at: at('2025-03-17 09:30'), cards: [] } }
          : e.change === 'commit' && i === 1
            ? { ...s, state: 'active' as const, commitment: { at: at('2025-03-31 09:30'), cards: ids.slice(0, 3).map((id) => ({ id, points: 2 })) } }
            : s
      );
      const statuses = e.change === 'category' ? p.statuses.map((s) => (s.id === 'review' ? { ...s, category: s.category === 'doing' ? ('done' as const) : ('doing' as const) } : s)) : p.statuses;
      const meta = e.change === 'zone' ? { ...p.meta, timeZone: p.meta.timeZone === 'America/New_York' ? 'Europe/London' : 'America/New_York' } : p.meta;
      const members = e.change === 'members' ? p.members.map((m) => ({ ...m, defaultCapacity: m.defaultCapacity + 1 })) : p.members;
      return { plan: { ...p, sprints, statuses, meta, members } };
    }
  }
}

const OPTIONS: MetricsOptions[] = [{}, { unit: 'cards' }, { forecast: { trials: 100, seed: 5 } }];

describe('incremental metrics', () => {
  it('[INC2] incremental results equal a full recomputation after random edit sequences', () => {
    fc.assert(
      fc.property(planArb(8), fc.array(editArb, { maxLength: 25 }), nowArb, fc.nat(2), (initial, edits, now, o) => {
        let p = initial;
        const cards = new Map(p.cards.map((c) => [c.id, c]));
        const inc = new IncrementalMetrics(p);
        const options = OPTIONS[o];
        const full = () => computeMetrics({ ...p, cards: [...cards.values()].reverse() }, now, options);
        for (const e of edits) {
          const { changes, plan } = apply(p, cards, e);
          if (plan) {
            p = plan;
            inc.setPlan({ ...plan, cards: [] });
          }
          if (changes) {
            for (const [id, value] of changes) {
              if (value) cards.set(id, value);
              else cards.delete(id);
            }
            inc.update(changes);
          }
          // Query between edits so stale cached sprint reports would show.
          expect(inc.metrics(now, options)).toEqual(full());
        }
        expect(inc.flow(now)).toEqual(full().flow);
      }),
      { numRuns: 120 }
    );
  });

  it('[INC2] a later `now` on the same incremental state equals a full recomputation at that time', () => {
    fc.assert(
      fc.property(planArb(8), nowArb, nowArb, (p, a, b) => {
        const inc = new IncrementalMetrics(p);
        inc.metrics(a);
        expect(inc.metrics(b)).toEqual(computeMetrics(p, b));
      }),
      { numRuns: 60 }
    );
  });

  it('[INC1] updating one card reads no other card', () => {
    const p = marchPlan();
    const reads = new Set<string>();
    const watched = p.cards.map((c) => {
      const copy = { ...c };
      return new Proxy(copy, {
        get(target, key) {
          reads.add(c.id);
          return Reflect.get(target, key);
        }
      });
    });
    const inc = new IncrementalMetrics({ ...p, cards: watched });
    const before = inc.metrics(NOW);
    reads.clear();
    const d = p.cards.find((c) => c.id === 'D')!;
    inc.update([['D', { ...d, status: 'doing', history: [...d.history, { at: at('2025-04-08 10:00'), from: 'done', to: 'doing', actor: 'x' }] }]]);
    expect([...reads]).toEqual(['D']); // only its own old value, to take its contribution back
    const after = inc.metrics(NOW);
    expect(after.flow.reopenedCards).toBe(before.flow.reopenedCards + 1);
  });

  it('[INC1] deleting and re-adding a card restores the exact earlier results', () => {
    const p = marchPlan();
    const inc = new IncrementalMetrics(p);
    const before = inc.metrics(NOW);
    inc.update([['B', null]]);
    expect(inc.metrics(NOW).sprints[0].velocity!.velocity).toBe(4);
    inc.update([['B', p.cards.find((c) => c.id === 'B')!]]);
    expect(inc.metrics(NOW)).toEqual(before);
  });

  it('[INC3] a plan change that leaves zone and columns alone keeps the card facts; a zone change re-derives them', () => {
    const p = marchPlan();
    const inc = new IncrementalMetrics(p);
    inc.setPlan({ ...p, sprints: p.sprints.map((s) => ({ ...s, name: 'Renamed' })) });
    expect(inc.metrics(NOW).sprints[0].name).toBe('Renamed');
    const ny = { ...p, meta: { ...p.meta, timeZone: 'America/New_York' } };
    inc.setPlan(ny);
    expect(inc.metrics(NOW)).toEqual(computeMetrics(ny, NOW));
    // D's done (00:30 London on 31 March) is 20:30 on the 30th in New York.
    expect(inc.flow(NOW).throughput[inc.flow(NOW).days.indexOf('2025-03-30')]).toBe(1);
    expect(card('x', [[at('2025-03-30 10:00'), 'todo']]).id).toBe('x');
  });
});
