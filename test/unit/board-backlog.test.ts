/**
 * The backlog's lists and moves [S1–S3] (client/src/lib/backlog/sections.ts), a person's stored
 * board settings (board/settings.ts) and the shortcut rules (board/shortcuts.ts).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BACKLOG, describeSpot, dropSpot, findSpot, leftBehind, previewSpot, sections, stepSpot } from '../../client/src/lib/backlog/sections.ts';
import { readSettings } from '../../client/src/lib/board/settings.ts';
import { shortcutFor } from '../../client/src/lib/board/shortcuts.ts';
import { addCard, cards, placeCards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import type { Card, Sprint } from '../../shared/schema.ts';

const card = (id: string, over: Partial<Card> = {}): Card => ({
  id,
  title: id,
  status: 'todo',
  sprint: null,
  rank: id,
  points: 1,
  assignee: null,
  labels: [],
  epic: null,
  due: null,
  links: [],
  createdAt: 0,
  createdBy: 'x',
  descriptionText: '',
  history: [],
  estimates: [],
  comments: [],
  ...over
});
const sprint = (id: string, state: Sprint['state'], start: string): Sprint => ({ id, name: `Sprint ${id}`, goal: '', start, end: start, state, commitment: null, closedAt: null });
const SPRINTS = [sprint('p2', 'planned', '2026-02-01'), sprint('p1', 'planned', '2026-01-20'), sprint('a', 'active', '2026-01-05'), sprint('c', 'closed', '2025-12-01')];

describe('[S1] sections', () => {
  it('active, then planned by start, then the backlog; closed sprints take no cards', () => {
    const list = sections([card('x', { sprint: 'p1' }), card('y'), card('z', { sprint: 'c', status: 'doing' }), card('w', { sprint: 'a', points: null })], SPRINTS);
    expect(list.map((s) => [s.id, s.cards.map((c) => c.id), s.points, s.unestimated])).toEqual([
      ['a', ['w'], 0, 1],
      ['p1', ['x'], 1, 0],
      ['p2', [], 0, 0],
      [BACKLOG, ['y'], 1, 0]
    ]);
    expect(leftBehind([card('z', { sprint: 'c', status: 'doing' }), card('d', { sprint: 'c', status: 'done' })], SPRINTS, new Set(['done'])).map((c) => c.id)).toEqual(['z']);
  });
});

describe('[S2] keyboard steps cross sections', () => {
  const list = sections([card('a1', { sprint: 'a' }), card('a2', { sprint: 'a' }), card('b1')], SPRINTS);
  it('down past the end of a sprint enters the next section; up past the top enters the previous one', () => {
    const at = findSpot(list, 'a2')!;
    expect(at).toEqual({ section: 0, index: 1 });
    const down = stepSpot(previewSpot(list, card('a2', { sprint: 'a' }), at), at, 1, 'a2');
    expect(down).toEqual({ section: 1, index: 0 });
    expect(stepSpot(list, { section: 1, index: 0 }, -1, 'a2')).toEqual({ section: 0, index: 1 });
    expect(stepSpot(list, { section: 0, index: 0 }, -1, 'a1')).toEqual({ section: 0, index: 0 });
    expect(stepSpot(list, { section: 3, index: 1 }, 1, 'a1')).toEqual({ section: 3, index: 1 });
    const moved = previewSpot(list, card('a2', { sprint: 'a' }), { section: 3, index: 0 });
    expect(moved[3].cards.map((c) => c.id)).toEqual(['a2', 'b1']);
    expect(moved[0].points).toBe(1);
    expect(describeSpot(moved, { section: 3, index: 0 }, 'a2')).toBe('Backlog, position 1 of 2.');
  });
});

describe('[S3] drops', () => {
  it('sprint and ranks between the neighbours; several cards keep their order; nothing for no move', () => {
    const list = sections([card('b', { rank: 'b' }), card('d', { rank: 'd' }), card('s', { rank: 's', sprint: 'a' })], SPRINTS);
    const moves = dropSpot(list, ['s'], { section: 3, index: 1 });
    expect(moves).toHaveLength(1);
    expect(moves[0].place.sprint).toBeNull();
    expect(moves[0].place.rank > 'b' && moves[0].place.rank < 'd').toBe(true);
    const two = dropSpot(list, ['d', 'b'], { section: 0, index: 1 });
    expect(two.map((m) => m.place.sprint)).toEqual(['a', 'a']);
    expect(two[0].place.rank > 's' && two[0].place.rank < two[1].place.rank).toBe(true);
    expect(dropSpot(list, ['b'], { section: 3, index: 0 })).toEqual([]);
  });

  it('written with placeCards: one transaction, sprint moves logged', () => {
    const doc = new Y.Doc();
    const ed = createEditor('ana');
    createPlan(doc, ed, { name: 'x' });
    addCard(doc, ed, { title: 'b', status: 'todo', rank: 'b' }, 'b');
    addCard(doc, ed, { title: 'd', status: 'todo', rank: 'd' }, 'd');
    const list = sections(cards.list(doc), [sprint('a', 'active', '2026-01-05')]);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    expect(placeCards(doc, ed, dropSpot(list, ['d', 'b'], { section: 0, index: 0 }))).toBe(2);
    expect(transactions).toBe(1);
    const after = sections(cards.list(doc), [sprint('a', 'active', '2026-01-05')]);
    expect(after[0].cards.map((c) => c.id)).toEqual(['d', 'b']);
    expect(cards.get(doc, 'd')!.sprintHistory).toEqual([expect.objectContaining({ from: null, to: 'a' })]);
  });
});

describe('stored board settings', () => {
  it('valid values come back; anything else reads as the defaults', () => {
    expect(readSettings(JSON.stringify({ scope: 'sprint:s1', lanes: 'epic', filters: { assignee: 'm-1', label: 'gpu', epic: '', text: 'rack' } }))).toEqual({
      scope: 'sprint:s1',
      lanes: 'epic',
      filters: { assignee: 'm-1', label: 'gpu', epic: '', text: 'rack' }
    });
    expect(readSettings(null)).toEqual({ scope: 'auto', lanes: 'none', filters: { assignee: '', label: '', epic: '', text: '' } });
    expect(readSettings('{not json')).toMatchObject({ scope: 'auto', lanes: 'none' });
    expect(readSettings(JSON.stringify({ scope: 42, lanes: 'sideways', filters: { text: ['x'] } }))).toMatchObject({ scope: 'auto', lanes: 'none', filters: { text: '' } });
  });
});

describe('shortcuts', () => {
  const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, target: null, ...mods });
  it('plain keys, Ctrl+Z family; nothing while a modal is open or with Alt', () => {
    expect(['?', 'n', '/', 'b', 'l', 'j', 'k', 'z', 'Z'].map((k) => shortcutFor(key(k), false))).toEqual(['help', 'new', 'filter', 'board', 'backlog', 'next', 'prev', 'undo', 'redo']);
    expect(shortcutFor(key('z', { ctrlKey: true }), false)).toBe('undo');
    expect(shortcutFor(key('Z', { ctrlKey: true, shiftKey: true }), false)).toBe('redo');
    expect(shortcutFor(key('y', { metaKey: true }), false)).toBe('redo');
    expect(shortcutFor(key('n', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key('n', { altKey: true }), false)).toBeNull();
    expect(shortcutFor(key('n'), true)).toBeNull();
    expect(shortcutFor(key('x'), false)).toBeNull();
  });
});
