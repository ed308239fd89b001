/**
 * The accessors the board and sprint planning added: statuses admin, sprints (add, edit, start,
 * close), card moves with swimlanes, bulk sprint moves, the sprint log, imports, and the change feed
 * the board's card cache listens to. Each mutation is one transaction with the editor's origin.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addCard,
  cards,
  importCards,
  lastCardRank,
  moveCard,
  moveCardsToSprint,
  observeCards,
  placeCard,
  rankAtEnd,
  type ImportedCard
} from '../../shared/doc/cards.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addSprint, closeSprint, sprints, startSprintNow, updateSprint } from '../../shared/doc/sprints.ts';
import { addStatus, moveStatus, orderedStatuses, renameStatus, setStatusCategory, setWipLimit, statuses } from '../../shared/doc/statuses.ts';

function editor(actor = 'ana', start = 1_700_000_000_000, kind: 'user' | 'import' = 'user'): Editor & { tick: () => void } {
  let t = start;
  const e = createEditor(actor, kind, () => t);
  return { ...e, tick: () => void (t += 1000) };
}

function planDoc(ed: Editor = editor()): Y.Doc {
  const doc = new Y.Doc();
  createPlan(doc, ed, { name: 'Board plan' });
  return doc;
}

/** Counts transactions and their origins. */
function transactions(doc: Y.Doc) {
  const origins: unknown[] = [];
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.changed.size > 0) origins.push(tr.origin);
  });
  return origins;
}

function sprint(doc: Y.Doc, ed: Editor, name = 'Sprint 1', start = '2026-01-05', end = '2026-01-16'): string {
  const r = addSprint(doc, ed, { name, goal: 'Ship it', start, end });
  if (!r.ok) throw new Error(r.reason);
  return r.id;
}

describe('statuses admin', () => {
  it('addStatus appends a column (or inserts at an index) with a rank between its neighbours', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const origins = transactions(doc);
    const id = addStatus(doc, ed, { name: '  Blocked  ', category: 'doing', wipLimit: 2 })!;
    expect(orderedStatuses(doc).map((s) => s.name)).toEqual(['Backlog', 'To do', 'In progress', 'Review', 'Done', 'Blocked']);
    expect(statuses.get(doc, id)).toMatchObject({ name: 'Blocked', category: 'doing', wipLimit: 2 });
    const qa = addStatus(doc, ed, { name: 'QA', category: 'doing' }, 3)!;
    expect(orderedStatuses(doc).map((s) => s.id).indexOf(qa)).toBe(3);
    expect(origins).toEqual([ed.origin, ed.origin]);
  });

  it('addStatus refuses an empty name and a bad limit', () => {
    const ed = editor();
    const doc = planDoc(ed);
    expect(addStatus(doc, ed, { name: '   ', category: 'todo' })).toBeNull();
    expect(addStatus(doc, ed, { name: 'X', category: 'todo', wipLimit: 0 })).toBeNull();
    expect(addStatus(doc, ed, { name: 'X', category: 'todo', wipLimit: 2.5 })).toBeNull();
    expect(statuses.list(doc)).toHaveLength(5);
  });

  it('rename, category, WIP limit set and cleared', () => {
    const ed = editor();
    const doc = planDoc(ed);
    expect(renameStatus(doc, ed, 'doing', 'Doing')).toBe(true);
    expect(renameStatus(doc, ed, 'doing', '  ')).toBe(false);
    expect(setStatusCategory(doc, ed, 'review', 'done')).toBe(true);
    expect(setWipLimit(doc, ed, 'todo', 5)).toBe(true);
    expect(setWipLimit(doc, ed, 'todo', -1)).toBe(false);
    expect(setWipLimit(doc, ed, 'doing', null)).toBe(true);
    expect(statuses.get(doc, 'doing')).toMatchObject({ name: 'Doing', wipLimit: null });
    expect(statuses.get(doc, 'review')!.category).toBe('done');
    expect(statuses.get(doc, 'todo')!.wipLimit).toBe(5);
    expect(renameStatus(doc, ed, 'nope', 'x')).toBe(false);
  });

  it('moveStatus reorders by rank only', () => {
    const ed = editor();
    const doc = planDoc(ed);
    expect(moveStatus(doc, ed, 'done', 0)).toBe(true);
    expect(orderedStatuses(doc).map((s) => s.id)).toEqual(['done', 'backlog', 'todo', 'doing', 'review']);
    expect(moveStatus(doc, ed, 'done', 99)).toBe(true);
    expect(orderedStatuses(doc).map((s) => s.id)).toEqual(['backlog', 'todo', 'doing', 'review', 'done']);
    expect(moveStatus(doc, ed, 'todo', 2)).toBe(true);
    expect(orderedStatuses(doc).map((s) => s.id)).toEqual(['backlog', 'doing', 'todo', 'review', 'done']);
    expect(moveStatus(doc, ed, 'ghost', 0)).toBe(false);
  });
});

