import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildDemoPlan, DEMO_ROOM } from '../../server/seed/demo-plan.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { isId } from '../../shared/ids.ts';
import { SCHEMA_VERSION, type PlanSnapshot } from '../../shared/schema.ts';

/** Wednesday 18 June 2025, 14:45 London (BST). */
const NOW = Date.UTC(2025, 5, 18, 13, 45);

/** Other instants the plan must also hold up at: Monday just after midnight, a Sunday, DST weeks, New Year. */
const OTHER_NOWS = [
  Date.UTC(2025, 5, 15, 23, 30), // Monday 00:30 BST
  Date.UTC(2025, 2, 30, 12, 0), // Sunday, the day clocks go forward
  Date.UTC(2025, 9, 27, 8, 0), // Monday after clocks go back
  Date.UTC(2026, 0, 1, 0, 5) // New Year, Thursday
];

const weekdayIn = (t: number, tz: string) => new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short' }).format(t);

function hasCycle(nodes: string[], edges: { from: string; to: string }[]): boolean {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) next.get(e.from)!.push(e.to);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string): boolean => {
    if (state.get(n) === 'done') return false;
    if (state.get(n) === 'visiting') return true;
    state.set(n, 'visiting');
    for (const m of next.get(n) ?? []) if (visit(m)) return true;
    state.set(n, 'done');
    return false;
  };
  return nodes.some(visit);
}

/** Properties every demo plan must have, whatever `now` it was built at. */
function checkPlan(s: PlanSnapshot, now: number): void {
  expect(s.meta.schemaVersion).toBe(SCHEMA_VERSION);
  expect(s.meta.kind).toBe('plan');
  expect(s.meta.timeZone).toBe('Europe/London');
  expect(s.meta.createdAt).toBeLessThanOrEqual(now);

  const statusIds = new Set(s.statuses.map((x) => x.id));
  const memberIds = new Set(s.members.map((m) => m.id));
  const members = new Map(s.members.map((m) => [m.id, m]));
  const cardIds = new Set(s.cards.map((c) => c.id));
  const linkable = new Set([...cardIds, ...s.raid.map((r) => r.id), ...s.milestones.map((m) => m.id), ...s.decisions.map((d) => d.id)]);

  for (const c of s.cards) {
    expect(statusIds.has(c.status), `${c.id} status ${c.status}`).toBe(true);
    if (c.assignee !== null) expect(memberIds.has(c.assignee), `${c.id} assignee`).toBe(true);
    for (const l of c.links) expect(linkable.has(l), `${c.id} link ${l}`).toBe(true);
    if (c.points !== null) expect([1, 2, 3, 5, 8, 13]).toContain(c.points);

    // History: a chain from creation to the current status, ascending in time, never in the future.
    expect(c.history.length).toBeGreaterThan(0);
    expect(c.history[0].from).toBeNull();
    expect(c.history[0].at).toBe(c.createdAt);
    for (let k = 1; k < c.history.length; k++) {
      expect(c.history[k].from, `${c.id} history[${k}]`).toBe(c.history[k - 1].to);
      expect(c.history[k].at, `${c.id} history[${k}] time`).toBeGreaterThan(c.history[k - 1].at);
    }
    expect(c.history[c.history.length - 1].to).toBe(c.status);
    for (const h of c.history) {
      expect(statusIds.has(h.to)).toBe(true);
      expect(h.at).toBeLessThanOrEqual(now);
      expect(memberIds.has(h.actor), `${c.id} actor ${h.actor}`).toBe(true);
      // Moves happen on a working day where the person making them lives.
      expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], `${c.id} move on ${new Date(h.at).toISOString()}`).toContain(weekdayIn(h.at, members.get(h.actor)!.timeZone));
    }
    // Estimates: a chain ending at the current points.
    for (let k = 1; k < c.estimates.length; k++) expect(c.estimates[k].from).toBe(c.estimates[k - 1].to);
    if (c.estimates.length) expect(c.estimates[c.estimates.length - 1].to).toBe(c.points);
    for (const e of c.estimates) expect(e.at).toBeLessThanOrEqual(now);
  }

  // Sprints: four closed with commitment and close time, one active with a commitment, one planned.
  expect(s.sprints.map((x) => x.state)).toEqual(['closed', 'closed', 'closed', 'closed', 'active', 'planned']);
  for (const sp of s.sprints) {
    if (sp.state === 'planned') {
      expect(sp.commitment).toBeNull();
      continue;
    }
    expect(sp.commitment, sp.id).not.toBeNull();
    expect(sp.commitment!.cards.length).toBeGreaterThan(0);
    expect(sp.commitment!.at).toBeLessThanOrEqual(now);
    for (const c of sp.commitment!.cards) expect(cardIds.has(c.id)).toBe(true);
    if (sp.state === 'closed') {
      expect(sp.closedAt, sp.id).not.toBeNull();
      expect(sp.closedAt!).toBeGreaterThan(sp.commitment!.at);
      expect(sp.closedAt!).toBeLessThanOrEqual(now);
    } else {
      expect(sp.closedAt).toBeNull();
    }
  }
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
  const active = s.sprints.find((x) => x.state === 'active')!;
  expect(active.start <= today && today <= active.end, `${today} in ${active.start}..${active.end}`).toBe(true);

  // RAID: owners are members, scores in range, links resolve.
  for (const r of s.raid) {
    expect(r.owner !== null && memberIds.has(r.owner), `${r.id} owner`).toBe(true);
    for (const v of [r.likelihood, r.impact]) expect(v >= 1 && v <= 5).toBe(true);
    for (const l of r.links) expect(linkable.has(l), `${r.id} link ${l}`).toBe(true);
  }
  for (const d of s.decisions) for (const l of d.links) expect(linkable.has(l), `${d.id} link ${l}`).toBe(true);

  // Timeline: dependencies join existing milestones and form no cycle.
  const milestoneIds = s.milestones.map((m) => m.id);
  for (const d of s.dependencies) {
    expect(milestoneIds).toContain(d.from);
    expect(milestoneIds).toContain(d.to);
  }
  expect(hasCycle(milestoneIds, s.dependencies)).toBe(false);
  for (const w of s.workstreams) expect(w.owner !== null && memberIds.has(w.owner)).toBe(true);
}

