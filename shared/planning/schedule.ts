/**
 * Scheduling a timeline: the earliest and latest dates of every item, its float, the critical
 * path(s), and what a proposed move would push.
 *
 * The time model (these sentences are shown in the UI):
 * - A phase occupies every day from its start to its end, both included: it begins at the start of
 *   its first day and finishes at the end of its last day.
 * - A milestone or release is a moment: the start of its day. It occupies no days. (One whose end a
 *   peer set after its start occupies its days, like a phase.)
 * - Finish-to-start with lag L: the successor may start no earlier than L days after the
 *   predecessor finishes. After a phase that is the day after its last day, plus L; after a
 *   milestone it is the milestone's own day, plus L. So a kickoff on 3 March may be followed by a
 *   phase starting 3 March, and a milestone after a phase ending 14 March falls on 15 March at the
 *   earliest. A negative lag is a lead. With a working-day calendar, L counts working days only.
 * - The plan's own dates are kept as "no earlier than": dependencies can hold an item later than
 *   planned, never earlier, and every item keeps its planned length.
 *
 * Internally a date is a day number and an item is (start day, days occupied); it finishes at
 * start + days occupied, the start of the first day after it.
 */
import type { Milestone } from '../schema.ts';
import { afterLag, fromDay, latestFinishBefore, toDay, type Calendar } from './dates.ts';
import { buildGraph, compareIds, findCycles, topologicalOrder, type Cycle, type Edge, type Graph } from './graph.ts';

export type Item = Pick<Milestone, 'id' | 'kind' | 'start' | 'end'>;

export type ScheduleOptions = {
  /** Weekdays a lag counts; default every day. */
  calendar?: Calendar;
  /** At most this many critical paths are listed (a dense graph can have very many); default 20. */
  maxPaths?: number;
};

/** Days an item occupies: 0 for a milestone or release on one date, else end - start + 1. */
export function occupiedDays(item: Pick<Item, 'kind' | 'start' | 'end'>): number {
  if (item.kind !== 'phase' && item.start === item.end) return 0;
  return Math.max(1, toDay(item.end) - toDay(item.start) + 1);
}

/** The last date of an item starting on day `start` with `days` occupied: its own day when 0. */
function endDate(start: number, days: number): string {
  return fromDay(days === 0 ? start : start + days - 1);
}

export type ScheduledItem = {
  id: string;
  /** The earliest dates: the planned start, unless a dependency holds the item later. */
  earlyStart: string;
  earlyEnd: string;
  /** The latest dates that still let everything finish by the schedule's end. */
  lateStart: string;
  lateEnd: string;
  /** Total float: days the item can slip from its earliest start without delaying the end. */
  float: number;
  /** Zero float: any slip delays the end. */
  critical: boolean;
  /** Days the planned start is earlier than its dependencies allow; 0 when the plan is consistent. */
  conflictDays: number;
};

export type Schedule =
  | {
      ok: true;
      /** Item ids, predecessors first (ties by id). */
      order: string[];
      items: Map<string, ScheduledItem>;
      /**
       * The last early end date of any item; null for an empty timeline. When a phase ends last, a
       * milestone on the next day happens at the moment it finishes, so a milestone's late date may
       * be the day after `end` without delaying anything.
       */
      end: string | null;
      /** Critical chains in id order, each from its first item to one finishing at the end. */
      criticalPaths: string[][];
    }
  | { ok: false; cycles: Cycle[] };

type Timing = { start: number; days: number };

function timings(items: readonly Item[]): Map<string, Timing> {
  return new Map(items.map((i) => [i.id, { start: toDay(i.start), days: occupiedDays(i) }]));
}

/**
 * Forward pass, backward pass, float and critical paths.
 *
 * Forward: in dependency order, an item's earliest start is the latest of its planned start and,
 * for every predecessor, the first day the link allows after that predecessor's earliest finish.
 * The schedule ends when the last item finishes. Backward: in reverse order, an item's latest
 * finish is the earliest of that end and, for every successor, the last finish that still lets the
 * successor start by its latest start. Float is latest start minus earliest start; critical items
 * have none. A critical path is a chain of critical items, each link "tight" (the successor starts
 * exactly when the link allows), from an item no tight critical link leads into, to an item that
 * finishes at the end. (With a calendar, a weekend can make an item critical without a critical
 * successor: one day's slip would cost its successor three; such items are critical but on no
 * listed path.) If dependencies form a loop nothing can be scheduled: the loops are returned.
 */