describe('sprints', () => {
  it('addSprint validates names and dates; updateSprint patches', () => {
    const ed = editor();
    const doc = planDoc(ed);
    expect(addSprint(doc, ed, { name: ' ', goal: '', start: '2026-01-05', end: '2026-01-16' })).toEqual({ ok: false, reason: 'a sprint needs a name' });
    expect(addSprint(doc, ed, { name: 'S', goal: '', start: '2026-02-30', end: '2026-03-02' }).ok).toBe(false);
    expect(addSprint(doc, ed, { name: 'S', goal: '', start: '2026-01-10', end: '2026-01-05' })).toEqual({ ok: false, reason: 'the end date is before the start date' });
    const id = sprint(doc, ed);
    expect(sprints.get(doc, id)).toMatchObject({ name: 'Sprint 1', goal: 'Ship it', state: 'planned', commitment: null, closedAt: null });
    expect(updateSprint(doc, ed, id, { goal: 'New goal', end: '2026-01-20' }).ok).toBe(true);
    expect(sprints.get(doc, id)).toMatchObject({ goal: 'New goal', start: '2026-01-05', end: '2026-01-20' });
    expect(updateSprint(doc, ed, id, { end: '2025-01-01' }).ok).toBe(false);
    expect(updateSprint(doc, ed, 'ghost', { name: 'x' })).toEqual({ ok: false, reason: 'the sprint no longer exists' });
  });

  it('startSprintNow records what the sprint holds, with points, in rank order, in one transaction', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const s = sprint(doc, ed);
    addCard(doc, ed, { title: 'b', status: 'todo', rank: 'm', sprint: s, points: 3 }, 'B');
    addCard(doc, ed, { title: 'a', status: 'todo', rank: 'c', sprint: s, points: null }, 'A');
    addCard(doc, ed, { title: 'x', status: 'todo', rank: 'd' }, 'X');
    const origins = transactions(doc);
    ed.tick();
    expect(startSprintNow(doc, ed, s)).toBe(true);
    expect(origins).toEqual([ed.origin]);
    expect(sprints.get(doc, s)).toMatchObject({ state: 'active', commitment: { at: ed.now(), cards: [{ id: 'A', points: null }, { id: 'B', points: 3 }] } });
    expect(startSprintNow(doc, ed, s)).toBe(false);
  });

  it('closeSprint moves unfinished cards to the next sprint in one transaction and logs each move', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const s1 = sprint(doc, ed);
    const s2 = sprint(doc, ed, 'Sprint 2', '2026-01-19', '2026-01-30');
    addCard(doc, ed, { title: 'done', status: 'done', rank: 'a', sprint: s1 }, 'D');
    addCard(doc, ed, { title: 'doing', status: 'doing', rank: 'b', sprint: s1 }, 'G');
    addCard(doc, ed, { title: 'todo', status: 'todo', rank: 'c', sprint: s1 }, 'T');
    addCard(doc, ed, { title: 'weird', status: 'no-such-column', rank: 'd', sprint: s1 }, 'W');
    addCard(doc, ed, { title: 'other', status: 'todo', rank: 'e', sprint: s2 }, 'O');
    startSprintNow(doc, ed, s1);
    ed.tick();
    const origins = transactions(doc);
    const result = closeSprint(doc, ed, s1, { moveUnfinishedTo: s2 });
    expect(result).toEqual({ ok: true, moved: ['G', 'T', 'W'] });
    expect(origins).toEqual([ed.origin]);
    expect(sprints.get(doc, s1)).toMatchObject({ state: 'closed', closedAt: ed.now() });
    const byId = Object.fromEntries(cards.list(doc).map((c) => [c.id, c]));
    expect([byId.D.sprint, byId.G.sprint, byId.T.sprint, byId.W.sprint, byId.O.sprint]).toEqual([s1, s2, s2, s2, s2]);
    expect(byId.G.sprintHistory).toEqual([{ at: ed.now(), from: s1, to: s2, actor: 'ana' }]);
    expect(byId.D.sprintHistory).toEqual([]);
    // Status and rank stay as they were.
    expect([byId.G.status, byId.G.rank]).toEqual(['doing', 'b']);
  });

  it('closeSprint to the backlog; refuses planned, closed, missing sprints and bad targets', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const s1 = sprint(doc, ed);
    const s2 = sprint(doc, ed, 'Sprint 2', '2026-01-19', '2026-01-30');
    addCard(doc, ed, { title: 'todo', status: 'todo', rank: 'c', sprint: s1 }, 'T');
    expect(closeSprint(doc, ed, s1, { moveUnfinishedTo: null })).toEqual({ ok: false, reason: 'the sprint is planned, not active' });
    startSprintNow(doc, ed, s1);
    expect(closeSprint(doc, ed, s1, { moveUnfinishedTo: s1 }).ok).toBe(false);
    expect(closeSprint(doc, ed, s1, { moveUnfinishedTo: 'ghost' }).ok).toBe(false);
    expect(closeSprint(doc, ed, 'ghost', { moveUnfinishedTo: null }).ok).toBe(false);
    expect(closeSprint(doc, ed, s1, { moveUnfinishedTo: null })).toEqual({ ok: true, moved: ['T'] });
    expect(cards.get(doc, 'T')!.sprint).toBeNull();
    expect(cards.get(doc, 'T')!.sprintHistory).toEqual([{ at: ed.now(), from: s1, to: null, actor: 'ana' }]);
    expect(closeSprint(doc, ed, s1, { moveUnfinishedTo: null }).ok).toBe(false);
    // A closed sprint cannot receive cards.
    startSprintNow(doc, ed, s2);
    expect(closeSprint(doc, ed, s2, { moveUnfinishedTo: s1 }).ok).toBe(false);
  });
});

