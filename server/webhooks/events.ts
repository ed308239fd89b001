/**
 * Webhook events from two states of a plan: pure, plain data in and out. Each event has an id
 * derived from what happened (not from who saw it), so every server that observes the same change
 * derives the same id and the store enqueues it once per subscription.
 */
import type { Card, Decision, Milestone, RaidItem, Sprint, Status } from '../../shared/schema.ts';

export const EVENTS = ['card.created', 'card.moved', 'card.done', 'sprint.started', 'sprint.closed', 'raid.raised', 'raid.rescored', 'milestone.slipped', 'decision.recorded'] as const;
export type EventName = (typeof EVENTS)[number];

export type PlanState = { cards: Card[]; statuses: Status[]; sprints: Sprint[]; raid: RaidItem[]; milestones: Milestone[]; decisions: Decision[] };

export type PlanEvent = { id: string; event: EventName; item: string; data: Record<string, unknown> };

const byId = <T extends { id: string }>(items: readonly T[]) => new Map(items.map((i) => [i.id, i]));

export function deriveEvents(before: PlanState, after: PlanState): PlanEvent[] {
  const out: PlanEvent[] = [];
  const done = new Set(after.statuses.filter((s) => s.category === 'done').map((s) => s.id));
  const cardsBefore = byId(before.cards);
  for (const card of after.cards) {
    const old = cardsBefore.get(card.id);
    if (!old) out.push({ id: `card.created:${card.id}`, event: 'card.created', item: card.id, data: { card: { id: card.id, title: card.title, status: card.status } } });
    // History is append-only: what is past the old length is new (creation's own entry has from: null).
    for (const change of card.history.slice(old ? old.history.length : 0)) {
      if (change.from === null) continue;
      const key = `${card.id}:${change.at}:${change.to}`;
      out.push({ id: `card.moved:${key}`, event: 'card.moved', item: card.id, data: { card: card.id, from: change.from, to: change.to, at: change.at, actor: change.actor } });
      if (done.has(change.to)) out.push({ id: `card.done:${key}`, event: 'card.done', item: card.id, data: { card: card.id, status: change.to, at: change.at } });
    }
  }
  const sprintsBefore = byId(before.sprints);
  for (const s of after.sprints) {
    const old = sprintsBefore.get(s.id);
    if (s.state !== 'planned' && (!old || old.state === 'planned')) out.push({ id: `sprint.started:${s.id}`, event: 'sprint.started', item: s.id, data: { sprint: s.id, name: s.name, commitment: s.commitment } });
    if (s.state === 'closed' && old?.state !== 'closed') out.push({ id: `sprint.closed:${s.id}`, event: 'sprint.closed', item: s.id, data: { sprint: s.id, name: s.name, closedAt: s.closedAt } });
  }
  const raidBefore = byId(before.raid);
  for (const r of after.raid) {
    const old = raidBefore.get(r.id);
    if (!old) out.push({ id: `raid.raised:${r.id}`, event: 'raid.raised', item: r.id, data: { item: r.id, kind: r.kind, title: r.title, likelihood: r.likelihood, impact: r.impact } });
    else if (old.likelihood !== r.likelihood || old.impact !== r.impact) {
      const data = { item: r.id, from: { likelihood: old.likelihood, impact: old.impact }, to: { likelihood: r.likelihood, impact: r.impact } };
      out.push({ id: `raid.rescored:${r.id}:${old.likelihood}x${old.impact}:${r.likelihood}x${r.impact}`, event: 'raid.rescored', item: r.id, data });
    }
  }
  const milestonesBefore = byId(before.milestones);
  for (const m of after.milestones) {
    const old = milestonesBefore.get(m.id);
    // Slipped: its end moved later than it was, and later than its baseline when it has one.
    if (old && m.end > old.end && (m.baselineEnd === null || m.end > m.baselineEnd)) {
      out.push({ id: `milestone.slipped:${m.id}:${m.end}`, event: 'milestone.slipped', item: m.id, data: { milestone: m.id, name: m.name, from: old.end, to: m.end, baselineEnd: m.baselineEnd } });
    }
  }
  const decisionsBefore = byId(before.decisions);
  for (const d of after.decisions) {
    if (d.status === 'decided' && decisionsBefore.get(d.id)?.status !== 'decided') {
      out.push({ id: `decision.recorded:${d.id}`, event: 'decision.recorded', item: d.id, data: { decision: d.id, title: d.title, date: d.date } });
    }
  }
  return out;
}

/** Whether a subscription's filter takes this event (an empty filter takes all). */
export const wants = (filter: readonly string[], event: EventName) => filter.length === 0 || filter.includes(event);
