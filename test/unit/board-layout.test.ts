/**
 * The board's pure layout [B1–B6] and move rules [M1–M3] (client/src/lib/board/layout.ts, moves.ts).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { layoutBoard, matches, resolveScope, NO_FILTERS, NONE, UNKNOWN_COLUMN, type LayoutInput } from '../../client/src/lib/board/layout.ts';
import { describeTarget, dropIndex, dropPlace, findCard, neighbour, preview, rankAt, step, stepKey } from '../../client/src/lib/board/moves.ts';
import { isOverdue, dateInZone } from '../../client/src/lib/board/format.ts';
import { addCard, cards, placeCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { orderedStatuses } from '../../shared/doc/statuses.ts';
import type { Card, Epic, Member, Sprint, Status } from '../../shared/schema.ts';

const STATUSES: Status[] = [
  { id: 'todo', name: 'To do', category: 'todo', rank: 'a', wipLimit: null },
  { id: 'doing', name: 'In progress', category: 'doing', rank: 'b', wipLimit: 2 },
  { id: 'done', name: 'Done', category: 'done', rank: 'c', wipLimit: null }
];

const member = (id: string, name: string): Member => ({ id, name, title: '', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 10, capacity: {}, daysOff: {} });
const MEMBERS = [member('m-bo', 'Bo'), member('m-ana', 'Ana')];
const EPICS: Epic[] = [{ id: 'e-2', name: 'Second', rank: 'b' }, { id: 'e-1', name: 'First', rank: 'a' }];

function card(id: string, over: Partial<Card> = {}): Card {
  return {
    id,
    title: `Card ${id}`,
    status: 'todo',
    sprint: 's1',
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
    sprintHistory: [],
    estimates: [],
    comments: [],
    ...over
  };
}

const sprint = (id: string, state: Sprint['state'], start: string): Sprint => ({ id, name: id, goal: '', start, end: start, state, commitment: null, closedAt: null });

function input(cardsList: Card[], over: Partial<LayoutInput> = {}): LayoutInput {
  return { cards: cardsList, statuses: STATUSES, members: MEMBERS, epics: EPICS, scope: { kind: 'all' }, filters: NO_FILTERS, laneMode: 'none', ...over };
}

describe('[B1] scope', () => {
  it('auto picks the active sprint that started first; none active: all cards', () => {
    const sprints = [sprint('s3', 'planned', '2026-03-01'), sprint('s2', 'active', '2026-02-01'), sprint('s1', 'active', '2026-01-01')];
    expect(resolveScope('auto', sprints)).toEqual({ kind: 'sprint', id: 's1' });
    expect(resolveScope('auto', [sprint('s3', 'planned', '2026-03-01')])).toEqual({ kind: 'all' });
    expect(resolveScope('backlog', sprints)).toEqual({ kind: 'backlog' });
    expect(resolveScope('sprint:s3', sprints)).toEqual({ kind: 'sprint', id: 's3' });
    expect(resolveScope('sprint:gone', sprints)).toEqual({ kind: 'sprint', id: 's1' });
  });

  it('only cards in scope are laid out and counted', () => {
    const list = [card('a'), card('b', { sprint: null }), card('c', { sprint: 's2' })];
    expect(layoutBoard(input(list, { scope: { kind: 'sprint', id: 's1' } })).inScope).toBe(1);
    expect(layoutBoard(input(list, { scope: { kind: 'backlog' } })).lanes[0].cells[0].cards.map((c) => c.id)).toEqual(['b']);
    expect(layoutBoard(input(list)).inScope).toBe(3);
  });
});

describe('[B2] filters hide cards but never change counts, points or WIP', () => {
  const list = [
    card('a', { status: 'doing', assignee: 'm-ana', labels: ['gpu'], points: 3 }),
    card('b', { status: 'doing', assignee: 'm-bo', epic: 'e-1', points: 5 }),
    card('c', { status: 'doing', title: 'Order cables', points: null })
  ];
  it('each filter', () => {
    expect(list.filter((c) => matches(c, { ...NO_FILTERS, assignee: 'm-ana' })).map((c) => c.id)).toEqual(['a']);
    expect(list.filter((c) => matches(c, { ...NO_FILTERS, assignee: NONE })).map((c) => c.id)).toEqual(['c']);
    expect(list.filter((c) => matches(c, { ...NO_FILTERS, epic: 'e-1' })).map((c) => c.id)).toEqual(['b']);
    expect(list.filter((c) => matches(c, { ...NO_FILTERS, epic: NONE })).map((c) => c.id)).toEqual(['a', 'c']);
    expect(list.filter((c) => matches(c, { ...NO_FILTERS, label: 'gpu' })).map((c) => c.id)).toEqual(['a']);
    expect(list.filter((c) => matches(c, { ...NO_FILTERS, text: 'CABLES order' })).map((c) => c.id)).toEqual(['c']);
    expect(list.filter((c) => matches(c, { ...NO_FILTERS, text: 'card b' })).map((c) => c.id)).toEqual(['b']);
  });
  it('counts stay', () => {
    const model = layoutBoard(input(list, { filters: { ...NO_FILTERS, assignee: 'm-ana' } }));
    const doing = model.columns[1];
    expect(doing).toMatchObject({ count: 3, points: 8, limit: 2, over: true });
    expect(model.lanes[0].cells[1].cards.map((c) => c.id)).toEqual(['a']);
    expect(model.visible).toBe(1);
  });
});

describe('[B3] columns', () => {
  it('statuses in order; unknown statuses in a last column', () => {
    const model = layoutBoard(input([card('a', { status: 'ghost' }), card('b', { status: 'done' })]));
    expect(model.columns.map((c) => c.id)).toEqual(['todo', 'doing', 'done', UNKNOWN_COLUMN]);
    expect(model.columns[3]).toMatchObject({ unknown: true, count: 1 });
  });
});

describe('[B4] swimlanes', () => {
  it('by assignee: members by name, strangers, then Unassigned', () => {
    const model = layoutBoard(input([card('a', { assignee: 'm-bo' }), card('b', { assignee: 'm-zed' }), card('c')], { laneMode: 'assignee' }));
    expect(model.lanes.map((l) => [l.id, l.label, l.count])).toEqual([
      ['m-ana', 'Ana', 0],
      ['m-bo', 'Bo', 1],
      ['m-zed', 'm-zed (not a member)', 1],
      ['', 'Unassigned', 1]
    ]);
  });
  it('by epic: epics by rank then No epic', () => {
    const model = layoutBoard(input([card('a', { epic: 'e-2' })], { laneMode: 'epic' }));
    expect(model.lanes.map((l) => l.label)).toEqual(['First', 'Second', 'No epic']);
  });
});

describe('[B5] WIP per column and per lane', () => {
  it('a lane cell over the column limit is flagged with the column name', () => {
    const list = ['a', 'b', 'c'].map((id) => card(id, { status: 'doing', assignee: 'm-ana' }));
    const model = layoutBoard(input(list, { laneMode: 'assignee' }));
    expect(model.columns[1]).toMatchObject({ count: 3, over: true });
    expect(model.lanes[0].cells[1].over).toBe(true);
    expect(model.lanes[0].overIn).toEqual(['In progress']);
    expect(model.lanes[1].overIn).toEqual([]);
    const exact = layoutBoard(input(list.slice(0, 2), { laneMode: 'assignee' }));
    expect(exact.columns[1].over).toBe(false);
  });
});

describe('[B6] order', () => {
  it('rank, then id', () => {
    const model = layoutBoard(input([card('b', { rank: 'm' }), card('a', { rank: 'm' }), card('c', { rank: 'c' })]));
    expect(model.lanes[0].cells[0].cards.map((c) => c.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('[M2] keyboard steps', () => {
  const list = [card('a', { rank: 'a' }), card('b', { rank: 'b' }), card('c', { rank: 'c', status: 'doing' }), card('g', { status: 'ghost' })];
  const model = layoutBoard(input(list, { laneMode: 'assignee' }));
  it('keys', () => {
    expect(stepKey({ key: 'ArrowUp', shiftKey: true })).toBe('laneUp');
    expect(stepKey({ key: 'ArrowDown', shiftKey: false })).toBe('down');
    expect(stepKey({ key: 'x', shiftKey: false })).toBeNull();
  });
  it('left/right keep the position within the new column; edges and the unknown column stop', () => {
    const at = findCard(model, 'b')!;
    expect(at).toEqual({ lane: 2, column: 0, index: 1 });
    expect(step(model, at, 'right', 'b')).toEqual({ lane: 2, column: 1, index: 1 });
    expect(step(model, at, 'left', 'b')).toEqual(at);
    const inDone = { lane: 2, column: 2, index: 0 };
    expect(step(model, inDone, 'right', 'b')).toEqual(inDone);
  });
  it('up/down within a cell; shift moves lanes', () => {
    const at = findCard(model, 'a')!;
    expect(step(model, at, 'up', 'a')).toEqual(at);
    expect(step(model, at, 'down', 'a')).toEqual({ ...at, index: 1 });
    expect(step(model, { ...at, index: 1 }, 'down', 'a')).toEqual({ ...at, index: 1 });
    expect(step(model, at, 'laneUp', 'a')).toEqual({ lane: 1, column: 0, index: 0 });
    expect(step(model, at, 'laneDown', 'a')).toEqual(at);
  });
});

describe('[M4] focus without a card in hand', () => {
  // todo: a, b; doing: (empty); done: d — left/right skip the empty column, keeping the height.
  const model = layoutBoard(input([card('a', { rank: 'a' }), card('b', { rank: 'b' }), card('d', { status: 'done' })]));
  it('up/down within the cell, nothing past its ends', () => {
    expect(neighbour(model, 'a', 'down')?.id).toBe('b');
    expect(neighbour(model, 'b', 'up')?.id).toBe('a');
    expect(neighbour(model, 'a', 'up')).toBeUndefined();
    expect(neighbour(model, 'b', 'down')).toBeUndefined();
  });
  it('left/right to the nearest non-empty column, at the same height or its last card', () => {
    expect(neighbour(model, 'b', 'right')?.id).toBe('d');
    expect(neighbour(model, 'd', 'left')?.id).toBe('a');
    expect(neighbour(model, 'a', 'left')).toBeUndefined();
    expect(neighbour(model, 'missing', 'down')).toBeUndefined();
  });
  it('a drop lands before the first card whose middle is below the pointer, else at the end', () => {
    const boxes = [{ top: 0, height: 40 }, { top: 50, height: 40 }];
    expect(dropIndex(boxes, 10)).toBe(0);
    expect(dropIndex(boxes, 25)).toBe(1);
    expect(dropIndex(boxes, 71)).toBe(2);
    expect(dropIndex([], 5)).toBe(0);
  });
});

describe('[M3] preview', () => {
  it('moves the card locally with counts, points and WIP flags', () => {
    const list = [card('a', { status: 'doing', points: 2 }), card('b', { status: 'doing' }), card('c', { points: 5 })];
    const model = layoutBoard(input(list));
    expect(model.columns[1].over).toBe(false);
    const moved = preview(model, list[2], { lane: 0, column: 1, index: 1 });
    expect(moved.lanes[0].cells[1].cards.map((c) => c.id)).toEqual(['a', 'c', 'b']);
    expect(moved.lanes[0].cells[0].cards).toEqual([]);
    expect(moved.columns[1]).toMatchObject({ count: 3, points: 8, over: true });
    expect(moved.columns[0]).toMatchObject({ count: 0, points: 0 });
    expect(describeTarget(moved, { lane: 0, column: 1, index: 1 }, 'c')).toBe('In progress, position 2 of 3. In progress would be over its WIP limit: 3 of 2.');
    // The original model is untouched.
    expect(model.columns[1].count).toBe(2);
  });
});

describe('[M1] drops', () => {
  it('rank between the new neighbours; lane field; nothing when the card would not move', () => {
    const list = [card('a', { rank: 'b' }), card('b', { rank: 'd' }), card('c', { rank: 'f', status: 'doing', assignee: 'm-ana' })];
    const model = layoutBoard(input(list, { laneMode: 'assignee' }));
    // 'c' into To do of the Unassigned lane (lane 2), between a and b.
    const place = dropPlace(model, list[2], { lane: 2, column: 0, index: 1 })!;
    expect(place.status).toBe('todo');
    expect(place.rank > 'b' && place.rank < 'd').toBe(true);
    expect(place.assignee).toBeNull();
    expect(dropPlace(model, list[0], { lane: 2, column: 0, index: 0 })).toBeNull();
    // Only the column changes and the card still sorts in place: its rank is kept.
    expect(dropPlace(model, list[0], { lane: 2, column: 1, index: 0 })).toEqual({ status: 'doing', rank: 'b' });
    // Into Ana's lane, same column.
    expect(dropPlace(model, list[0], { lane: 0, column: 0, index: 0 })).toEqual({ status: 'todo', rank: 'b', assignee: 'm-ana' });
  });

  it('rankAt ends and middles', () => {
    const list = [{ id: 'x', rank: 'c' }, { id: 'y', rank: 'm' }];
    expect(rankAt(list, 0, 'z') < 'c').toBe(true);
    expect(rankAt(list, 2, 'z') > 'm').toBe(true);
    expect(rankAt(list, 1, 'x') > 'm').toBe(true);
  });

  it('a drop written through placeCard puts the card where the preview showed it', () => {
    const doc = new Y.Doc();
    const ed = createEditor('ana');
    createPlan(doc, ed, { name: 'x' });
    for (const [id, status, rank] of [['A', 'todo', 'c'], ['B', 'todo', 'g'], ['C', 'doing', 'e'], ['D', 'doing', 'k']]) addCard(doc, ed, { title: id, status, rank }, id);
    const statuses = orderedStatuses(doc);
    const model = layoutBoard({ cards: cards.list(doc), statuses, members: [], epics: [], scope: { kind: 'all' }, filters: NO_FILTERS, laneMode: 'none' });
    const a = cards.get(doc, 'A')!;
    const doing = statuses.findIndex((s) => s.id === 'doing');
    const target = { lane: 0, column: doing, index: 1 };
    const shown = preview(model, a, target).lanes[0].cells[doing].cards.map((c) => c.id);
    placeCard(doc, ed, 'A', dropPlace(model, a, target)!);
    const after = layoutBoard({ cards: cards.list(doc), statuses, members: [], epics: [], scope: { kind: 'all' }, filters: NO_FILTERS, laneMode: 'none' });
    expect(after.lanes[0].cells[doing].cards.map((c) => c.id)).toEqual(shown);
    expect(shown).toEqual(['C', 'A', 'D']);
  });
});

describe('card facts', () => {
  it('overdue in the plan zone, not for done cards', () => {
    // 23:30 UTC on 1 March is already 2 March in Tokyo.
    const now = Date.UTC(2026, 2, 1, 23, 30);
    expect(dateInZone(now, 'UTC')).toBe('2026-03-01');
    expect(dateInZone(now, 'Asia/Tokyo')).toBe('2026-03-02');
    expect(isOverdue({ due: '2026-03-01' }, 'doing', dateInZone(now, 'Asia/Tokyo'))).toBe(true);
    expect(isOverdue({ due: '2026-03-01' }, 'doing', dateInZone(now, 'UTC'))).toBe(false);
    expect(isOverdue({ due: '2026-02-01' }, 'done', '2026-03-01')).toBe(false);
    expect(isOverdue({ due: null }, 'todo', '2026-03-01')).toBe(false);
  });
});

describe('targets under a peer edit', () => {
  it('a target in a lane or column that vanished is pulled back inside the board', async () => {
    const { clampTarget } = await import('../../client/src/lib/board/moves.ts');
    const model = layoutBoard(input([card('a'), card('b')]));
    expect(clampTarget(model, { lane: 0, column: 1, index: 0 })).toEqual({ lane: 0, column: 1, index: 0 });
    expect(clampTarget(model, { lane: 3, column: 9, index: 7 })).toEqual({ lane: 0, column: 2, index: 0 });
    expect(clampTarget(model, { lane: 0, column: 0, index: 9 })).toEqual({ lane: 0, column: 0, index: 2 });
  });
});
