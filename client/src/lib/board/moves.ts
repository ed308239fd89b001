/**
 * Moving a card on the board, pure: where a keyboard step takes a picked-up card, how the board
 * looks with the card at that spot (a local preview until the drop), and the place a drop writes.
 *
 * [M1] A drop writes one place through placeCard: the column's status, the rank between the
 *      card's new neighbours in the cell (shared/rank.ts rankBetween), and with swimlanes the lane's
 *      assignee or epic. The sprint does not change on the board. One transaction, one undo step.
 * [M2] Left/Right move to the neighbouring column (the unknown-status column is skipped), keeping
 *      the position where the new column is long enough; Up/Down move one position in the cell;
 *      Shift+Up/Down move to the neighbouring lane. Steps stop at the edges.
 * [M3] A preview moves the card in this person's view only; Escape drops the preview, nothing was
 *      written. Counts, points and WIP flags in the preview include the moved card, so a person sees
 *      the limit they are about to exceed before dropping.
 * [M4] Without a card in hand, arrows move focus: Up/Down within the cell, Left/Right to the nearest
 *      column of the lane that has cards (at the same height, or its last card). A mouse drop lands
 *      before the first card whose middle is below the pointer, else at the end of the cell.
 */
import { rankBetween } from '../../../../shared/rank.ts';
import type { Card } from '$shared/schema.ts';
import type { BoardModel, CellModel, LaneMode } from './layout.ts';

/** Where a picked-up card would go: indexes into the model's lanes and columns, and the position. */
export type Target = { lane: number; column: number; index: number };

export function findCard(model: BoardModel, id: string): Target | null {
  for (let l = 0; l < model.lanes.length; l++) {
    const cells = model.lanes[l].cells;
    for (let c = 0; c < cells.length; c++) {
      const index = cells[c].cards.findIndex((card) => card.id === id);
      if (index >= 0) return { lane: l, column: c, index };
    }
  }
  return null;
}

/** A target kept inside the model: lanes or columns may vanish under a move (a peer's edit). */
export function clampTarget(model: BoardModel, to: Target): Target {
  const lane = Math.max(0, Math.min(to.lane, model.lanes.length - 1));
  const column = Math.max(0, Math.min(to.column, model.columns.length - 1));
  const cell = model.lanes[lane]?.cells[column];
  return cell && lane === to.lane && column === to.column && to.index <= cell.cards.length ? to : { lane, column, index: Math.min(to.index, cell?.cards.length ?? 0) };
}

export type StepKey = 'left' | 'right' | 'up' | 'down' | 'laneUp' | 'laneDown';

export function stepKey(e: Pick<KeyboardEvent, 'key' | 'shiftKey'>): StepKey | null {
  switch (e.key) {
    case 'ArrowLeft':
      return 'left';
    case 'ArrowRight':
      return 'right';
    case 'ArrowUp':
      return e.shiftKey ? 'laneUp' : 'up';
    case 'ArrowDown':
      return e.shiftKey ? 'laneDown' : 'down';
    default:
      return null;
  }
}

/** Length of a cell's list without the moving card: the positions it can take are 0..length. */
function room(cell: CellModel, movingId: string): number {
  return cell.cards.filter((c) => c.id !== movingId).length;
}

/** [M2] One keyboard step from `at` (a target in a preview model where the card already sits there). */
export function step(model: BoardModel, at: Target, key: StepKey, movingId: string): Target {
  const droppable = (c: number) => c >= 0 && c < model.columns.length && !model.columns[c].unknown;
  const cellAt = (lane: number, column: number) => model.lanes[lane].cells[column];
  switch (key) {
    case 'left':
    case 'right': {
      let c = at.column + (key === 'left' ? -1 : 1);
      while (c >= 0 && c < model.columns.length && !droppable(c)) c += key === 'left' ? -1 : 1;
      if (!droppable(c)) return at;
      return { lane: at.lane, column: c, index: Math.min(at.index, room(cellAt(at.lane, c), movingId)) };
    }
    case 'up':
      return at.index > 0 ? { ...at, index: at.index - 1 } : at;
    case 'down':
      return at.index < room(cellAt(at.lane, at.column), movingId) ? { ...at, index: at.index + 1 } : at;
    case 'laneUp':
    case 'laneDown': {
      const l = at.lane + (key === 'laneUp' ? -1 : 1);
      if (l < 0 || l >= model.lanes.length) return at;
      return { lane: l, column: at.column, index: Math.min(at.index, room(cellAt(l, at.column), movingId)) };
    }
  }
}

function withCard(cell: CellModel, card: Card | null, at: number, movingId: string): CellModel {
  const cards = cell.cards.filter((c) => c.id !== movingId);
  if (card) cards.splice(Math.min(at, cards.length), 0, card);
  return { ...cell, cards };
}

