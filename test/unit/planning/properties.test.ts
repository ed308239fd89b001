/**
 * Properties of the planning algorithms on random graphs. A failure prints fast-check's seed and
 * path and the shrunk counterexample (pass seed and path to fc.assert to replay it);
 * PROPERTY_RUNS=5000 searches longer. Ids are random short strings, so the input order, the id
 * order and the dependency order all disagree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterLag, fromDay, toDay } from '../../../shared/planning/dates.ts';
import { buildGraph, topologicalOrder, wouldCreateCycle, type Edge } from '../../../shared/planning/graph.ts';
import { proposeRepair } from '../../../shared/planning/repair.ts';
import { occupiedDays, pushes, schedule, type Item } from '../../../shared/planning/schedule.ts';
import type { Weekday } from '../../../shared/schema.ts';

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

const idArb = fc.string({ unit: fc.constantFrom(...'abcdefghij0123'.split('')), minLength: 1, maxLength: 3 });

/** Items with random kinds, starts and lengths (a milestone is one date). */
const itemsArb = fc.uniqueArray(idArb, { minLength: 1, maxLength: 24 }).chain((ids) =>
  fc.tuple(...ids.map((id) => fc.record({ kind: fc.constantFrom('phase', 'milestone', 'release'), start: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 0, max: 12 }) }).map(
    ({ kind, start, len }): Item => ({ id, kind: kind as Item['kind'], start: fromDay(20_000 + start), end: fromDay(20_000 + start + (kind === 'milestone' ? 0 : len)) })
  )))
);

type Pair = [number, number, number];
const pairsArb = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -4, max: 9 })), { maxLength: 60 });

/** Edges from earlier to later items in the (random) input order: always acyclic. */
function dagEdges(items: Item[], pairs: Pair[]): Edge[] {
  const out: Edge[] = [];
  pairs.forEach(([x, y, lag], k) => {
    const i = x % items.length;
    const j = y % items.length;
    if (i !== j) out.push({ id: `e${k}`, from: items[Math.min(i, j)].id, to: items[Math.max(i, j)].id, lagDays: lag });
  });
  return out;
}

/** Any edges at all, loops, self-loops and duplicates included. */
function anyEdges(items: Item[], pairs: Pair[]): Edge[] {
  return pairs.map(([x, y, lag], k) => ({ id: `e${String(k).padStart(2, '0')}`, from: items[x % items.length].id, to: items[y % items.length].id, lagDays: lag }));
}

const dagArb = fc.tuple(itemsArb, pairsArb).map(([items, pairs]) => ({ items, edges: dagEdges(items, pairs) }));
const calendarArb = fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), { nil: undefined }).map((c) => c as Weekday[] | undefined);

/** An independent reachability check (recursive DFS), to judge wouldCreateCycle by. */
function reaches(edges: Edge[], from: string, to: string, seen = new Set<string>()): boolean {
  if (from === to) return true;
  seen.add(from);
  return edges.some((e) => e.from === from && e.to !== e.from && !seen.has(e.to) && reaches(edges, e.to, to, seen));
}