export function schedule(items: readonly Item[], dependencies: readonly Edge[], options: ScheduleOptions = {}): Schedule {
  const { calendar, maxPaths = 20 } = options;
  const graph = buildGraph(items, dependencies);
  const topo = topologicalOrder(graph);
  if (!topo.ok) return { ok: false, cycles: findCycles(graph) };
  const { order } = topo;
  const plan = timings(items);
  const es = new Map<string, number>();
  const ls = new Map<string, number>();
  let finish = -Infinity;
  for (const id of order) {
    let start = plan.get(id)!.start;
    for (const e of graph.in.get(id)!) start = Math.max(start, afterLag(es.get(e.from)! + plan.get(e.from)!.days, e.lagDays, calendar));
    es.set(id, start);
    finish = Math.max(finish, start + plan.get(id)!.days);
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k];
    let latest = finish;
    for (const e of graph.out.get(id)!) latest = Math.min(latest, latestFinishBefore(ls.get(e.to)!, e.lagDays, calendar));
    ls.set(id, latest - plan.get(id)!.days);
  }
  const result = new Map<string, ScheduledItem>();
  let end: number | null = null;
  for (const id of order) {
    const { start, days } = plan.get(id)!;
    const early = es.get(id)!;
    const late = ls.get(id)!;
    const lastDay = days === 0 ? early : early + days - 1;
    end = end === null ? lastDay : Math.max(end, lastDay);
    result.set(id, {
      id,
      earlyStart: fromDay(early),
      earlyEnd: endDate(early, days),
      lateStart: fromDay(late),
      lateEnd: endDate(late, days),
      float: late - early,
      critical: late === early,
      conflictDays: early - start
    });
  }
  const tight = (e: Edge) => afterLag(es.get(e.from)! + plan.get(e.from)!.days, e.lagDays, calendar) === es.get(e.to)!;
  const finishesAtEnd = (id: string) => es.get(id)! + plan.get(id)!.days === finish;
  const criticalPaths = listCriticalPaths(graph, order, result, tight, finishesAtEnd, maxPaths);
  return { ok: true, order, items: result, end: end === null ? null : fromDay(end), criticalPaths };
}

/** Chains of critical items over tight links, ending at the end; at most `max` of them. */
function listCriticalPaths(
  graph: Graph,
  order: readonly string[],
  items: ReadonlyMap<string, ScheduledItem>,
  tight: (e: Edge) => boolean,
  finishesAtEnd: (id: string) => boolean,
  max: number
): string[][] {
  // next: tight links into critical items that themselves reach the end, so every step of the
  // walk below leads to a complete path and the cap bounds the work.
  const next = new Map<string, string[]>();
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k];
    if (!items.get(id)!.critical) continue;
    const onward = graph.out.get(id)!.filter((e) => next.has(e.to) && tight(e)).map((e) => e.to);
    if (onward.length || finishesAtEnd(id)) next.set(id, [...new Set(onward)]);
  }
  const led = new Set<string>();
  for (const list of next.values()) for (const to of list) led.add(to);
  const starts = [...next.keys()].filter((id) => !led.has(id)).sort(compareIds);
  const paths: string[][] = [];
  const walk = (path: string[]) => {
    if (paths.length >= max) return;
    const onward = next.get(path[path.length - 1])!;
    if (!onward.length) paths.push([...path]);
    for (const to of onward) walk([...path, to]);
  };
  for (const s of starts) walk([s]);
  return paths;
}

export type Move = { id: string; start: string; end: string };
export type Push = { id: string; start: string; end: string; days: number };
export type PushOptions = { calendar?: Calendar; pull?: boolean };
export type Pushes = { ok: true; pushes: Push[] } | { ok: false; cycles: Cycle[] };

/**
 * What moving one item would do to the items after it.
 *
 * Successors move only because something they depend on moved. Going through the graph in
 * dependency order, a successor whose link from a moved item is no longer met moves later, to the
 * first day all its dependencies allow, keeping its length; that move can push its own successors
 * in turn. Nothing is pulled earlier, unless `pull` is set: then a successor that sat exactly where
 * its dependencies held it (no slack) follows a moved item earlier, as far as all its dependencies
 * allow; a deliberate gap is kept. The moved item itself is not listed, and neither is anything
 * that does not move. Lists the moves in dependency order with the days each moves (positive =
 * later). If dependencies form a loop nothing can be pushed: the loops are returned.
 */
export function pushes(items: readonly Item[], dependencies: readonly Edge[], move: Move, options: PushOptions = {}): Pushes {
  const { calendar, pull = false } = options;
  const graph = buildGraph(items, dependencies);
  const topo = topologicalOrder(graph);
  if (!topo.ok) return { ok: false, cycles: findCycles(graph) };
  const before = timings(items);
  const moved = before.get(move.id);
  if (!moved) return { ok: true, pushes: [] };
  const kind = items.find((i) => i.id === move.id)!.kind;
  const after = new Map(before);
  after.set(move.id, { start: toDay(move.start), days: occupiedDays({ kind, start: move.start, end: move.end < move.start ? move.start : move.end }) });
  const finishOf = (t: Timing) => t.start + t.days;
  const changed = new Set([move.id]);
  const out: Push[] = [];
  for (const id of topo.order) {
    const links = graph.in.get(id)!;
    if (!links.some((e) => changed.has(e.from))) continue;
    const { start, days } = before.get(id)!;
    const allowed = (when: Map<string, Timing>, only?: Set<string>) =>
      links.reduce((m, e) => (only && !only.has(e.from) ? m : Math.max(m, afterLag(finishOf(when.get(e.from)!), e.lagDays, calendar))), -Infinity);
    let next = start;
    if (allowed(after, changed) > start) next = allowed(after);
    else if (pull && allowed(before) === start) next = Math.min(start, allowed(after));
    if (next === start) continue;
    changed.add(id);
    after.set(id, { start: next, days });
    out.push({ id, start: fromDay(next), end: endDate(next, days), days: next - start });
  }
  return { ok: true, pushes: out };
}
