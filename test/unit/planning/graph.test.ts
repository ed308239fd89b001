import { describe, expect, it } from 'vitest';
import { buildGraph, findCycles, formatPath, topologicalOrder, wouldCreateCycle, type Edge } from '../../../shared/planning/graph.ts';
import { proposeRepair } from '../../../shared/planning/repair.ts';

const nodes = (...ids: string[]) => ids.map((id) => ({ id }));
const edges = (...pairs: [string, string, string?][]) => pairs.map(([from, to, id]): Edge => ({ id: id ?? `${from}-${to}`, from, to, lagDays: 0 }));

describe('graph', () => {
  it('ignores dependencies whose ends do not exist, and self-loops', () => {
    const g = buildGraph(nodes('a', 'b'), edges(['a', 'b'], ['a', 'ghost'], ['ghost', 'b'], ['b', 'b']));
    expect(g.edges.map((e) => e.id)).toEqual(['a-b']);
    expect(topologicalOrder(g)).toEqual({ ok: true, order: ['a', 'b'] });
    expect(findCycles(g)).toEqual([]);
  });

  it('orders topologically with ties broken by id, whatever the input order', () => {
    const g1 = buildGraph(nodes('d', 'c', 'b', 'a'), edges(['c', 'a'], ['d', 'b']));
    const g2 = buildGraph(nodes('a', 'b', 'c', 'd'), edges(['d', 'b'], ['c', 'a']));
    expect(topologicalOrder(g1)).toEqual({ ok: true, order: ['c', 'a', 'd', 'b'] });
    expect(topologicalOrder(g2)).toEqual(topologicalOrder(g1));
  });

  it('finds a 2-cycle', () => {
    const g = buildGraph(nodes('a', 'b', 'c'), edges(['a', 'b'], ['b', 'a'], ['b', 'c']));
    expect(topologicalOrder(g)).toEqual({ ok: false, cyclic: ['a', 'b'] });
    expect(findCycles(g)).toEqual([{ members: ['a', 'b'], path: ['a', 'b', 'a'] }]);
  });

  it('finds a 3-cycle, and only its members are cyclic (not what is downstream)', () => {
    const g = buildGraph(nodes('a', 'b', 'c', 'd'), edges(['b', 'c'], ['c', 'a'], ['a', 'b'], ['c', 'd']));
    expect(topologicalOrder(g)).toEqual({ ok: false, cyclic: ['a', 'b', 'c'] });
    expect(findCycles(g)).toEqual([{ members: ['a', 'b', 'c'], path: ['a', 'b', 'c', 'a'] }]);
  });

  it('finds two disjoint cycles, one each', () => {
    const g = buildGraph(nodes('x', 'y', 'z', 'a', 'b', 'm'), edges(['x', 'y'], ['y', 'z'], ['z', 'x'], ['b', 'a'], ['a', 'b'], ['a', 'm']));
    expect(findCycles(g)).toEqual([
      { members: ['a', 'b'], path: ['a', 'b', 'a'] },
      { members: ['x', 'y', 'z'], path: ['x', 'y', 'z', 'x'] }
    ]);
  });

  it('reports two loops through one item as one group, with the shortest loop', () => {
    const g = buildGraph(nodes('a', 'b', 'c'), edges(['a', 'b'], ['b', 'c'], ['c', 'a'], ['b', 'a']));
    expect(findCycles(g)).toEqual([{ members: ['a', 'b', 'c'], path: ['a', 'b', 'a'] }]);
  });

  it('refuses a dependency that would close a loop, saying which', () => {
    const g = buildGraph(nodes('HEL-M3', 'HEL-M5', 'HEL-M7'), edges(['HEL-M7', 'HEL-M3']));
    const refusal = wouldCreateCycle(g, 'HEL-M3', 'HEL-M7');
    expect(refusal?.path).toEqual(['HEL-M3', 'HEL-M7', 'HEL-M3']);
    expect(refusal?.message).toContain('HEL-M3 → HEL-M7 → HEL-M3');
    const longer = buildGraph(nodes('HEL-M3', 'HEL-M5', 'HEL-M7'), edges(['HEL-M3', 'HEL-M5'], ['HEL-M5', 'HEL-M7']));
    expect(wouldCreateCycle(longer, 'HEL-M7', 'HEL-M3')?.path).toEqual(['HEL-M7', 'HEL-M3', 'HEL-M5', 'HEL-M7']);
    expect(wouldCreateCycle(longer, 'HEL-M3', 'HEL-M7')).toBe(null); // a shortcut is no loop
    expect(wouldCreateCycle(longer, 'HEL-M5', 'HEL-M5')?.path).toEqual(['HEL-M5', 'HEL-M5']);
    expect(wouldCreateCycle(longer, 'HEL-M3', 'nowhere')).toBe(null);
    const names: Record<string, string> = { 'HEL-M3': 'Racks', 'HEL-M7': 'Acceptance' };
    expect(wouldCreateCycle(g, 'HEL-M3', 'HEL-M7', (id) => names[id])?.message).toBe(
      'Acceptance already leads to Racks, so this dependency would close a loop: Racks → Acceptance → Racks'
    );
    expect(formatPath(['a', 'b', 'a'])).toBe('a → b → a');
  });
});

describe('repair', () => {
  it('removes the largest id in a 2-cycle', () => {
    expect(proposeRepair(nodes('a', 'b'), edges(['a', 'b', 'dep-2'], ['b', 'a', 'dep-7'])).remove).toEqual(['dep-7']);
    expect(proposeRepair(nodes('a', 'b'), edges(['a', 'b', 'dep-9'], ['b', 'a', 'dep-7'])).remove).toEqual(['dep-9']);
  });

  it('removes one dependency per disjoint loop', () => {
    const p = proposeRepair(nodes('a', 'b', 'x', 'y', 'z'), edges(['a', 'b', 'e1'], ['b', 'a', 'e2'], ['x', 'y', 'e3'], ['y', 'z', 'e5'], ['z', 'x', 'e4']));
    expect(p.remove).toEqual(['e2', 'e5']);
    expect(p.cycles).toHaveLength(2);
  });

  it('puts back a removal a later one made unnecessary', () => {
    // Loops a→b→a (p, q) and a→b→c→a (p, r, s). The largest id, s, goes first; then p breaks
    // a→b→a — and the other loop too, so s is put back: the fix is p alone.
    const deps = edges(['a', 'b', 'dep-5'], ['b', 'a', 'dep-1'], ['b', 'c', 'dep-2'], ['c', 'a', 'dep-9']);
    expect(proposeRepair(nodes('a', 'b', 'c'), deps).remove).toEqual(['dep-5']);
  });

  it('proposes nothing for an acyclic graph', () => {
    expect(proposeRepair(nodes('a', 'b'), edges(['a', 'b']))).toEqual({ cycles: [], remove: [] });
  });
});