describe('demo plan', () => {
  const doc = buildDemoPlan(NOW);
  const s = snapshot(doc);

  it('has a room name and readable ids', () => {
    expect(DEMO_ROOM).toBe('demo-gpu-cluster');
    const ids = [s.members, s.sprints, s.epics, s.cards, s.raid, s.workstreams, s.milestones, s.dependencies, s.decisions].flatMap((l) => l.map((x) => x.id));
    for (const id of ids) expect(isId(id), id).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is a consistent plan', () => checkPlan(s, NOW));

  it('has a realistic amount of everything', () => {
    expect(s.members.length).toBeGreaterThanOrEqual(7);
    expect(s.members.length).toBeLessThanOrEqual(9);
    expect(new Set(s.members.map((m) => m.timeZone)).size).toBeGreaterThanOrEqual(5);
    expect(s.cards.length).toBeGreaterThanOrEqual(80);
    expect(s.cards.length).toBeLessThanOrEqual(120);
    expect(s.raid.length).toBeGreaterThanOrEqual(12);
    expect(s.raid.length).toBeLessThanOrEqual(18);
    expect(new Set(s.raid.map((r) => r.kind))).toEqual(new Set(['risk', 'assumption', 'issue', 'dependency']));
    expect(s.milestones.length).toBeGreaterThanOrEqual(12);
    expect(s.milestones.length).toBeLessThanOrEqual(20);
    expect(s.dependencies.length).toBeGreaterThanOrEqual(10);
    expect(s.dependencies.length).toBeLessThanOrEqual(20);
    expect(s.decisions.length).toBeGreaterThanOrEqual(5);
    expect(s.decisions.length).toBeLessThanOrEqual(8);
    expect(s.workstreams.length).toBe(5);
  });

  it('tells a sprint story: scope change, reopened and carried-over cards, cards in progress', () => {
    const closed = s.sprints.filter((x) => x.state === 'closed');
    const added = s.cards.filter((c) => closed.some((sp) => c.sprint === sp.id && !sp.commitment!.cards.some((x) => x.id === c.id)));
    expect(added.length).toBeGreaterThanOrEqual(2);
    const reopened = s.cards.filter((c) => c.history.some((h) => h.from === 'done'));
    expect(reopened.length).toBeGreaterThanOrEqual(2);
    const committedTwice = s.cards.filter((c) => s.sprints.filter((sp) => sp.commitment?.cards.some((x) => x.id === c.id)).length > 1);
    expect(committedTwice.length).toBeGreaterThanOrEqual(2);
    expect(s.cards.filter((c) => c.estimates.length > 1).length).toBeGreaterThanOrEqual(3);
    const active = s.sprints.find((x) => x.state === 'active')!;
    const inProgress = s.cards.filter((c) => c.sprint === active.id && (c.status === 'doing' || c.status === 'review'));
    expect(inProgress.length).toBeGreaterThanOrEqual(2);
    // Closed sprints ended with everything done (the unfinished was carried over).
    for (const sp of closed) expect(s.cards.filter((c) => c.sprint === sp.id).every((c) => c.status === 'done')).toBe(true);
  });

  it('has slipping milestones and overdue RAID reviews', () => {
    expect(s.milestones.filter((m) => m.baselineEnd !== null && m.end > m.baselineEnd).length).toBeGreaterThanOrEqual(2);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(NOW);
    expect(s.raid.filter((r) => r.status !== 'closed' && r.review !== null && r.review < today).length).toBeGreaterThanOrEqual(2);
  });

  it('is deterministic for a given now', () => {
    expect(JSON.stringify(snapshot(buildDemoPlan(NOW)))).toBe(JSON.stringify(s));
  });

  it('encodes to under 300 KB', () => {
    expect(Y.encodeStateAsUpdate(doc).length).toBeLessThan(300 * 1024);
  });

  it.each(OTHER_NOWS.map((t) => [new Date(t).toISOString(), t]))('is consistent when built at %s', (_, now) => {
    checkPlan(snapshot(buildDemoPlan(now as number)), now as number);
  });
});
