/**
 * Importing a Jira CSV export, pure: read the sheet, guess which column is which, map Jira's
 * statuses to the plan's columns, and validate every row into cards ready for `importCards`, or
 * into problems a person can fix, each with the line of the file it starts on.
 *
 * [J1] The file is read by the plan's CSV reader (shared/csv/parse.ts): BOM, CRLF/LF/CR, quoted
 *      fields with commas, quotes and line breaks, comma/semicolon/tab. The first record is the
 *      header. A quote that never closes refuses the file, with its line.
 * [J2] Columns are guessed from header names (case and spacing ignored): Summary, Issue key, Issue
 *      Type, Status, Story Points or "Custom field (Story Points)", Assignee, Sprint, Labels,
 *      Created, Resolved. A person can change every guess. Jira repeats Sprint and Labels columns:
 *      every column with the mapped column's header is read (the last sprint, all labels).
 * [J3] Ragged rows: missing cells read as empty; extra cells are ignored with a warning.
 * [J4] Errors (the row is not imported): empty summary; points that are not a number from 0 to
 *      1000; a Created or Resolved date in an unknown format (see dates.ts); an issue key that is
 *      already a card, appears twice in the file, or cannot be a card id.
 * [J5] Warnings (the row is imported): an assignee who is not a member (left unassigned); a sprint
 *      that does not exist (the card goes to the backlog); extra cells. Empty Created: imported now.
 * [J6] Issue Type becomes a label (lower case). A resolved card in a done column gets a history of
 *      created → first 'todo' column, then resolved → its column, so cycle metrics can read it.
 */
import { parseCsv, type CsvRecord } from '../../../../../shared/csv/parse.ts';
import { isId } from '../../../../../shared/ids.ts';
import type { ImportedCard } from '$shared/doc/cards.ts';
import type { Member, Sprint, Status } from '$shared/schema.ts';
import { parseDate } from './dates.ts';

export const MAX_IMPORT_POINTS = 1000;

export type FieldId = 'title' | 'key' | 'type' | 'status' | 'points' | 'assignee' | 'sprint' | 'labels' | 'created' | 'resolved';

export const FIELDS: { id: FieldId; label: string; required: boolean; headers: string[] }[] = [
  { id: 'title', label: 'Title', required: true, headers: ['summary', 'title'] },
  { id: 'key', label: 'Key', required: false, headers: ['issue key', 'key'] },
  { id: 'type', label: 'Type (as a label)', required: false, headers: ['issue type', 'type'] },
  { id: 'status', label: 'Status', required: false, headers: ['status'] },
  {
    id: 'points',
    label: 'Points',
    required: false,
    headers: ['story points', 'custom field (story points)', 'story point estimate', 'custom field (story point estimate)', 'points']
  },
  { id: 'assignee', label: 'Assignee', required: false, headers: ['assignee'] },
  { id: 'sprint', label: 'Sprint', required: false, headers: ['sprint'] },
  { id: 'labels', label: 'Labels', required: false, headers: ['labels', 'label'] },
  { id: 'created', label: 'Created', required: false, headers: ['created'] },
  { id: 'resolved', label: 'Resolved', required: false, headers: ['resolved', 'resolution date'] }
];

export type Mapping = Record<FieldId, number | null>;

export type Sheet = { header: string[]; rows: CsvRecord[]; error: string | null };

/** [J1] The header and the data rows of a CSV text. */
export function readSheet(text: string): Sheet {
  const parsed = parseCsv(text);
  if (parsed.error) return { header: [], rows: [], error: `Line ${parsed.error.line}: ${parsed.error.message}.` };
  const [head, ...rows] = parsed.records;
  if (!head) return { header: [], rows: [], error: 'The file is empty.' };
  const header = head.cells.map((h) => h.trim());
  if (rows.length === 0) return { header, rows, error: 'The file has a header but no rows.' };
  return { header, rows, error: null };
}

const norm = (h: string) => h.toLowerCase().replace(/\s+/g, ' ').trim();

/** [J2] The first column whose header names each field, or null. */
export function guessMapping(header: readonly string[]): Mapping {
  const names = header.map(norm);
  const mapping = {} as Mapping;
  for (const f of FIELDS) {
    const i = names.findIndex((n) => f.headers.includes(n));
    mapping[f.id] = i >= 0 ? i : null;
  }
  return mapping;
}