describe('card moves', () => {
  it('moveCard logs sprint changes in sprintHistory, status changes in history', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const id = addCard(doc, ed, { title: 'x', status: 'todo', rank: 'i' });
    expect(cards.get(doc, id)!.sprintHistory).toEqual([]);
    ed.tick();
    moveCard(doc, ed, id, { sprint: 's1' });
    ed.tick();
    moveCard(doc, ed, id, { sprint: 's1', status: 'doing' });
    ed.tick();
    moveCard(doc, ed, id, { sprint: null });
    const card = cards.get(doc, id)!;
    expect(card.sprintHistory).toEqual([
      { at: 1_700_000_001_000, from: null, to: 's1', actor: 'ana' },
      { at: 1_700_000_003_000, from: 's1', to: null, actor: 'ana' }
    ]);
    expect(card.history.map((h) => h.to)).toEqual(['todo', 'doing']);
  });

  it('placeCard changes column, rank and lane field in one transaction; nothing for a deleted card', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const id = addCard(doc, ed, { title: 'x', status: 'todo', rank: 'i', assignee: 'm-1' });
    const origins = transactions(doc);
    expect(placeCard(doc, ed, id, { status: 'doing', rank: 'k', assignee: 'm-2' })).toBe(true);
    expect(placeCard(doc, ed, id, { status: 'doing', rank: 'k', epic: 'e-1', assignee: null })).toBe(true);
    expect(origins).toEqual([ed.origin, ed.origin]);
    expect(cards.get(doc, id)).toMatchObject({ status: 'doing', rank: 'k', assignee: null, epic: 'e-1' });
    expect(cards.get(doc, id)!.history.map((h) => h.to)).toEqual(['todo', 'doing']);
    cards.remove(doc, ed, id);
    expect(placeCard(doc, ed, id, { status: 'done' })).toBe(false);
    expect(cards.root(doc).has(id)).toBe(false);
  });

  it('moveCardsToSprint moves several cards in one transaction, skipping those already there or gone', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const a = addCard(doc, ed, { title: 'a', status: 'todo', rank: 'a' });
    const b = addCard(doc, ed, { title: 'b', status: 'todo', rank: 'b', sprint: 's1' });
    const origins = transactions(doc);
    expect(moveCardsToSprint(doc, ed, [a, b, 'ghost', a], 's1')).toBe(1);
    expect(origins).toEqual([ed.origin]);
    expect(cards.get(doc, a)!.sprint).toBe('s1');
    expect(cards.get(doc, a)!.sprintHistory).toHaveLength(1);
    expect(cards.get(doc, b)!.sprintHistory).toHaveLength(0);
  });

  it('rankAtEnd sorts after every card', () => {
    const ed = editor();
    const doc = planDoc(ed);
    expect(lastCardRank(doc)).toBe('');
    addCard(doc, ed, { title: 'a', status: 'todo', rank: 'x' });
    addCard(doc, ed, { title: 'b', status: 'todo', rank: 'c' });
    expect(rankAtEnd(doc) > 'x').toBe(true);
  });
});

