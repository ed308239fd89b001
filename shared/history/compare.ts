/**
 * Compare two moments of a plan: what was added, removed, moved between columns or sprints,
 * re-estimated, re-scored (a risk moved on the heat map), slipped (a milestone's end moved later)
 * and decided between `before` and `after`. Pure: two snapshots in (shared/doc/snapshot.ts, each
 * rebuilt at its moment), plain changes out, in a fixed order.
 *
 * Who and when come from the logs the plan keeps on each item (a card's status, sprint and
 * estimate logs, a RAID item's field log, a card's creator): the newest entry for that field
 * inside the window (window.from, window.to]. An item's logs vanish with it, so a removal has no
 * author here (`by: null`); so has a change whose item keeps no log of that field (milestones,
 * decisions). The caller may fill those from the stored log's author.
 */
import type { Card, Decision, Milestone, PlanSnapshot, RaidChange, RaidItem } from '../schema.ts';

export type CompareItemKind = 'card' | 'raid' | 'milestone' | 'decision';

export type ChangeKind = 'added' | 'removed' | 'moved' | 'sprintMoved' | 'reestimated' | 'rescored' | 'slipped' | 'pulledIn' | 'decided';

export type PlanChange = {
  kind: ChangeKind;
  item: CompareItemKind;
  id: string;
  /** The item's title or name (the later one when it still exists). */
  title: string;
  /** The value before and after: status id, sprint id (null = backlog), points, [likelihood, impact], ISO end date, decision status. */
  from: unknown;
  to: unknown;
  /** Calendar days a milestone's end moved (slipped > 0, pulled in < 0). */
  days?: number;
  /** Who made the change (stored actor / user id) and when (server ms); null when no log tells. */
  by: string | null;
  at: number | null;
};

/** The moments compared, ms: logs are read for entries with from < at <= to. */
export type CompareWindow = { from: number; to: number };

/** Optional extra logs the snapshot does not carry: RAID field logs by item id (raidHistories). */
export type CompareLogs = { raid?: Readonly<Record<string, readonly RaidChange[]>> };

type Logged = { at: number; actor: string };

/** The newest log entry inside the window that `match` accepts. */
function newest<T extends Logged>(log: readonly T[] | undefined, w: CompareWindow, match: (e: T) => boolean = () => true): Logged | null {
  let best: T | null = null;
  for (const e of log ?? []) if (e.at > w.from && e.at <= w.to && match(e) && (!best || e.at >= best.at)) best = e;
  return best;
}

const who = (e: Logged | null) => ({ by: e?.actor ?? null, at: e?.at ?? null });

function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((x) => [x.id, x]));
}

/** Added and removed items of one collection, and a callback for each item present at both moments. */
function diffCollection<T extends { id: string }>(
  out: PlanChange[],
  item: CompareItemKind,
  before: readonly T[],
  after: readonly T[],
  title: (x: T) => string,
  added: (x: T) => { by: string | null; at: number | null },
  both: (a: T, b: T) => void
) {
  const old = byId(before);
  for (const b of after) {
    const a = old.get(b.id);
    if (a) both(a, b);
    else out.push({ kind: 'added', item, id: b.id, title: title(b), from: null, to: null, ...added(b) });
  }
  const now = byId(after);
  for (const a of before) if (!now.has(a.id)) out.push({ kind: 'removed', item, id: a.id, title: title(a), from: null, to: null, by: null, at: null });
}

