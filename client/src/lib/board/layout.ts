/**
 * The board's layout, pure: which cards the board shows, in which column and swimlane, in what
 * order, and the counts, points and WIP flags of every column and lane. Plain data in, plain data
 * out; the view derives it from the live card list on every change (a few ms for 2,000 cards).
 *
 * [B1] Scope: every card, the backlog (no sprint) or one sprint. The default ("auto") is the active
 *      sprint that started first; with no active sprint, every card.
 * [B2] Filters (assignee, label, epic, text) are a person's own lens: they hide cards from view but
 *      never change counts, points or WIP flags, which are about the team's work in scope.
 * [B3] Columns are the plan's statuses in rank order; cards whose status is not one of them go to a
 *      last "Unknown status" column, so every card is shown exactly once. Nothing can be dropped there.
 * [B4] Swimlanes: none; by assignee (members by name, then assignees who are not members, then
 *      Unassigned); or by epic (epics by rank, then No epic). Every member or epic has a lane even
 *      when empty, so a card can be dropped into it.
 * [B5] WIP: a column is over its limit when it holds more cards than the limit; with swimlanes, a
 *      lane's cell is over when it alone holds more than the column's limit.
 * [B6] Within a cell, cards are in rank order, ties broken by id (as everywhere: shared/rank.ts).
 */
import type { Card, Epic, Member, Sprint, Status, StatusCategory } from '$shared/schema.ts';

export type LaneMode = 'none' | 'assignee' | 'epic';
export const LANE_MODES: { id: LaneMode; label: string }[] = [
  { id: 'none', label: 'No swimlanes' },
  { id: 'assignee', label: 'By assignee' },
  { id: 'epic', label: 'By epic' }
];

/** Filter values: '' matches everything; NONE matches cards without an assignee / epic. */
export const NONE = '-';
export type Filters = { assignee: string; label: string; epic: string; text: string };
export const NO_FILTERS: Filters = { assignee: '', label: '', epic: '', text: '' };

export type Scope = { kind: 'all' } | { kind: 'backlog' } | { kind: 'sprint'; id: string };
/** How a person's choice is stored: 'auto', 'all', 'backlog' or 'sprint:<id>'. */
export type ScopeChoice = string;

export const UNKNOWN_COLUMN = '?unknown';
export const SINGLE_LANE = '*';

export type ColumnModel = {
  id: string;
  name: string;
  category: StatusCategory;
  limit: number | null;
  count: number;
  points: number;
  over: boolean;
  /** [B3] the column of cards with unknown statuses. */
  unknown: boolean;
};

export type CellModel = {
  key: string;
  column: string;
  lane: string;
  /** Visible cards, in order [B2, B6]. */
  cards: Card[];
  /** Cards in scope, visible or not [B2]. */
  count: number;
  points: number;
  over: boolean;
};

export type LaneModel = {
  id: string;
  label: string;
  count: number;
  points: number;
  /** One per column, in column order. */
  cells: CellModel[];
  /** Names of the columns this lane is over the limit in [B5]. */
  overIn: string[];
};

export type BoardModel = {
  scope: Scope;
  columns: ColumnModel[];
  lanes: LaneModel[];
  laneMode: LaneMode;
  inScope: number;
  visible: number;
};

/** [B1] The active sprint that started first, if any. */
export function activeSprint(sprints: readonly Sprint[]): Sprint | null {
  return sprints.filter((s) => s.state === 'active').sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id))[0] ?? null;
}

/** [B1] A stored choice made concrete; a sprint that no longer exists falls back to the default. */
export function resolveScope(choice: ScopeChoice, sprints: readonly Sprint[]): Scope {
  if (choice === 'all') return { kind: 'all' };
  if (choice === 'backlog') return { kind: 'backlog' };
  if (choice.startsWith('sprint:')) {
    const id = choice.slice(7);
    if (sprints.some((s) => s.id === id)) return { kind: 'sprint', id };
  }
  const active = activeSprint(sprints);
  return active ? { kind: 'sprint', id: active.id } : { kind: 'all' };
}

export function inScope(card: Card, scope: Scope): boolean {
  return scope.kind === 'all' || (scope.kind === 'backlog' ? card.sprint === null : card.sprint === scope.id);
}

export function hasFilters(f: Filters): boolean {
  return f.assignee !== '' || f.label !== '' || f.epic !== '' || f.text.trim() !== '';
}

/** [B2] Whether a card passes a person's filters. */
export function matches(card: Card, f: Filters): boolean {
  if (f.assignee && (f.assignee === NONE ? card.assignee !== null : card.assignee !== f.assignee)) return false;
  if (f.epic && (f.epic === NONE ? card.epic !== null : card.epic !== f.epic)) return false;
  if (f.label && !card.labels.includes(f.label)) return false;
  const text = f.text.trim().toLowerCase();
  if (text) {
    const hay = `${card.id} ${card.title} ${card.labels.join(' ')}`.toLowerCase();
    if (!text.split(/\s+/).every((word) => hay.includes(word))) return false;
  }
  return true;
}