/** [J2] The columns a field reads: for Sprint and Labels, every column with the same header. */
export function columnsOf(header: readonly string[], mapping: Mapping, field: FieldId): number[] {
  const i = mapping[field];
  if (i === null || i >= header.length) return [];
  if (field !== 'sprint' && field !== 'labels') return [i];
  const name = norm(header[i]);
  return header.flatMap((h, k) => (norm(h) === name ? [k] : []));
}

const cell = (row: CsvRecord, i: number | undefined) => (i === undefined ? '' : (row.cells[i] ?? '').trim());

/** The distinct Jira statuses of the rows, in order of first appearance ('' for rows without one). */
export function sheetStatuses(sheet: Sheet, mapping: Mapping): string[] {
  const i = mapping.status;
  if (i === null) return [];
  const seen = new Set<string>();
  for (const row of sheet.rows) seen.add(cell(row, i));
  return [...seen];
}

const DONE_WORDS = /\b(done|closed|resolved|complete|completed|finished|released|shipped)\b/;
const DOING_WORDS = /\b(progress|doing|development|dev|started|active|working)\b/;
const REVIEW_WORDS = /\b(review|testing|test|qa|verify|verification)\b/;

/** Jira status → one of ours: same name, else by meaning, else the first 'todo' column after the first. */
export function guessStatus(jira: string, ours: readonly Status[]): string {
  const n = norm(jira);
  const same = ours.find((s) => norm(s.name) === n || s.id === n);
  if (same) return same.id;
  const byCategory = (c: Status['category']) => ours.filter((s) => s.category === c);
  if (DONE_WORDS.test(n)) return byCategory('done')[0]?.id ?? ours.at(-1)?.id ?? '';
  if (REVIEW_WORDS.test(n)) {
    const review = ours.find((s) => /review|test|qa/i.test(s.name));
    if (review) return review.id;
  }
  if (DOING_WORDS.test(n) || REVIEW_WORDS.test(n)) return byCategory('doing')[0]?.id ?? ours[0]?.id ?? '';
  if (/backlog/.test(n)) return ours.find((s) => /backlog/i.test(s.name))?.id ?? byCategory('todo')[0]?.id ?? '';
  const todo = byCategory('todo');
  return (todo.find((s) => !/backlog/i.test(s.name)) ?? todo[0] ?? ours[0])?.id ?? '';
}

export function guessStatusMapping(jira: readonly string[], ours: readonly Status[]): Record<string, string> {
  return Object.fromEntries(jira.map((j) => [j, guessStatus(j, ours)]));
}

export type ImportContext = {
  /** In column order. */
  statuses: readonly Status[];
  members: readonly Member[];
  sprints: readonly Sprint[];
  existingIds: ReadonlySet<string>;
  timeZone: string;
  now: number;
};

export type GoodRow = { line: number; card: ImportedCard };
export type BadRow = { line: number; title: string; errors: string[] };
export type Warning = { line: number; message: string };
export type Validation = { good: GoodRow[]; bad: BadRow[]; warnings: Warning[]; error: string | null };

/** A points cell: '' is "not estimated"; a decimal comma is accepted when there is no point. */
export function parsePointsCell(text: string): number | null | 'bad' {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t.includes('.') ? t : t.replace(',', '.'));
  return Number.isFinite(n) && n >= 0 && n <= MAX_IMPORT_POINTS ? n : 'bad';
}

const quote = (s: string) => `“${s.length > 40 ? s.slice(0, 40) + '…' : s}”`;

