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
 * [J7] Epics: a row whose Issue Type is Epic becomes a plan epic (its summary the name, its key the
 *      id), not a card. A card's Custom field (Epic Link), else its Parent, names its epic by issue
 *      key or Issue id: an epic of the file, or an epic of the plan with that id or name. A parent
 *      that is not an epic (a sub-task's story), or that nobody knows, is a warning; the card is
 *      imported without an epic. An epic has only a name: its other cells are not imported, and a
 *      non-empty description says so in a warning.
 * [J8] Description (Jira wiki markup or plain text, wiki.ts) becomes the card's rich-text
 *      description; Due date its due date (a day in the plan's zone); Priority a label
 *      "priority:<name>" (cards have no priority field).
 * [J9] A Jira status with no column of the same name maps by its Status Category column when the
 *      file has one (To Do / In Progress / Done), else by meaning; Jira's stock "Blocked", "On hold"
 *      and "Waiting" are In Progress.
 * [J10] Numeric dates ('9/8/2021 9:05', a spreadsheet's re-save) are read in the day/month order
 *      the preview shows and the person may change (dates.ts D4).
 * [J11] The preview lists the file's columns that nothing reads (unmappedColumns).
 */
import { parseCsv, type CsvRecord } from '../../../../../shared/csv/parse.ts';
import { isId } from '../../../../../shared/ids.ts';
import type { ImportedCard } from '$shared/doc/cards.ts';
import type { Member, Sprint, Status } from '$shared/schema.ts';
import type { ImportedEpic } from '$shared/doc/cards.ts';
import type { Epic } from '$shared/schema.ts';
import { detectDateOrder, isoDayOf, parseDate, type DateOrder, type DateOrderGuess } from './dates.ts';
import { wikiToBlocks } from './wiki.ts';

export const MAX_IMPORT_POINTS = 1000;

export type FieldId =
  | 'title'
  | 'key'
  | 'issueId'
  | 'type'
  | 'status'
  | 'statusCategory'
  | 'points'
  | 'assignee'
  | 'sprint'
  | 'labels'
  | 'created'
  | 'resolved'
  | 'due'
  | 'priority'
  | 'epicLink'
  | 'parent'
  | 'description';

export const FIELDS: { id: FieldId; label: string; required: boolean; headers: string[] }[] = [
  { id: 'title', label: 'Title', required: true, headers: ['summary', 'title'] },
  { id: 'key', label: 'Key', required: false, headers: ['issue key', 'key'] },
  { id: 'issueId', label: 'Issue id (for parents)', required: false, headers: ['issue id'] },
  { id: 'type', label: 'Type (as a label; Epic rows become epics)', required: false, headers: ['issue type', 'type'] },
  { id: 'status', label: 'Status', required: false, headers: ['status'] },
  { id: 'statusCategory', label: 'Status category', required: false, headers: ['status category'] },
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
  { id: 'resolved', label: 'Resolved', required: false, headers: ['resolved', 'resolution date'] },
  { id: 'due', label: 'Due date', required: false, headers: ['due date', 'due'] },
  { id: 'priority', label: 'Priority (as a label)', required: false, headers: ['priority'] },
  { id: 'epicLink', label: 'Epic link', required: false, headers: ['custom field (epic link)', 'epic link'] },
  { id: 'parent', label: 'Parent', required: false, headers: ['parent', 'parent key', 'parent id'] },
  { id: 'description', label: 'Description', required: false, headers: ['description'] }
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

/** [J11] Headers of the columns no field reads (repeated Sprint / Labels columns are read). */
export function unmappedColumns(header: readonly string[], mapping: Mapping): string[] {
  const read = new Set(FIELDS.flatMap((f) => columnsOf(header, mapping, f.id)));
  return [...new Set(header.flatMap((h, i) => (read.has(i) || !h.trim() ? [] : [h.trim()])))];
}

/** [J10] The day/month order the file's mapped date columns imply. */
export function sheetDateOrder(sheet: Sheet, mapping: Mapping): DateOrderGuess {
  const cols = (['created', 'resolved', 'due'] as const).flatMap((f) => columnsOf(sheet.header, mapping, f));
  return detectDateOrder(sheet.rows.flatMap((row) => cols.map((i) => cell(row, i))));
}

/** [J9] The Status Category each Jira status carries in the file (first seen), by status name. */
export function sheetStatusCategories(sheet: Sheet, mapping: Mapping): Record<string, string> {
  const out: Record<string, string> = {};
  if (mapping.status === null || mapping.statusCategory === null) return out;
  for (const row of sheet.rows) {
    const name = cell(row, mapping.status);
    const category = cell(row, mapping.statusCategory);
    if (category && !(name in out)) out[name] = category;
  }
  return out;
}

/** The distinct Jira statuses of the rows, in order of first appearance ('' for rows without one). */
export function sheetStatuses(sheet: Sheet, mapping: Mapping): string[] {
  const i = mapping.status;
  if (i === null) return [];
  const seen = new Set<string>();
  for (const row of sheet.rows) seen.add(cell(row, i));
  return [...seen];
}

const DONE_WORDS = /\b(done|closed|resolved|complete|completed|finished|released|shipped)\b/;
const DOING_WORDS = /\b(progress|doing|development|dev|started|active|working|blocked|hold|waiting|impeded)\b/;
const JIRA_CATEGORY: Record<string, Status['category']> = { 'to do': 'todo', new: 'todo', 'in progress': 'doing', indeterminate: 'doing', done: 'done', complete: 'done' };
const REVIEW_WORDS = /\b(review|testing|test|qa|verify|verification)\b/;

/** Jira status → one of ours: same name, else by Jira's status category [J9], else by meaning, else the first 'todo' column after the first. */
export function guessStatus(jira: string, ours: readonly Status[], jiraCategory = ''): string {
  const n = norm(jira);
  const same = ours.find((s) => norm(s.name) === n || s.id === n);
  if (same) return same.id;
  const byCategory = (c: Status['category']) => ours.filter((s) => s.category === c);
  const category = JIRA_CATEGORY[norm(jiraCategory)];
  if (category === 'doing' && REVIEW_WORDS.test(n)) {
    const review = ours.find((s) => /review|test|qa/i.test(s.name));
    if (review) return review.id;
  }
  if (category === 'todo' && /backlog/.test(n)) return ours.find((s) => /backlog/i.test(s.name))?.id ?? byCategory('todo')[0]?.id ?? '';
  if (category === 'todo') return (byCategory('todo').find((s) => !/backlog/i.test(s.name)) ?? byCategory('todo')[0])?.id ?? '';
  if (category) {
    const first = byCategory(category)[0];
    if (first) return first.id;
  }
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

export function guessStatusMapping(jira: readonly string[], ours: readonly Status[], categories: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(jira.map((j) => [j, guessStatus(j, ours, categories[j] ?? '')]));
}

export type ImportContext = {
  /** In column order. */
  statuses: readonly Status[];
  members: readonly Member[];
  sprints: readonly Sprint[];
  existingIds: ReadonlySet<string>;
  /** The plan's epics, for Epic Link / Parent cells that name one [J7]. */
  epics?: readonly Epic[];
  timeZone: string;
  now: number;
  /** [J10] How numeric dates are read; null: not at all (they are refused). */
  dateOrder?: DateOrder | null;
};

export type GoodRow = { line: number; card: ImportedCard };
export type BadRow = { line: number; title: string; errors: string[] };
export type Warning = { line: number; message: string };
export type Validation = { good: GoodRow[]; bad: BadRow[]; warnings: Warning[]; epics: ImportedEpic[]; error: string | null };

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
  const out: Validation = { good: [], bad: [], warnings: [], epics: [], error: null };
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
  const order = ctx.dateOrder ?? null;
  const epicOf = fileEpics(sheet, mapping, ctx, out);

  for (const row of sheet.rows) {
    if (epicOf.rowsAsEpics.has(row.line)) continue;
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
      const t = parseDate(createdText, ctx.timeZone, order);
      if (t === null) errors.push(`created date ${quote(createdText)} is in an unknown format`);
      else createdAt = t;
    }
    const resolvedText = one(row, 'resolved');
    let resolvedAt: number | null = null;
    if (resolvedText) {
      const t = parseDate(resolvedText, ctx.timeZone, order);
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

    const dueText = one(row, 'due');
    let due: string | null = null;
    if (dueText) {
      const t = parseDate(dueText, ctx.timeZone, order);
      if (t === null) errors.push(`due date ${quote(dueText)} is in an unknown format`);
      else due = isoDayOf(t, ctx.timeZone);
    }

    const labels = labelCols.flatMap((i) => cell(row, i).split(/[,;]/)).map((l) => l.trim()).filter(Boolean);
    const type = one(row, 'type').toLowerCase();
    if (type) labels.unshift(type);
    const priority = one(row, 'priority').toLowerCase();
    if (priority) labels.push(`priority:${priority}`);

    const epic = epicOf.resolve(one(row, 'epicLink') || one(row, 'parent'), warn);
    const description = wikiToBlocks(mapping.description === null ? '' : (row.cells[mapping.description] ?? ''));

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
      epic,
      due,
      createdAt,
      resolvedAt: doneIds.has(status) ? resolvedAt : null
    };
    if (id) card.id = id;
    if (description.length > 0) card.description = description;
    if (card.resolvedAt !== null && firstTodo && firstTodo !== status) card.openStatus = firstTodo;
    out.good.push({ line: row.line, card });
  }
  return out;
}

const isEpicType = (t: string) => norm(t) === 'epic';

/**
 * [J7] The file's Epic rows as new epics, and a resolver from an Epic Link / Parent cell (a key or an
 * Issue id) to an epic id. Epic rows with a problem are listed as bad rows here.
 */
function fileEpics(sheet: Sheet, mapping: Mapping, ctx: ImportContext, out: Validation) {
  const rowsAsEpics = new Set<number>();
  const byRef = new Map<string, string>(); // key or issue id → epic id
  const notEpic = new Set<string>(); // keys and ids of non-epic rows
  const planEpics = ctx.epics ?? [];
  const taken = new Set([...planEpics.map((e) => e.id), ...ctx.existingIds]);
  for (const row of sheet.rows) {
    const key = mapping.key === null ? '' : cell(row, mapping.key);
    const issueId = mapping.issueId === null ? '' : cell(row, mapping.issueId);
    const type = mapping.type === null ? '' : cell(row, mapping.type);
    if (!isEpicType(type)) {
      for (const ref of [key, issueId]) if (ref) notEpic.add(ref);
      continue;
    }
    rowsAsEpics.add(row.line);
    const name = mapping.title === null ? '' : cell(row, mapping.title);
    const id = key && isId(key) && !taken.has(key) ? key : null;
    if (!name || !id) {
      const why = !name ? 'the epic has no summary' : `epic key ${quote(key || '(empty)')} cannot be a new epic id (empty, invalid or already used)`;
      out.bad.push({ line: row.line, title: name, errors: [why] });
      continue;
    }
    taken.add(id);
    out.epics.push({ id, name: name.slice(0, 120) });
    if (mapping.description !== null && cell(row, mapping.description)) {
      out.warnings.push({ line: row.line, message: `epic ${key}: its description is not imported (a plan epic has a name only)` });
    }
    byRef.set(key, id);
    if (issueId) byRef.set(issueId, id);
  }
  const resolve = (ref: string, warn: (message: string) => void): string | null => {
    if (!ref) return null;
    const found = byRef.get(ref) ?? planEpics.find((e) => e.id === ref || norm(e.name) === norm(ref))?.id;
    if (found) return found;
    warn(notEpic.has(ref) ? `parent ${quote(ref)} is not an epic (Plenary has no sub-tasks): imported without an epic` : `epic ${quote(ref)} is neither in the file nor in the plan: imported without an epic`);
    return null;
  };
  return { rowsAsEpics, resolve };
}