/** [M3] The model with the card moved to `to` (from wherever it is), counts and WIP flags adjusted. */
export function preview(model: BoardModel, card: Card, to: Target): BoardModel {
  const from = findCard(model, card.id);
  if (!from) return model;
  const pts = card.points ?? 0;
  const columns = model.columns.map((c) => ({ ...c }));
  if (from.column !== to.column) {
    columns[from.column].count--;
    columns[from.column].points -= pts;
    columns[to.column].count++;
    columns[to.column].points += pts;
  }
  for (const c of columns) c.over = c.limit !== null && c.count > c.limit;
  const lanes = model.lanes.map((lane, l) => {
    if (l !== from.lane && l !== to.lane) return lane;
    let count = lane.count;
    let points = lane.points;
    const cells = lane.cells.map((cell, c) => {
      const isFrom = l === from.lane && c === from.column;
      const isTo = l === to.lane && c === to.column;
      if (!isFrom && !isTo) return cell;
      const next = withCard(cell, isTo ? card : null, to.index, card.id);
      if (isFrom && !isTo) {
        next.count--;
        next.points -= pts;
      }
      if (isTo && !isFrom) {
        next.count++;
        next.points += pts;
      }
      const limit = columns[c].limit;
      next.over = model.laneMode !== 'none' && limit !== null && next.count > limit;
      return next;
    });
    if (l === from.lane && l !== to.lane) {
      count--;
      points -= pts;
    }
    if (l === to.lane && l !== from.lane) {
      count++;
      points += pts;
    }
    const overIn = cells.flatMap((cell, c) => (cell.over ? [columns[c].name] : []));
    return { ...lane, cells, count, points, overIn };
  });
  return { ...model, columns, lanes };
}

/** The rank for a card put at `index` of a list (the list without the card). */
export function rankAt(list: readonly { id: string; rank: string }[], index: number, movingId: string): string {
  const others = list.filter((c) => c.id !== movingId);
  const i = Math.max(0, Math.min(index, others.length));
  return rankBetween(others[i - 1]?.rank ?? null, others[i]?.rank ?? null);
}

export type DropPlace = { status: string; rank: string; assignee?: string | null; epic?: string | null };

/**
 * [M1] What a drop at `to` writes. `model` is the model before the preview (the card in its real
 * cell), so the neighbours are read from the target cell without the card itself. Null when the
 * card would not move at all (same cell, same neighbours), so nothing is written.
 */
export function dropPlace(model: BoardModel, card: Card, to: Target): DropPlace | null {
  const from = findCard(model, card.id);
  const lane = model.lanes[to.lane];
  const cell = lane.cells[to.column];
  const column = model.columns[to.column];
  if (column.unknown) return null;
  if (from && from.lane === to.lane && from.column === to.column && to.index === from.index) return null;
  const place: DropPlace = { status: column.id, rank: rankAt(cell.cards, to.index, card.id) };
  const mode: LaneMode = model.laneMode;
  if (mode === 'assignee' && (card.assignee ?? '') !== lane.id) place.assignee = lane.id === '' ? null : lane.id;
  if (mode === 'epic' && (card.epic ?? '') !== lane.id) place.epic = lane.id === '' ? null : lane.id;
  // Keep the card's own rank when only the column or lane changed and it still sorts in place.
  const others = cell.cards.filter((c) => c.id !== card.id);
  const i = Math.max(0, Math.min(to.index, others.length));
  const before = others[i - 1];
  const after = others[i];
  const fits = (!before || before.rank < card.rank || (before.rank === card.rank && before.id < card.id)) && (!after || card.rank < after.rank || (card.rank === after.rank && card.id < after.id));
  if (fits) place.rank = card.rank;
  const unchanged = place.status === card.status && place.rank === card.rank && place.assignee === undefined && place.epic === undefined;
  return unchanged ? null : place;
}

/** "position 2 of 5" for the announcement of a target. */
export function describeTarget(model: BoardModel, to: Target, movingId: string): string {
  const column = model.columns[to.column];
  const lane = model.lanes[to.lane];
  const cell = lane.cells[to.column];
  const total = room(cell, movingId) + 1;
  const where = model.laneMode === 'none' ? column.name : `${column.name}, lane ${lane.label}`;
  let text = `${where}, position ${to.index + 1} of ${total}.`;
  if (column.limit !== null && column.count > column.limit) text += ` ${column.name} would be over its WIP limit: ${column.count} of ${column.limit}.`;
  else if (cell.over) text += ` Lane ${lane.label} would be over the ${column.name} WIP limit: ${cell.count} of ${column.limit}.`;
  return text;
}

/**
 * The card that keyboard focus goes to from `id` without a card in hand: up and down within the
 * cell; left and right to the nearest non-empty column of the same lane, at the same height or
 * its last card.
 */
export function neighbour(model: BoardModel, id: string, key: StepKey): Card | undefined {
  const at = findCard(model, id);
  if (!at) return undefined;
  const lane = model.lanes[at.lane];
  if (key === 'up') return lane.cells[at.column].cards[at.index - 1];
  if (key === 'down') return lane.cells[at.column].cards[at.index + 1];
  if (key !== 'left' && key !== 'right') return undefined;
  const dir = key === 'left' ? -1 : 1;
  for (let c = at.column + dir; c >= 0 && c < lane.cells.length; c += dir) {
    const list = lane.cells[c].cards;
    if (list.length) return list[Math.min(at.index, list.length - 1)];
  }
  return undefined;
}

/**
 * Where a dragged card lands in a cell: before the first of the other cards (their boxes, top to
 * bottom) whose middle is below the pointer, else at the end.
 */
export function dropIndex(others: readonly Pick<DOMRect, 'top' | 'height'>[], clientY: number): number {
  const i = others.findIndex((r) => clientY < r.top + r.height / 2);
  return i < 0 ? others.length : i;
}
