/**
 * What the chart highlights, computed once per change of items or dependencies: the schedule
 * (float, critical items and the dependencies between them on a critical path), the loops a merge
 * may have made (with a sentence naming each), and slippage against the baseline. Pure.
 */
import { buildGraph, findCycles, formatPath } from '../../../../shared/planning/graph.ts';
import { schedule, type ScheduledItem } from '../../../../shared/planning/schedule.ts';
import { slippageDays, summarizeSlippage, type SlippageSummary } from '../../../../shared/planning/slippage.ts';
import type { Calendar } from '../../../../shared/planning/dates.ts';
import type { Dependency, Milestone } from '../../../../shared/schema.ts';

export type Loop = { members: string[]; path: string[]; message: string };

export type Analysis = {
  /** Scheduled items; empty while a loop blocks scheduling. */
  scheduled: Map<string, ScheduledItem>;
  /** Items on a listed critical path. */
  critical: Set<string>;
  /** Dependencies between consecutive items of a critical path. */
  criticalDeps: Set<string>;
  /** When dependencies form loops (only after concurrent edits merge): each loop, named. */
  loops: Loop[];
  /** The schedule's last day; null when empty or looped. */
  end: string | null;
  slippage: SlippageSummary;
  slip: Map<string, number>;
};

export function analyse(items: readonly Milestone[], deps: readonly Dependency[], calendar?: Calendar): Analysis {
  const names = new Map(items.map((m) => [m.id, m.name]));
  const slip = new Map<string, number>();
  for (const m of items) {
    const d = slippageDays(m);
    if (d !== null) slip.set(m.id, d);
  }
  const base = { slippage: summarizeSlippage(items), slip };
  const result = schedule(items, deps, { calendar });
  if (!result.ok) {
    const loops = findCycles(buildGraph(items, deps)).map((c) => ({
      members: c.members,
      path: c.path,
      message: formatPath(c.path, (id) => names.get(id) ?? id)
    }));
    return { ...base, scheduled: new Map(), critical: new Set(), criticalDeps: new Set(), loops, end: null };
  }
  const critical = new Set<string>();
  const pairs = new Set<string>();
  for (const path of result.criticalPaths) {
    path.forEach((id, i) => {
      critical.add(id);
      if (i > 0) pairs.add(`${path[i - 1]}>${id}`);
    });
  }
  const criticalDeps = new Set(deps.filter((d) => pairs.has(`${d.from}>${d.to}`)).map((d) => d.id));
  return { ...base, scheduled: result.items, critical, criticalDeps, loops: [], end: result.end };
}