export function compareCards(a: Card, b: Card): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The lane a card belongs to in a lane mode. */
export function laneOf(card: Card, mode: LaneMode): string {
  if (mode === 'assignee') return card.assignee ?? '';
  if (mode === 'epic') return card.epic ?? '';
  return SINGLE_LANE;
}

type LaneHead = { id: string; label: string };

/** [B4] The lanes, in order, for the cards in scope. */
function laneHeads(mode: LaneMode, scoped: readonly Card[], members: readonly Member[], epics: readonly Epic[]): LaneHead[] {
  if (mode === 'none') return [{ id: SINGLE_LANE, label: 'All cards' }];
  if (mode === 'assignee') {
    const known = [...members].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const ids = new Set(known.map((m) => m.id));
    const strangers = [...new Set(scoped.map((c) => c.assignee).filter((a): a is string => a !== null && !ids.has(a)))].sort();
    return [...known.map((m) => ({ id: m.id, label: m.name })), ...strangers.map((id) => ({ id, label: `${id} (not a member)` })), { id: '', label: 'Unassigned' }];
  }
  const ordered = [...epics].sort((a, b) => (a.rank !== b.rank ? (a.rank < b.rank ? -1 : 1) : a.id < b.id ? -1 : 1));
  const ids = new Set(ordered.map((e) => e.id));
  const strangers = [...new Set(scoped.map((c) => c.epic).filter((e): e is string => e !== null && !ids.has(e)))].sort();
  return [...ordered.map((e) => ({ id: e.id, label: e.name })), ...strangers.map((id) => ({ id, label: `${id} (unknown epic)` })), { id: '', label: 'No epic' }];
}

export type LayoutInput = {
  cards: readonly Card[];
  statuses: readonly Status[];
  members: readonly Member[];
  epics: readonly Epic[];
  scope: Scope;
  filters: Filters;
  laneMode: LaneMode;
};

export function layoutBoard(input: LayoutInput): BoardModel {
  const { statuses, scope, filters, laneMode } = input;
  const scoped = input.cards.filter((c) => inScope(c, scope));
  const known = new Set(statuses.map((s) => s.id));
  const columns: ColumnModel[] = statuses.map((s) => ({
    id: s.id,
    name: s.name,
    category: s.category,
    limit: s.wipLimit,
    count: 0,
    points: 0,
    over: false,
    unknown: false
  }));
  if (scoped.some((c) => !known.has(c.status))) {
    columns.push({ id: UNKNOWN_COLUMN, name: 'Unknown status', category: 'todo', limit: null, count: 0, points: 0, over: false, unknown: true });
  }
  const columnIndex = new Map(columns.map((c, i) => [c.id, i]));
  const heads = laneHeads(laneMode, scoped, input.members, input.epics);
  const lanes: LaneModel[] = heads.map((h) => ({
    id: h.id,
    label: h.label,
    count: 0,
    points: 0,
    overIn: [],
    cells: columns.map((col) => ({ key: `${h.id}|${col.id}`, column: col.id, lane: h.id, cards: [], count: 0, points: 0, over: false }))
  }));
  const laneIndex = new Map(lanes.map((l, i) => [l.id, i]));
  let visible = 0;
  for (const card of scoped) {
    const ci = columnIndex.get(known.has(card.status) ? card.status : UNKNOWN_COLUMN)!;
    const lane = lanes[laneIndex.get(laneOf(card, laneMode)) ?? lanes.length - 1];
    const cell = lane.cells[ci];
    const points = card.points ?? 0;
    cell.count++;
    cell.points += points;
    lane.count++;
    lane.points += points;
    columns[ci].count++;
    columns[ci].points += points;
    if (matches(card, filters)) {
      cell.cards.push(card);
      visible++;
    }
  }
  for (const lane of lanes) {
    lane.cells.forEach((cell, i) => {
      cell.cards.sort(compareCards);
      const limit = columns[i].limit;
      cell.over = laneMode !== 'none' && limit !== null && cell.count > limit;
      if (cell.over) lane.overIn.push(columns[i].name);
    });
  }
  for (const col of columns) col.over = col.limit !== null && col.count > col.limit;
  return { scope, columns, lanes, laneMode, inScope: scoped.length, visible };
}

/** Every label on the cards, sorted, for the label filter. */
export function allLabels(cards: readonly Card[]): string[] {
  const set = new Set<string>();
  for (const c of cards) for (const l of c.labels) set.add(l);
  return [...set].sort((a, b) => a.localeCompare(b));
}
