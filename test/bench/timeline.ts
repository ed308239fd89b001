/**
 * Timeline planning benchmark: the pure algorithms of shared/planning on a large plan.
 *   - schedule: forward pass, backward pass, float and critical paths over 500 items and 1,000
 *     finish-to-start dependencies (a seeded random DAG, lags 0–5 days);
 *   - cycle check: wouldCreateCycle for one new dependency that would close a loop through most
 *     of the graph (the worst case: a search that finds its target late), with and without building
 *     the graph first, and through the document guard (addDependency on a Y.Doc holding the plan,
 *     which reads every item and dependency out of Yjs first; refused, so nothing is written).
 * Each figure is the median of several runs, in milliseconds, after a warm-up.
 *
 *   npx tsx test/bench/timeline.ts      # prints the JSON object
 */
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { addDependency } from '../../shared/doc/dependency-rules.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { dependencies, milestones } from '../../shared/doc/timeline.ts';
import { fromDay } from '../../shared/planning/dates.ts';
import { buildGraph, wouldCreateCycle, type Edge } from '../../shared/planning/graph.ts';
import { schedule, type Item } from '../../shared/planning/schedule.ts';
import { round } from './stats.ts';
import { createPrng } from '../../shared/prng.ts';

const ITEMS = 500;
const DEPENDENCIES = 1_000;
const RUNS = 21;

const mulberry32 = createPrng;

/** Items in index order over ~2 years; each dependency goes from a lower to a higher index. */
function bigTimeline(seed = 42): { items: Item[]; edges: Edge[] } {
  const random = mulberry32(seed);
  const base = 20_000;
  const items: Item[] = Array.from({ length: ITEMS }, (_, i) => {
    const start = base + Math.floor(i * 1.5);
    const kind = i % 5 === 0 ? 'milestone' : 'phase';
    const id = `ms-${String(i).padStart(3, '0')}`;
    return { id, kind, start: fromDay(start), end: fromDay(kind === 'milestone' ? start : start + 2 + Math.floor(random() * 20)) };
  });
  const edges: Edge[] = [];
  const seen = new Set<string>();
  while (edges.length < DEPENDENCIES) {
    const a = Math.floor(random() * ITEMS);
    // Mostly near neighbours, like a real plan: long chains rather than a dense tangle.
    const b = Math.min(ITEMS - 1, a + 1 + Math.floor(random() * random() * 60));
    const key = `${a}>${b}`;
    if (a === b || seen.has(key)) continue;
    seen.add(key);
    edges.push({ id: `dep-${String(edges.length).padStart(4, '0')}`, from: items[a].id, to: items[b].id, lagDays: Math.floor(random() * 6) });
  }
  return { items, edges };
}

function timelineDoc(items: Item[], edges: Edge[]): Y.Doc {
  const doc = new Y.Doc();
  const editor = createEditor('bench', 'seed');
  doc.transact(() => {
    for (const { id, ...fields } of items) milestones.add(doc, editor, { name: id, ...fields }, { id });
    for (const { id, ...fields } of edges) dependencies.add(doc, editor, { ...fields, type: 'FS' }, { id });
  }, editor.origin);
  return doc;
}

function medianMs(runs: number, fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn(); // warm-up: let the JIT settle
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)];
}

export async function benchTimeline(): Promise<Record<string, number>> {
  const { items, edges } = bigTimeline();
  const check = schedule(items, edges);
  if (!check.ok) throw new Error('the bench timeline has a loop');
  // Find an existing chain from early to late, and propose closing it: last → first.
  const first = items[0].id;
  const last = [...check.order].reverse().find((id) => wouldCreateCycle(buildGraph(items, edges), id, first) !== null)!;
  const graph = buildGraph(items, edges);
  const doc = timelineDoc(items, edges);
  const editor = createEditor('bench');
  if (addDependency(doc, editor, { from: last, to: first }).ok) throw new Error('the guard accepted a loop');
  return {
    'timeline.items': items.length,
    'timeline.dependencies': edges.length,
    'timeline.criticalPaths': check.criticalPaths.length,
    'timeline.scheduleMs': round(medianMs(RUNS, () => schedule(items, edges)), 3)!,
    'timeline.cycleCheckMs': round(medianMs(RUNS * 4, () => wouldCreateCycle(graph, last, first)), 3)!,
    'timeline.cycleCheckWithBuildMs': round(medianMs(RUNS * 4, () => wouldCreateCycle(buildGraph(items, edges), last, first)), 3)!,
    'timeline.guardRefusalMs': round(medianMs(RUNS, () => addDependency(doc, editor, { from: last, to: first })), 3)!,
    'timeline.cyclePathLength': wouldCreateCycle(graph, last, first)!.path.length
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchTimeline(), null, 2));
}
