/**
 * The dependency graph of a timeline: items are nodes, finish-to-start dependencies are edges from
 * predecessor to successor. Built from plain snapshot records, so it runs the same in the browser
 * and on the server.
 *
 * Every ordering here is by id (plain code-unit comparison, never locale-aware), so two replicas
 * holding the same document get the same order, the same cycles and the same messages.
 */

export type Edge = { id: string; from: string; to: string; lagDays: number };

export type Graph = {
  /** Item ids, ascending. */
  nodes: readonly string[];
  /** The dependencies kept, ascending by id. */
  edges: readonly Edge[];
  /** Outgoing edges of each item, by successor id then edge id. */
  out: ReadonlyMap<string, readonly Edge[]>;
  /** Incoming edges of each item, by predecessor id then edge id. */
  in: ReadonlyMap<string, readonly Edge[]>;
};

/** A loop of dependencies: the items of one strongly connected group and one loop through them. */
export type Cycle = {
  /** Every item caught in the loop(s), ascending. */
  members: string[];
  /** One loop, starting and ending at the smallest member: ['a', 'c', 'b', 'a']. */
  path: string[];
};

/** Plain code-unit order of ids: the same on every replica, whatever its locale. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the graph. A dependency whose predecessor or successor is not an item (deleted by a peer,
 * or never existed) is left out, and so is one from an item to itself: neither can constrain dates.
 */
export function buildGraph(items: readonly { id: string }[], dependencies: readonly Edge[]): Graph {
  const nodes = [...new Set(items.map((i) => i.id))].sort(compareIds);
  const known = new Set(nodes);
  const edges = dependencies
    .filter((d) => d.from !== d.to && known.has(d.from) && known.has(d.to))
    .map(({ id, from, to, lagDays }) => ({ id, from, to, lagDays }))
    .sort((a, b) => compareIds(a.id, b.id));
  const out = new Map<string, Edge[]>(nodes.map((n) => [n, []]));
  const inn = new Map<string, Edge[]>(nodes.map((n) => [n, []]));
  for (const e of edges) {
    out.get(e.from)!.push(e);
    inn.get(e.to)!.push(e);
  }
  for (const list of out.values()) list.sort((a, b) => compareIds(a.to, b.to) || compareIds(a.id, b.id));
  for (const list of inn.values()) list.sort((a, b) => compareIds(a.from, b.from) || compareIds(a.id, b.id));
  return { nodes, edges, out, in: inn };
}

/** A min-heap of ids, so Kahn's algorithm always takes the smallest ready id. */
class IdHeap {
  private readonly items: string[] = [];
  get size(): number {
    return this.items.length;
  }
  push(id: string): void {
    const a = this.items;
    a.push(id);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): string {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

export type TopologicalOrder = { ok: true; order: string[] } | { ok: false; cyclic: string[] };

/**
 * Orders items so every predecessor comes before its successors (Kahn's algorithm). When several
 * items are ready at once the smallest id goes first, so the order is the same everywhere. If
 * dependencies form a loop there is no such order: the result lists the items that sit on a loop
 * (not the ones merely downstream of it), ascending.
 */
export function topologicalOrder(graph: Graph): TopologicalOrder {
  const indegree = new Map<string, number>();
  const ready = new IdHeap();
  for (const n of graph.nodes) {
    const d = graph.in.get(n)!.length;
    indegree.set(n, d);
    if (d === 0) ready.push(n);
  }
  const order: string[] = [];
  while (ready.size) {
    const n = ready.pop();
    order.push(n);
    for (const e of graph.out.get(n)!) {
      const d = indegree.get(e.to)! - 1;
      indegree.set(e.to, d);
      if (d === 0) ready.push(e.to);
    }
  }
  if (order.length === graph.nodes.length) return { ok: true, order };
  return { ok: false, cyclic: stronglyConnected(graph).flat().sort(compareIds) };
}

/**
 * Groups of two or more items that all reach each other (Tarjan's algorithm, iterative so a long
 * chain cannot overflow the stack). Each group ascending; groups ordered by their smallest id.
 */
export function stronglyConnected(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let next = 0;
  for (const root of graph.nodes) {
    if (index.has(root)) continue;
    // Each frame: a node and how many of its outgoing edges were visited.
    const frames: [string, number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (frames.length) {
      const frame = frames[frames.length - 1];
      const [v, i] = frame;
      const out = graph.out.get(v)!;
      if (i < out.length) {
        frame[1]++;
        const w = out[i].to;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          frames.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length) {
        const parent = frames[frames.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          group.push(w);
        } while (w !== v);
        if (group.length > 1) groups.push(group.sort(compareIds));
      }
    }
  }
  return groups.sort((a, b) => compareIds(a[0], b[0]));
}

/**
 * Shortest path of items from `from` to `to` following dependencies, visiting successors in id
 * order (so ties resolve the same everywhere); `allowed` limits the items it may pass through.
 * With from === to it finds the shortest loop back to `from`. Null when `to` cannot be reached.
 */
export function shortestPath(graph: Graph, from: string, to: string, allowed?: ReadonlySet<string>): string[] | null {
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (const e of graph.out.get(v) ?? []) {
      if (allowed && !allowed.has(e.to)) continue;
      if (e.to === to) {
        const path = [to];
        for (let p: string | null = v; p !== null; p = previous.get(p)!) path.push(p);
        return path.reverse();
      }
      if (previous.has(e.to)) continue;
      previous.set(e.to, v);
      queue.push(e.to);
    }
  }
  return null;
}

/**
 * Every loop in the graph, one per strongly connected group: its members, and the shortest loop
 * from its smallest member back to itself. Two loops that share an item are one group, because
 * breaking them is one decision (see repair.ts).
 */
export function findCycles(graph: Graph): Cycle[] {
  return stronglyConnected(graph).map((members) => {
    // Every member of a strongly connected group lies on a loop inside it.
    const path = shortestPath(graph, members[0], members[0], new Set(members))!;
    return { members, path };
  });
}

/** A loop written for people: 'HEL-M3 → HEL-M7 → HEL-M3'. */
export function formatPath(path: readonly string[], name: (id: string) => string = (id) => id): string {
  return path.map(name).join(' → ');
}

export type CycleRefusal = { path: string[]; message: string };

/**
 * Whether adding the dependency from → to would close a loop, i.e. whether `from` is already
 * reachable from `to` (or from === to). Returns null when the dependency is safe, else the loop it
 * would close, starting at `from` — the new dependency first, then the shortest existing way
 * back — with a message saying so (ids, or what `name` makes of them). Items not in the graph cannot
 * close a loop.
 */
export function wouldCreateCycle(graph: Graph, from: string, to: string, name: (id: string) => string = (id) => id): CycleRefusal | null {
  if (from === to) return { path: [from, from], message: `${name(from)} cannot depend on itself` };
  if (!graph.out.has(from) || !graph.out.has(to)) return null;
  const back = shortestPath(graph, to, from);
  if (!back) return null;
  const path = [from, ...back];
  return { path, message: `${name(to)} already leads to ${name(from)}, so this dependency would close a loop: ${formatPath(path, name)}` };
}
