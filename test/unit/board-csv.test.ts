/**
 * CSV export [X1–X4] and the Jira import [J1–J6] with its dates [D1–D3]
 * (client/src/lib/backlog/csv/*.ts), including the reader cases a real export throws at us:
 * quoted fields, embedded newlines and commas, a BOM, CRLF, ragged rows.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardCsv, resolvedAt } from '../../client/src/lib/backlog/csv/export.ts';
import { parseDate } from '../../client/src/lib/backlog/csv/dates.ts';
import { columnsOf, guessMapping, guessStatus, guessStatusMapping, parsePointsCell, readSheet, sheetStatuses, validateRows, type ImportContext } from '../../client/src/lib/backlog/csv/jira.ts';
import { parseCsv } from '../../shared/csv/parse.ts';
import { addCard, cards, importCards, moveCard } from '../../shared/doc/cards.ts';
import { addMember, members } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addSprint, epics, sprints } from '../../shared/doc/sprints.ts';
import { orderedStatuses } from '../../shared/doc/statuses.ts';
import type { Member, Sprint, Status } from '../../shared/schema.ts';

const STATUSES: Status[] = [
  { id: 'backlog', name: 'Backlog', category: 'todo', rank: 'a', wipLimit: null },
  { id: 'todo', name: 'To do', category: 'todo', rank: 'b', wipLimit: null },
  { id: 'doing', name: 'In progress', category: 'doing', rank: 'c', wipLimit: 4 },
  { id: 'review', name: 'Review', category: 'doing', rank: 'd', wipLimit: 3 },
  { id: 'done', name: 'Done', category: 'done', rank: 'e', wipLimit: null }
];

const ana: Member = { id: 'm-ana', name: 'Ana Lima', title: '', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 8, capacity: {}, daysOff: {} };
const s1: Sprint = { id: 's-1', name: 'HEL Sprint 1', goal: '', start: '2024-03-04', end: '2024-03-15', state: 'active', commitment: null, closedAt: null };

const ctx = (over: Partial<ImportContext> = {}): ImportContext => ({
  statuses: STATUSES,
  members: [ana],
  sprints: [s1],
  existingIds: new Set(['HEL-99']),
  timeZone: 'UTC',
  now: Date.UTC(2024, 5, 1),
  ...over
});

describe('the CSV reader (shared/csv/parse.ts) on real-world files', () => {
  it('quoted fields with commas, quotes and embedded newlines keep their line numbers', () => {
    const text = 'Summary,Description\r\n"Rack, cable",plain\r\n"Say ""hi""","two\r\nlines"\r\nlast,row\r\n';
    const { records, error } = parseCsv(text);
    expect(error).toBeNull();
    expect(records.map((r) => [r.line, r.cells])).toEqual([
      [1, ['Summary', 'Description']],
      [2, ['Rack, cable', 'plain']],
      [3, ['Say "hi"', 'two\r\nlines']],
      [5, ['last', 'row']]
    ]);
  });

  it('a BOM is dropped; LF-only and ragged rows are read as they are', () => {
    const { records } = parseCsv('\uFEFFa,b,c\n1,2\n1,2,3,4\n');
    expect(records[0].cells).toEqual(['a', 'b', 'c']);
    expect(records[1].cells).toEqual(['1', '2']);
    expect(records[2].cells).toEqual(['1', '2', '3', '4']);
  });

  it('an unclosed quote is an error with the line it opened on', () => {
    expect(readSheet('Summary\nok\n"never closed\nmore').error).toBe('Line 3: a quoted field is never closed.');
  });
});

describe('[X1–X4] export', () => {
  it('every card with names, resolved from history, formula cells escaped, CRLF and BOM', () => {
    let t = Date.UTC(2026, 0, 5, 9);
    const ed = createEditor('m-ana', 'user', () => t);
    const doc = new Y.Doc();
    createPlan(doc, ed, { name: 'Export plan' });
    addMember(doc, ed, { name: 'Ana Lima', title: '', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 8 }, 'm-ana');
    const sprint = addSprint(doc, ed, { name: 'Sprint 1', goal: '', start: '2026-01-05', end: '2026-01-16' });
    if (!sprint.ok) throw new Error();
    epics.add(doc, ed, { name: 'Power', rank: 'a' }, { id: 'e-1' });
    addCard(doc, ed, { title: '=HYPERLINK("http://evil")', status: 'todo', rank: 'b', points: 3, assignee: 'm-ana', labels: ['gpu', 'ops'], epic: 'e-1', sprint: sprint.id }, 'HEL-1');
    addCard(doc, ed, { title: 'Plain, with comma', status: 'todo', rank: 'a' }, 'HEL-2');
    t += 3_600_000;
    moveCard(doc, ed, 'HEL-1', { status: 'done' });
    t += 3_600_000;
    moveCard(doc, ed, 'HEL-1', { status: 'doing' });
    t += 3_600_000;
    moveCard(doc, ed, 'HEL-1', { status: 'done' });
    const csv = boardCsv({ cards: cards.list(doc), statuses: orderedStatuses(doc), sprints: sprints.list(doc), members: members.list(doc), epics: epics.list(doc) });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toEqual([
      'Key,Title,Status,Sprint,Points,Assignee,Labels,Epic,Created,Resolved',
      '"HEL-2","Plain, with comma",To do,,,,,,2026-01-05T09:00:00.000Z,'.replace('"HEL-2"', 'HEL-2'),
      `HEL-1,"'=HYPERLINK(""http://evil"")",Done,Sprint 1,3,Ana Lima,"gpu, ops",Power,2026-01-05T09:00:00.000Z,2026-01-05T10:00:00.000Z`,
      ''
    ]);
  });

  it('resolved is the first entry into a done column, whatever the log order', () => {
    const done = new Set(['done']);
    expect(resolvedAt({ history: [{ at: 30, from: 'x', to: 'done', actor: 'a' }, { at: 10, from: null, to: 'todo', actor: 'a' }, { at: 20, from: 'todo', to: 'done', actor: 'a' }] }, done)).toBe(20);
    expect(resolvedAt({ history: [{ at: 10, from: null, to: 'todo', actor: 'a' }] }, done)).toBeNull();
  });

  it('the export reads back through the import reader', () => {
    const csv = boardCsv({
      cards: [
        { id: 'K-1', title: '-1 starts with minus, "quoted"\nand a newline', status: 'todo', sprint: null, rank: 'a', points: 2, assignee: null, labels: [], epic: null, due: null, links: [], createdAt: 1, createdBy: 'x', descriptionText: '', history: [], estimates: [], comments: [] }
      ],
      statuses: STATUSES,
      sprints: [],
      members: [],
      epics: []
    });
    const sheet = readSheet(csv);
    expect(sheet.header[0]).toBe('Key');
    expect(sheet.rows[0].cells[1]).toBe(`'-1 starts with minus, "quoted"\nand a newline`);
  });
});

describe('[D1–D3] dates', () => {
  it('Jira and ISO formats, in the plan zone unless an offset is given', () => {
    expect(parseDate('12/Mar/24 10:15 AM', 'UTC')).toBe(Date.UTC(2024, 2, 12, 10, 15));
    expect(parseDate('12/Mar/24 12:05 AM', 'UTC')).toBe(Date.UTC(2024, 2, 12, 0, 5));
    expect(parseDate('1/Apr/2024 3:00 PM', 'UTC')).toBe(Date.UTC(2024, 3, 1, 15, 0));
    expect(parseDate('12/Mar/24', 'UTC')).toBe(Date.UTC(2024, 2, 12));
    expect(parseDate('2024-03-12', 'UTC')).toBe(Date.UTC(2024, 2, 12));
    expect(parseDate('2024-03-12 10:15', 'Europe/London')).toBe(Date.UTC(2024, 2, 12, 10, 15));
    expect(parseDate('2024-07-12 10:15', 'Europe/London')).toBe(Date.UTC(2024, 6, 12, 9, 15));
    expect(parseDate('2024-03-12T10:15:00.000+0100', 'Asia/Tokyo')).toBe(Date.UTC(2024, 2, 12, 9, 15));
    expect(parseDate('2024-03-12T10:15:00Z', 'Asia/Tokyo')).toBe(Date.UTC(2024, 2, 12, 10, 15));
  });
  it('unknown or impossible dates are refused', () => {
    for (const bad of ['03/12/2024', 'yesterday', '31/Feb/24', '2024-02-30', '12/Mar/24 13:00 PM', '2024-03-12 25:00', '12/Foo/24']) expect(parseDate(bad, 'UTC'), bad).toBeNull();
  });
});

describe('[J1–J6] Jira import', () => {
  const JIRA = [
    '\uFEFFSummary,Issue key,Issue Type,Status,Custom field (Story Points),Assignee,Sprint,Sprint,Labels,Labels,Created,Resolved',
    'Rack GPU nodes,HEL-1,Story,In Progress,5,Ana Lima,HEL Sprint 0,HEL Sprint 1,gpu,,12/Mar/24 10:15 AM,',
    '"Cable, label and test",HEL-2,Task,Done,3,Nobody Known,,,net,ops,12/Mar/24 9:00 AM,14/Mar/24 4:30 PM',
    '"Multi-line\r\nsummary",HEL-3,Bug,To Do,abc,,,,,,12/Mar/24 9:00 AM,',
    ',HEL-4,Story,To Do,2,,,,,,12/Mar/24 9:00 AM,',
    'Old card,HEL-99,Story,To Do,1,,,,,,2024-03-01,',
    'Bad date,HEL-6,Story,QA Review,1,,Sprint 9,,,,sometime,',
    'Short row,HEL-7,Story,Backlog',
    'Long row,HEL-8,Story,To Do,,,,,,,2024-03-01,,surplus',
    'Dup,HEL-1,Story,To Do,,,,,,,2024-03-01,'
  ].join('\r\n');

  it('guesses the mapping from Jira headers, Sprint and Labels read from every repeated column', () => {
    const sheet = readSheet(JIRA);
    expect(sheet.error).toBeNull();
    const mapping = guessMapping(sheet.header);
    expect(mapping).toEqual({
      ...{ title: 0, key: 1, type: 2, status: 3, points: 4, assignee: 5, sprint: 6, labels: 8, created: 10, resolved: 11 },
      ...{ issueId: null, statusCategory: null, due: null, priority: null, epicLink: null, parent: null, description: null }
    });
    expect(columnsOf(sheet.header, mapping, 'sprint')).toEqual([6, 7]);
    expect(columnsOf(sheet.header, mapping, 'labels')).toEqual([8, 9]);
    expect(guessMapping(['Story Points', 'summary '])).toMatchObject({ title: 1, points: 0, key: null });
  });

  it('guesses our column for each Jira status', () => {
    expect(guessStatusMapping(['In Progress', 'Done', 'To Do', 'QA Review', 'Backlog', 'Closed', 'Selected for Development', 'Blocked'], STATUSES)).toEqual({
      'In Progress': 'doing',
      Done: 'done',
      'To Do': 'todo',
      'QA Review': 'review',
      Backlog: 'backlog',
      Closed: 'done',
      'Selected for Development': 'doing',
      Blocked: 'doing' // [J9] Jira's stock Blocked is in the In Progress category
    });
    expect(guessStatus('anything', [])).toBe('');
  });

  it('validates every row with its line number; good rows become cards, bad rows are listed', () => {
    const sheet = readSheet(JIRA);
    const mapping = guessMapping(sheet.header);
    const statuses = sheetStatuses(sheet, mapping);
    expect(statuses).toEqual(['In Progress', 'Done', 'To Do', 'QA Review', 'Backlog']);
    const v = validateRows(sheet, mapping, guessStatusMapping(statuses, STATUSES), ctx());
    expect(v.error).toBeNull();
    expect(v.bad.map((b) => [b.line, b.errors])).toEqual([
      [4, ['points “abc” are not a number from 0 to 1000']],
      [6, ['the summary is empty']],
      [7, ['issue key HEL-99 is already a card in this plan']],
      [8, ['created date “sometime” is in an unknown format']],
      [11, ['issue key HEL-1 is also on line 2']]
    ]);
    expect(v.good.map((g) => [g.line, g.card.id, g.card.status])).toEqual([
      [2, 'HEL-1', 'doing'],
      [3, 'HEL-2', 'done'],
      [9, 'HEL-7', 'backlog'],
      [10, 'HEL-8', 'todo']
    ]);
    expect(v.warnings).toEqual([
      { line: 3, message: 'assignee “Nobody Known” is not a member of the plan: left unassigned' },
      { line: 8, message: 'sprint “Sprint 9” does not exist in this plan: the card goes to the backlog' },
      { line: 10, message: '1 cells past the last column are ignored' }
    ]);
    const [first, second] = v.good.map((g) => g.card);
    expect(first).toMatchObject({ title: 'Rack GPU nodes', points: 5, assignee: 'm-ana', sprint: 's-1', labels: ['story', 'gpu'], createdAt: Date.UTC(2024, 2, 12, 10, 15), resolvedAt: null });
    expect(second).toMatchObject({ title: 'Cable, label and test', assignee: null, sprint: null, labels: ['task', 'net', 'ops'], resolvedAt: Date.UTC(2024, 2, 14, 16, 30), openStatus: 'backlog' });
    expect(v.good[2].card.points).toBeNull();
  });

  it('the good rows import in one go through importCards', () => {
    const doc = new Y.Doc();
    const ed = createEditor('m-ana', 'import', () => Date.UTC(2024, 5, 1));
    createPlan(doc, ed, { name: 'Import' });
    const sheet = readSheet(JIRA);
    const mapping = guessMapping(sheet.header);
    const v = validateRows(sheet, mapping, guessStatusMapping(sheetStatuses(sheet, mapping), STATUSES), ctx({ members: [], sprints: [] }));
    const result = importCards(doc, ed, v.good.map((g) => g.card));
    expect(result).toEqual({ ok: true, ids: ['HEL-1', 'HEL-2', 'HEL-7', 'HEL-8'] });
    expect(cards.get(doc, 'HEL-2')!.history.map((h) => h.to)).toEqual(['backlog', 'done']);
  });

  it('an unmapped status, a missing title mapping, an empty file', () => {
    const sheet = readSheet('Summary,Status\nA,Weird\n');
    const mapping = guessMapping(sheet.header);
    expect(validateRows(sheet, mapping, {}, ctx()).bad[0].errors).toEqual(['status “Weird” is not mapped to a column']);
    expect(validateRows(sheet, { ...mapping, title: null }, {}, ctx()).error).toMatch(/title/);
    expect(readSheet('').error).toBe('The file is empty.');
    expect(readSheet('Summary\n').error).toBe('The file has a header but no rows.');
    // Without a status column every row goes to the first 'todo' column.
    const noStatus = readSheet('Summary\nA\n');
    expect(validateRows(noStatus, guessMapping(noStatus.header), {}, ctx()).good[0].card.status).toBe('backlog');
  });

  it('points cells', () => {
    expect(parsePointsCell('')).toBeNull();
    expect(parsePointsCell(' 3 ')).toBe(3);
    expect(parsePointsCell('2,5')).toBe(2.5);
    expect(parsePointsCell('0.5')).toBe(0.5);
    for (const bad of ['-1', '1001', 'x', '1,000.5', 'NaN', 'Infinity']) expect(parsePointsCell(bad), bad).toBe('bad');
  });
});