function isAcyclic(items: { id: string }[], edges: Edge[]): boolean {
  return topologicalOrder(buildGraph(items, edges)).ok;
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('properties', () => {
  it('topological order lists every item once and respects every dependency', () => {
    fc.assert(
      fc.property(dagArb, ({ items, edges }) => {
        const r = topologicalOrder(buildGraph(items, edges));
        if (!r.ok) throw new Error('a DAG was reported cyclic');
        expect([...r.order].sort()).toEqual(items.map((i) => i.id).sort());
        const at = new Map(r.order.map((id, k) => [id, k]));
        for (const e of edges) expect(at.get(e.from)!).toBeLessThan(at.get(e.to)!);
      }),
      RUNS
    );
  });

  it('forward pass: every item starts no earlier than planned, nor before each predecessor finishes plus lag', () => {
    fc.assert(
      fc.property(dagArb, calendarArb, ({ items, edges }, calendar) => {
        const r = schedule(items, edges, { calendar });
        if (!r.ok) throw new Error('a DAG was reported cyclic');
        const byId = new Map(items.map((i) => [i.id, i]));
        for (const i of items) expect(toDay(r.items.get(i.id)!.earlyStart)).toBeGreaterThanOrEqual(toDay(i.start));
        for (const e of edges) {
          const finish = toDay(r.items.get(e.from)!.earlyStart) + occupiedDays(byId.get(e.from)!);
          expect(toDay(r.items.get(e.to)!.earlyStart)).toBeGreaterThanOrEqual(afterLag(finish, e.lagDays, calendar));
        }
      }),
      RUNS
    );
  });

  it('float is never negative, late dates honour every link, critical items have no float and form the critical paths', () => {
    fc.assert(
      fc.property(dagArb, calendarArb, ({ items, edges }, calendar) => {
        const r = schedule(items, edges, { calendar, maxPaths: 10_000 });
        if (!r.ok) throw new Error('a DAG was reported cyclic');
        const byId = new Map(items.map((i) => [i.id, i]));
        const finish = Math.max(...items.map((i) => toDay(r.items.get(i.id)!.earlyStart) + occupiedDays(i)));
        for (const s of r.items.values()) {
          expect(s.float).toBeGreaterThanOrEqual(0);
          expect(s.critical).toBe(s.float === 0);
          expect(toDay(s.lateStart) + occupiedDays(byId.get(s.id)!)).toBeLessThanOrEqual(finish);
        }
        for (const e of edges) {
          const lateFinish = toDay(r.items.get(e.from)!.lateStart) + occupiedDays(byId.get(e.from)!);
          expect(toDay(r.items.get(e.to)!.lateStart)).toBeGreaterThanOrEqual(afterLag(lateFinish, e.lagDays, calendar));
        }
        expect(r.criticalPaths.length).toBeGreaterThan(0);
        for (const path of r.criticalPaths) {
          for (const id of path) expect(r.items.get(id)!.critical).toBe(true);
          for (let k = 1; k < path.length; k++) expect(edges.some((e) => e.from === path[k - 1] && e.to === path[k])).toBe(true);
          const last = r.items.get(path[path.length - 1])!;
          expect(toDay(last.earlyStart) + occupiedDays(byId.get(last.id)!)).toBe(finish);
        }
        // Without a calendar every critical item lies on a listed path (see schedule.ts).
        if (!calendar && r.criticalPaths.length < 10_000) {
          const onPaths = new Set(r.criticalPaths.flat());
          for (const s of r.items.values()) if (s.critical) expect(onPaths.has(s.id)).toBe(true);
        }
      }),
      RUNS
    );
  });

  it('after applying the pushes of a later move, every link from a moved item is met', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), fc.integer({ min: 0, max: 20 }), ({ items, edges }, pick, by) => {
        const target = items[pick % items.length];
        const move = { id: target.id, start: fromDay(toDay(target.start) + by), end: fromDay(toDay(target.end) + by) };
        const r = pushes(items, edges, move);
        if (!r.ok) throw new Error('a DAG was reported cyclic');
        const moved = new Map(items.map((i) => [i.id, i]));
        moved.set(move.id, { ...target, ...move });
        for (const p of r.pushes) {
          expect(p.days).toBeGreaterThan(0);
          moved.set(p.id, { ...moved.get(p.id)!, start: p.start, end: p.end });
        }
        const changed = new Set([move.id, ...r.pushes.map((p) => p.id)]);
        for (const e of edges) {
          if (!changed.has(e.from)) continue;
          const from = moved.get(e.from)!;
          const to = moved.get(e.to)!;
          const wasMet = (() => {
            const f = items.find((i) => i.id === e.from)!;
            const t = items.find((i) => i.id === e.to)!;
            return toDay(t.start) >= toDay(f.start) + occupiedDays(f) + e.lagDays;
          })();
          // Links that held before the move hold after it; a link broken before it is only fixed
          // when its successor had to move anyway.
          if (wasMet || changed.has(e.to)) expect(toDay(to.start)).toBeGreaterThanOrEqual(toDay(from.start) + occupiedDays(from) + e.lagDays);
        }
      }),
      RUNS
    );
  });

  it('adding an edge to a DAG is refused exactly when it closes a loop, and the loop shown is real', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), fc.nat(), ({ items, edges }, a, b) => {
        const from = items[a % items.length].id;
        const to = items[b % items.length].id;
        const refusal = wouldCreateCycle(buildGraph(items, edges), from, to);
        expect(refusal !== null).toBe(from === to || reaches(edges, to, from));
        if (refusal) {
          const { path } = refusal;
          expect([path[0], path[1], path[path.length - 1]]).toEqual([from, to, from]);
          const withNew = [...edges, { id: 'new', from, to, lagDays: 0 }];
          for (let k = 1; k < path.length; k++) expect(withNew.some((e) => e.from === path[k - 1] && e.to === path[k])).toBe(true);
        } else {
          expect(isAcyclic(items, [...edges, { id: 'new', from, to, lagDays: 0 }])).toBe(true);
        }
      }),
      RUNS
    );
  });

  it('repair always leaves an acyclic graph, removes nothing needlessly, and ignores input order', () => {
    fc.assert(
      fc.property(itemsArb, pairsArb, fc.integer(), (items, pairs, seed) => {
        const edges = anyEdges(items, pairs);
        const p = proposeRepair(items, edges);
        const remaining = edges.filter((e) => !p.remove.includes(e.id));
        expect(isAcyclic(items, remaining)).toBe(true);
        expect(p.remove.length === 0).toBe(isAcyclic(items, edges));
        // Inclusion-minimal: each removed dependency, put back alone, closes a loop again.
        for (const id of p.remove) expect(isAcyclic(items, [...remaining, edges.find((e) => e.id === id)!])).toBe(false);
        expect(proposeRepair(shuffled(items, seed), shuffled(edges, seed ^ 0x5bd1e995))).toEqual(p);
      }),
      RUNS
    );
  });
});
