/** Webhook events derived from two states of a plan, through the real accessors: names and stable ids. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards, moveCard } from '../../shared/doc/cards.ts';
import { addDecision, decisions, updateDecision } from '../../shared/doc/decisions.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { createRaidItem, raid, rescoreRaidItem } from '../../shared/doc/raid.ts';
import { addSprint, closeSprint, sprints, startSprintNow } from '../../shared/doc/sprints.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { milestones } from '../../shared/doc/timeline.ts';
import { deriveEvents, wants, type PlanState } from '../../server/webhooks/events.ts';

let clock = 1_000;
const editor = createEditor('u1', 'user', () => ++clock);
const state = (doc: Y.Doc): PlanState => ({ cards: cards.list(doc), statuses: statuses.list(doc), sprints: sprints.list(doc), raid: raid.list(doc), milestones: milestones.list(doc), decisions: decisions.list(doc) });

describe('webhook events', () => {
  it('derives every event kind once, with ids any server derives alike', () => {
    const doc = new Y.Doc();
    createPlan(doc, editor, { name: 'P' });
    const s0 = state(doc);
    const card = addCard(doc, editor, { title: 'A', status: 'backlog', rank: 'a' });
    const sprint = addSprint(doc, editor, { name: 'S', goal: '', start: '2026-12-01', end: '2026-12-14' });
    const risk = createRaidItem(doc, editor, { kind: 'risk', title: 'R', owner: null, status: 'open', raised: '2026-12-01', review: null, due: null, likelihood: 3, impact: 3, residualLikelihood: null, residualImpact: null, links: [] });
    const ms = milestones.add(doc, editor, { name: 'M', kind: 'milestone', workstream: null, start: '2026-12-10', end: '2026-12-10', baselineStart: '2026-12-10', baselineEnd: '2026-12-10', stage: 'build', owner: null });
    const dec = addDecision(doc, editor, { title: 'D', date: '2026-12-03' })!;
    const s1 = state(doc);
    expect(deriveEvents(s0, s1).map((e) => e.event).sort()).toEqual(['card.created', 'raid.raised']);

    moveCard(doc, editor, card, { status: 'doing' });
    moveCard(doc, editor, card, { status: 'done' });
    if (!sprint.ok) throw new Error(sprint.reason);
    startSprintNow(doc, editor, sprint.id);
    rescoreRaidItem(doc, editor, risk, { likelihood: 5, impact: 4 });
    milestones.update(doc, editor, ms, { end: '2026-12-20' });
    updateDecision(doc, editor, dec, { status: 'decided' });
    const s2 = state(doc);
    const events = deriveEvents(s1, s2);
    expect(events.map((e) => e.event)).toEqual(['card.moved', 'card.moved', 'card.done', 'sprint.started', 'raid.rescored', 'milestone.slipped', 'decision.recorded']);
    // Another server observing the same change derives the same ids; nothing new, nothing again.
    expect(deriveEvents(s1, s2).map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(deriveEvents(s2, s2)).toEqual([]);

    closeSprint(doc, editor, sprint.id, { moveUnfinishedTo: null });
    expect(deriveEvents(s2, state(doc)).map((e) => e.event)).toEqual(['sprint.closed']);
    expect(wants([], 'card.done')).toBe(true);
    expect(wants(['card.moved'], 'card.done')).toBe(false);
    doc.destroy();
  });
});