const DAY_MS = 86_400_000;
/** Whole days from ISO date `a` to ISO date `b` (UTC calendar arithmetic; dates carry no zone). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

function compareCards(out: PlanChange[], before: readonly Card[], after: readonly Card[], w: CompareWindow) {
  diffCollection(out, 'card', before, after, (c) => c.title, (c) => ({ by: c.createdBy || null, at: c.createdAt }), (a, b) => {
    const base = { item: 'card' as const, id: b.id, title: b.title };
    if (a.status !== b.status) out.push({ ...base, kind: 'moved', from: a.status, to: b.status, ...who(newest(b.history, w, (e) => e.to === b.status)) });
    if (a.sprint !== b.sprint) out.push({ ...base, kind: 'sprintMoved', from: a.sprint, to: b.sprint, ...who(newest(b.sprintHistory, w, (e) => e.to === b.sprint)) });
    if (a.points !== b.points) out.push({ ...base, kind: 'reestimated', from: a.points, to: b.points, ...who(newest(b.estimates, w, (e) => e.to === b.points)) });
  });
}

const SCORE_FIELDS = new Set(['likelihood', 'impact', 'residualLikelihood', 'residualImpact']);

function compareRaid(out: PlanChange[], before: readonly RaidItem[], after: readonly RaidItem[], w: CompareWindow, logs: CompareLogs) {
  const logOf = (id: string) => logs.raid?.[id];
  diffCollection(out, 'raid', before, after, (r) => r.title, (r) => who(newest(logOf(r.id), w, (e) => e.field === 'created')), (a, b) => {
    // The heat map places a risk by its current score: residual once assessed, inherent before.
    const score = (r: RaidItem) => [r.residualLikelihood ?? r.likelihood, r.residualImpact ?? r.impact];
    const [sa, sb] = [score(a), score(b)];
    if (sa[0] !== sb[0] || sa[1] !== sb[1]) {
      out.push({ kind: 'rescored', item: 'raid', id: b.id, title: b.title, from: sa, to: sb, ...who(newest(logOf(b.id), w, (e) => SCORE_FIELDS.has(e.field))) });
    }
  });
}

function compareMilestones(out: PlanChange[], before: readonly Milestone[], after: readonly Milestone[]) {
  const none = () => ({ by: null, at: null });
  diffCollection(out, 'milestone', before, after, (m) => m.name, none, (a, b) => {
    if (a.end === b.end) return;
    const days = daysBetween(a.end, b.end);
    out.push({ kind: days > 0 ? 'slipped' : 'pulledIn', item: 'milestone', id: b.id, title: b.name, from: a.end, to: b.end, days, by: null, at: null });
  });
}

function compareDecisions(out: PlanChange[], before: readonly Decision[], after: readonly Decision[]) {
  const decided = (d: Decision) => ({ kind: 'decided' as const, item: 'decision' as const, id: d.id, title: d.title, by: null, at: null });
  diffCollection(out, 'decision', before, after, (d) => d.title, () => ({ by: null, at: null }), (a, b) => {
    if (a.status !== 'decided' && b.status === 'decided') out.push({ ...decided(b), from: a.status, to: b.status });
  });
  // A decision recorded as decided in the window was also decided in it.
  const old = new Set(before.map((d) => d.id));
  for (const d of after) if (!old.has(d.id) && d.status === 'decided') out.push({ ...decided(d), from: null, to: d.status });
}

const ITEM_ORDER: Record<CompareItemKind, number> = { card: 0, raid: 1, milestone: 2, decision: 3 };
const KIND_ORDER: Record<ChangeKind, number> = { added: 0, removed: 1, moved: 2, sprintMoved: 3, reestimated: 4, rescored: 5, slipped: 6, pulledIn: 7, decided: 8 };

/** Every change between two snapshots, ordered by item kind, change kind, then id (deterministic). */
export function comparePlans(before: PlanSnapshot, after: PlanSnapshot, window: CompareWindow, logs: CompareLogs = {}): PlanChange[] {
  const out: PlanChange[] = [];
  compareCards(out, before.cards, after.cards, window);
  compareRaid(out, before.raid, after.raid, window, logs);
  compareMilestones(out, before.milestones, after.milestones);
  compareDecisions(out, before.decisions, after.decisions);
  return out.sort((x, y) => ITEM_ORDER[x.item] - ITEM_ORDER[y.item] || KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** Counts per change kind, for a summary line ("3 added · 1 slipped"). */
export function countChanges(changes: readonly PlanChange[]): Partial<Record<ChangeKind, number>> {
  const out: Partial<Record<ChangeKind, number>> = {};
  for (const c of changes) out[c.kind] = (out[c.kind] ?? 0) + 1;
  return out;
}