describe('importCards', () => {
  const row = (over: Partial<ImportedCard> = {}): ImportedCard => ({
    title: 'Imported',
    status: 'todo',
    sprint: null,
    points: 3,
    assignee: null,
    labels: ['story'],
    epic: null,
    due: null,
    createdAt: 1_600_000_000_000,
    resolvedAt: null,
    ...over
  });

  it('imports every row in ONE transaction with an import origin, in order after the last card', () => {
    const ed = editor('ana');
    const doc = planDoc(ed);
    addCard(doc, ed, { title: 'existing', status: 'todo', rank: 'r' }, 'E');
    const seen: { origin: unknown; changed: number }[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push({ origin: tr.origin, changed: tr.changed.size }));
    const result = importCards(doc, ed, [row({ id: 'JIRA-1', title: 'First' }), row({ title: 'Second', points: null }), row({ id: 'JIRA-3', title: 'Third' })]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.ids[0]).toBe('JIRA-1');
    expect(result.ids[2]).toBe('JIRA-3');
    expect(seen).toHaveLength(1);
    expect((seen[0].origin as { kind: string }).kind).toBe('import');
    const imported = cards.list(doc).filter((c) => c.id !== 'E').sort((a, b) => (a.rank < b.rank ? -1 : 1));
    expect(imported.map((c) => c.title)).toEqual(['First', 'Second', 'Third']);
    expect(imported.every((c) => c.rank > 'r')).toBe(true);
    expect(imported[0]).toMatchObject({ createdAt: 1_600_000_000_000, createdBy: 'ana', points: 3, labels: ['story'], sprintHistory: [] });
    expect(imported[0].estimates).toEqual([{ at: 1_600_000_000_000, from: null, to: 3, actor: 'ana' }]);
    expect(imported[1].estimates).toEqual([]);
  });

  it('a resolved row gets a history from its open column into its done column', () => {
    const ed = editor('ana');
    const doc = planDoc(ed);
    const r = importCards(doc, ed, [row({ id: 'R-1', status: 'done', openStatus: 'todo', resolvedAt: 1_600_000_500_000 })]);
    expect(r.ok).toBe(true);
    expect(cards.get(doc, 'R-1')!.history).toEqual([
      { at: 1_600_000_000_000, from: null, to: 'todo', actor: 'ana' },
      { at: 1_600_000_500_000, from: 'todo', to: 'done', actor: 'ana' }
    ]);
  });

  it('refuses the whole batch when any row is bad: nothing is half-written', () => {
    const ed = editor();
    const doc = planDoc(ed);
    addCard(doc, ed, { title: 'existing', status: 'todo', rank: 'r' }, 'DUP-1');
    const before = Y.encodeStateVector(doc);
    for (const [rows, index] of [
      [[row(), row({ title: '  ' })], 1],
      [[row({ id: 'DUP-1' })], 0],
      [[row({ id: 'A-1' }), row({ id: 'A-1' })], 1],
      [[row({ points: -2 })], 0],
      [[row({ id: 'bad id!' })], 0],
      [[row({ createdAt: Number.NaN })], 0]
    ] as [ImportedCard[], number][]) {
      const r = importCards(doc, ed, rows);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.index).toBe(index);
    }
    expect(Y.encodeStateVector(doc)).toEqual(before);
    expect(cards.list(doc)).toHaveLength(1);
  });
});

describe('observeCards', () => {
  it('reports exactly the cards a transaction touched: added, changed (fields, logs, text), removed', () => {
    const ed = editor();
    const doc = planDoc(ed);
    const a = addCard(doc, ed, { title: 'a', status: 'todo', rank: 'a' }, 'A');
    addCard(doc, ed, { title: 'b', status: 'todo', rank: 'b' }, 'B');
    const calls: string[][] = [];
    const off = observeCards(doc, (ids) => calls.push([...ids].sort()));
    addCard(doc, ed, { title: 'c', status: 'todo', rank: 'c' }, 'C');
    moveCard(doc, ed, a, { status: 'doing' });
    cards.update(doc, ed, 'B', { title: 'bee' });
    doc.transact(() => {
      (cards.item(doc, 'A')!.get('description') as Y.XmlText).insert(0, 'hello');
      moveCard(doc, ed, 'C', { sprint: 's' });
    });
    cards.remove(doc, ed, 'B');
    statuses.update(doc, ed, 'todo', { name: 'Todo' });
    off();
    moveCard(doc, ed, a, { status: 'done' });
    expect(calls).toEqual([['C'], ['A'], ['B'], ['A', 'C'], ['B']]);
  });

  it('sees remote changes applied from another replica', () => {
    const ed = editor();
    const doc = planDoc(ed);
    addCard(doc, ed, { title: 'a', status: 'todo', rank: 'a' }, 'A');
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const calls: string[][] = [];
    observeCards(other, (ids) => calls.push([...ids]));
    const sv = Y.encodeStateVector(doc);
    moveCard(doc, ed, 'A', { status: 'done' });
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, sv));
    expect(calls).toEqual([['A']]);
    expect(cards.get(other, 'A')!.status).toBe('done');
  });
});