/** [J3–J6] Every row: a card to import, or the reasons it cannot be. */
export function validateRows(sheet: Sheet, mapping: Mapping, statusMap: Readonly<Record<string, string>>, ctx: ImportContext): Validation {
  const out: Validation = { good: [], bad: [], warnings: [], error: null };
  if (sheet.error) return { ...out, error: sheet.error };
  if (mapping.title === null) return { ...out, error: 'Choose the column that holds the title (Jira: Summary).' };
  const known = new Set(ctx.statuses.map((s) => s.id));
  const doneIds = new Set(ctx.statuses.filter((s) => s.category === 'done').map((s) => s.id));
  const firstTodo = ctx.statuses.find((s) => s.category === 'todo')?.id;
  const fallback = firstTodo ?? ctx.statuses[0]?.id ?? 'todo';
  const memberByName = new Map(ctx.members.map((m) => [norm(m.name), m.id]));
  const memberIds = new Set(ctx.members.map((m) => m.id));
  const sprintByName = new Map(ctx.sprints.map((s) => [norm(s.name), s.id]));
  const sprintCols = columnsOf(sheet.header, mapping, 'sprint');
  const labelCols = columnsOf(sheet.header, mapping, 'labels');
  const keysSeen = new Map<string, number>();
  const one = (row: CsvRecord, f: FieldId) => (mapping[f] === null ? '' : cell(row, mapping[f]!));

  for (const row of sheet.rows) {
    const errors: string[] = [];
    const warn = (message: string) => out.warnings.push({ line: row.line, message });
    const title = one(row, 'title');
    if (!title) errors.push('the summary is empty');
    if (row.cells.length > sheet.header.length && row.cells.slice(sheet.header.length).some((c) => c.trim() !== '')) {
      warn(`${row.cells.length - sheet.header.length} cells past the last column are ignored`);
    }

    const key = one(row, 'key');
    let id: string | undefined;
    if (key) {
      if (!isId(key)) errors.push(`issue key ${quote(key)} cannot be a card id (letters, digits, - and _ only)`);
      else if (ctx.existingIds.has(key)) errors.push(`issue key ${key} is already a card in this plan`);
      else if (keysSeen.has(key)) errors.push(`issue key ${key} is also on line ${keysSeen.get(key)}`);
      else id = key;
      if (!keysSeen.has(key)) keysSeen.set(key, row.line);
    }

    const pointsText = one(row, 'points');
    const points = parsePointsCell(pointsText);
    if (points === 'bad') errors.push(`points ${quote(pointsText)} are not a number from 0 to ${MAX_IMPORT_POINTS}`);

    const jiraStatus = mapping.status === null ? '' : one(row, 'status');
    const status = mapping.status === null ? fallback : (statusMap[jiraStatus] ?? '');
    if (!known.has(status)) errors.push(`status ${quote(jiraStatus || '(empty)')} is not mapped to a column`);

    const createdText = one(row, 'created');
    let createdAt = ctx.now;
    if (createdText) {
      const t = parseDate(createdText, ctx.timeZone);
      if (t === null) errors.push(`created date ${quote(createdText)} is in an unknown format`);
      else createdAt = t;
    }
    const resolvedText = one(row, 'resolved');
    let resolvedAt: number | null = null;
    if (resolvedText) {
      const t = parseDate(resolvedText, ctx.timeZone);
      if (t === null) errors.push(`resolved date ${quote(resolvedText)} is in an unknown format`);
      else resolvedAt = t;
    }

    let assignee: string | null = null;
    const who = one(row, 'assignee');
    if (who) {
      assignee = memberByName.get(norm(who)) ?? (memberIds.has(who) ? who : null);
      if (assignee === null) warn(`assignee ${quote(who)} is not a member of the plan: left unassigned`);
    }

    let sprint: string | null = null;
    const sprintName = sprintCols.map((i) => cell(row, i)).filter(Boolean).at(-1) ?? '';
    if (sprintName) {
      sprint = sprintByName.get(norm(sprintName)) ?? null;
      if (sprint === null) warn(`sprint ${quote(sprintName)} does not exist in this plan: the card goes to the backlog`);
    }

    const labels = labelCols.flatMap((i) => cell(row, i).split(/[,;]/)).map((l) => l.trim()).filter(Boolean);
    const type = one(row, 'type').toLowerCase();
    if (type) labels.unshift(type);

    if (errors.length > 0) {
      out.bad.push({ line: row.line, title, errors });
      continue;
    }
    const card: ImportedCard = {
      title,
      status,
      sprint,
      points: points as number | null,
      assignee,
      labels: [...new Set(labels)].slice(0, 50),
      epic: null,
      due: null,
      createdAt,
      resolvedAt: doneIds.has(status) ? resolvedAt : null
    };
    if (id) card.id = id;
    if (card.resolvedAt !== null && firstTodo && firstTodo !== status) card.openStatus = firstTodo;
    out.good.push({ line: row.line, card });
  }
  return out;
}
