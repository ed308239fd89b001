import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan, editableRoots } from '../../shared/doc/plan.ts';
import { addSprint, sprints } from '../../shared/doc/sprints.ts';
import { PLAN_ROOT } from '../../shared/schema.ts';

describe('editableRoots', () => {
  it('covers every plan root a person writes, and not the server-only poker root', () => {
    const doc = new Y.Doc();
    const names = editableRoots(doc).map((t) => [...doc.share.entries()].find(([, v]) => (v as unknown) === t)![0]);
    expect(names).toContain(PLAN_ROOT.cards);
    expect(names).toContain(PLAN_ROOT.sprints);
    expect(names).toContain(PLAN_ROOT.raid);
    expect(names).not.toContain(PLAN_ROOT.poker);
  });

  it('an undo manager over them undoes one person’s sprint and card edits, not a peer’s', () => {
    const doc = new Y.Doc();
    const me = createEditor('me');
    const peer = createEditor('peer');
    createPlan(doc, createEditor('server', 'server'), { name: 'Undo' });
    const undo = new Y.UndoManager(editableRoots(doc), { trackedOrigins: new Set([me.origin]), captureTimeout: 0 });
    const added = addSprint(doc, me, { name: 'S1', goal: '', start: '2026-01-05', end: '2026-01-16' });
    if (!added.ok) throw new Error(added.reason);
    const sprint = added.id;
    addCard(doc, peer, { title: 'peer card', status: 'todo', rank: 'a' });
    undo.undo();
    expect(sprints.get(doc, sprint)).toBeNull();
    expect(cards.list(doc).map((c) => c.title)).toEqual(['peer card']);
    undo.destroy();
  });
});
