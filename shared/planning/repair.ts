/**
 * Repairing dependency loops. Each replica's guard refuses a dependency that would close a loop,
 * but two people can add A → B and B → A at the same time on different replicas: both are accepted
 * locally and the merged document has a loop. Nothing can be scheduled until it is broken, and
 * every replica must propose the same fix, or two replicas would each remove a different link.
 *
 * The rule (shown in the UI): in every tangle — a group of items that all lead to each other —
 * the dependency with the largest id inside it is removed; tangles are recomputed and this repeats
 * until none is left. Then each removed dependency, smallest id first, is put back if it no longer
 * closes a loop, so no link is removed that did not need to be. Dependency ids are random, so the
 * choice is arbitrary, but it depends only on the converged document: every replica proposes the
 * same removals, in any input order, without talking to the others. (The schema records no
 * creation time for a dependency; with one, "the newest link goes" would be the friendlier rule.)
 */
import { buildGraph, compareIds, findCycles, stronglyConnected, wouldCreateCycle, type Cycle, type Edge } from './graph.ts';

export type RepairProposal = {
  /** The loops found, as findCycles reports them; empty when there is nothing to repair. */
  cycles: Cycle[];
  /** Ids of the dependencies to remove, ascending. */
  remove: string[];
};

/** The fix for the loops in a timeline, by the rule above; `remove` is empty when it has none. */
export function proposeRepair(items: readonly { id: string }[], dependencies: readonly Edge[]): RepairProposal {
  const graph = buildGraph(items, dependencies);
  const cycles = findCycles(graph);
  if (!cycles.length) return { cycles, remove: [] };
  const kept = new Map(graph.edges.map((e) => [e.id, e]));
  const removed: Edge[] = [];
  for (let groups = cycles.map((c) => c.members); groups.length; groups = stronglyConnected(buildGraph(items, [...kept.values()]))) {
    for (const group of groups) {
      const inside = new Set(group);
      let largest: Edge | null = null;
      for (const e of kept.values()) if (inside.has(e.from) && inside.has(e.to) && (!largest || e.id > largest.id)) largest = e;
      kept.delete(largest!.id);
      removed.push(largest!);
    }
  }
  // Earlier removals may have become unnecessary once later ones broke the same loop.
  removed.sort((a, b) => compareIds(a.id, b.id));
  const remove: string[] = [];
  for (const e of removed) {
    if (wouldCreateCycle(buildGraph(items, [...kept.values()]), e.from, e.to)) remove.push(e.id);
    else kept.set(e.id, e);
  }
  return { cycles, remove };
}
