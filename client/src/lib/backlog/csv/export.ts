/**
 * The board as CSV, pure: one row per card (every card of the plan, in rank order).
 *
 * [X1] Columns: Key, Title, Status, Sprint, Points, Assignee, Labels, Epic, Created, Resolved.
 *      Names, not ids: status, sprint, assignee and epic names (an id that names nothing stays).
 * [X2] Resolved is the first time the card entered a column of the 'done' category, from its
 *      status history (in time order); empty if it never did.
 * [X3] Times are ISO 8601 in UTC, so a spreadsheet and an import read them the same anywhere.
 * [X4] Cells are written by the plan's one CSV writer (shared/steering/csv.ts, rules CSV1–CSV3):
 *      a cell starting with = + - @, tab or CR is prefixed with ' (formula injection), quoted when
 *      it holds a comma, quote or line break; CRLF line ends and a UTF-8 BOM.
 */
import { toCsv, type Cell } from '../../../../../shared/steering/csv.ts';
import type { Card, Epic, Member, Sprint, Status } from '$shared/schema.ts';
import { compareCards } from '../../board/layout.ts';

export const EXPORT_HEADER = ['Key', 'Title', 'Status', 'Sprint', 'Points', 'Assignee', 'Labels', 'Epic', 'Created', 'Resolved'] as const;

export type ExportInput = {
  cards: readonly Card[];
  statuses: readonly Status[];
  sprints: readonly Sprint[];
  members: readonly Member[];
  epics: readonly Epic[];
};

/** [X2] When a card first entered a done-category column, or null. */
export function resolvedAt(card: Pick<Card, 'history'>, doneStatuses: ReadonlySet<string>): number | null {
  const entries = [...card.history].sort((a, b) => a.at - b.at);
  return entries.find((h) => doneStatuses.has(h.to))?.at ?? null;
}

const iso = (t: number | null) => (t === null || t <= 0 ? '' : new Date(t).toISOString());

export function boardRows(input: ExportInput): Cell[][] {
  const name = <T extends { id: string; name: string }>(list: readonly T[], id: string | null) => (id === null ? '' : (list.find((x) => x.id === id)?.name ?? id));
  const done = new Set(input.statuses.filter((s) => s.category === 'done').map((s) => s.id));
  return [...input.cards].sort(compareCards).map((c) => [
    c.id,
    c.title,
    name(input.statuses, c.status),
    name(input.sprints, c.sprint),
    c.points,
    name(input.members, c.assignee),
    c.labels.join(', '),
    name(input.epics, c.epic),
    iso(c.createdAt),
    iso(resolvedAt(c, done))
  ]);
}

export function boardCsv(input: ExportInput): string {
  return toCsv(EXPORT_HEADER, boardRows(input));
}

/** A file name for the export: the plan's name as a slug and today's date. */
export function exportFileName(planName: string, today: string): string {
  const slug = planName.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'plan';
  return `${slug}-cards-${today}.csv`;
}
