/**
 * Real Jira Cloud exports import fully [J7–J11, D4, W1–W2]: the fixtures in test/unit/fixtures are
 * a 75-row export with Jira Cloud's full header (made by make-jira-exports.mjs) and the same file
 * re-saved by a spreadsheet, with numeric month-first dates.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { detectDateOrder, parseDate } from '../../client/src/lib/backlog/csv/dates.ts';
import {
  guessMapping,
  guessStatusMapping,
  readSheet,
  sheetDateOrder,
  sheetStatusCategories,
  sheetStatuses,
  unmappedColumns,
  validateRows,
  type ImportContext
} from '../../client/src/lib/backlog/csv/jira.ts';
import { inlineRuns, wikiToBlocks } from '../../client/src/lib/backlog/csv/wiki.ts';
import { cardDescription, cards, importCards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { epics } from '../../shared/doc/sprints.ts';
import { FORMAT } from '../../shared/doc/rich-text.ts';
import type { Member, Sprint, Status } from '../../shared/schema.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const EXPORT = fixture('jira-cloud-export.csv');
const RESAVED = fixture('jira-cloud-resaved.csv');

const STATUSES: Status[] = [
  { id: 'backlog', name: 'Backlog', category: 'todo', rank: 'a', wipLimit: null },
  { id: 'todo', name: 'To do', category: 'todo', rank: 'b', wipLimit: null },
  { id: 'doing', name: 'In progress', category: 'doing', rank: 'c', wipLimit: null },
  { id: 'review', name: 'Review', category: 'doing', rank: 'd', wipLimit: null },
  { id: 'done', name: 'Done', category: 'done', rank: 'e', wipLimit: null }
];
const member = (id: string, name: string): Member => ({ id, name, title: '', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 8, capacity: {}, daysOff: {} });
const sprint = (id: string, name: string): Sprint => ({ id, name, goal: '', start: '2024-03-04', end: '2024-03-15', state: 'active', commitment: null, closedAt: null });
const ctx = (over: Partial<ImportContext> = {}): ImportContext => ({
  statuses: STATUSES,
  members: [member('m-ana', 'Ana Lima'), member('m-ben', 'Ben Okafor'), member('m-chloe', 'Chloé Martin')],
  sprints: [sprint('s-1', 'SHOP Sprint 1'), sprint('s-2', 'SHOP Sprint 2')],
  existingIds: new Set(),
  epics: [],
  timeZone: 'Europe/London',
  now: Date.UTC(2024, 5, 1),
  ...over
});

function validate(text: string, over: Partial<ImportContext> = {}) {
  const sheet = readSheet(text);
  const mapping = guessMapping(sheet.header);
  const statusMap = guessStatusMapping(sheetStatuses(sheet, mapping), STATUSES, sheetStatusCategories(sheet, mapping));
  return { sheet, mapping, v: validateRows(sheet, mapping, statusMap, ctx(over)) };
}

describe('a Jira Cloud export with the full header', () => {
  it('[J2, J11] every column Jira writes is read, except Reporter and Updated, which the preview names', () => {
    const { sheet, mapping } = validate(EXPORT);
    expect(sheet.rows).toHaveLength(75);
    expect(mapping).toMatchObject({ title: 0, key: 1, issueId: 2, type: 3, status: 4, priority: 5, assignee: 6, created: 8, resolved: 10, due: 11, sprint: 12, points: 14, epicLink: 15, parent: 16, description: 17 });
    expect(unmappedColumns(sheet.header, mapping)).toEqual(['Reporter', 'Updated']);
  });

  it('[J7] Epic rows become epics; Epic Link (key) and Parent (Issue id) link cards to them', () => {
    const { v } = validate(EXPORT);
    expect(v.bad).toEqual([]);
    expect(v.epics).toEqual([
      { id: 'SHOP-1', name: 'Checkout redesign' },
      { id: 'SHOP-2', name: 'Payments provider migration' },
      { id: 'SHOP-3', name: 'Accessibility audit fixes' }
    ]);
    expect(v.good).toHaveLength(72);
    expect(v.good.every((g) => !g.card.labels.includes('epic'))).toBe(true);
    const byId = new Map(v.good.map((g) => [g.card.id, g.card]));
    expect(byId.get('SHOP-5')!.epic).toBe('SHOP-3'); // Epic Link
    expect(byId.get('SHOP-4')!.epic).toBe('SHOP-2'); // Parent 10001 = SHOP-2's Issue id
    expect(v.good.every((g) => g.card.epic !== null)).toBe(true);
    expect(v.warnings.filter((w) => w.message.startsWith('epic SHOP-')).map((w) => w.line)).toEqual([2, 3, 7]); // the second epic spans lines 3–6
  });

  it('[J8] due dates, priority and descriptions are imported', () => {
    const { v } = validate(EXPORT);
    const byId = new Map(v.good.map((g) => [g.card.id, g.card]));
    expect(byId.get('SHOP-6')).toMatchObject({ due: '2024-04-07', labels: ['story', 'priority:medium'] });
    expect(byId.get('SHOP-5')!.due).toBeNull();
    expect(v.good.filter((g) => g.card.due !== null)).toHaveLength(24);
    expect(byId.get('SHOP-8')!.description).toEqual([
      { kind: 'heading', tag: 'h3', runs: [{ text: 'Acceptance', format: 0 }] },
      { kind: 'list', list: 'number', items: [[{ text: 'totals update live', format: 0 }], [{ text: 'no', format: FORMAT.italic }, { text: ' page reload', format: 0 }]] },
      {
        kind: 'paragraph',
        runs: [
          { text: 'See ', format: 0 },
          { text: 'checkout.ts', format: FORMAT.code },
          { text: ' and ', format: 0 },
          { text: 'the design', format: 0, url: 'https://example.com/figma' },
          { text: '.', format: 0 }
        ]
      }
    ]);
    expect(byId.get('SHOP-5')!.description).toEqual([
      { kind: 'paragraph', runs: [{ text: 'Line one', format: 0 }] },
      { kind: 'paragraph', runs: [{ text: 'Line two', format: 0 }] }
    ]);
  });

  it('[J9] Blocked lands in progress, In Review in review, Backlog in the backlog', () => {
    const { v } = validate(EXPORT);
    const byId = new Map(v.good.map((g) => [g.card.id, g.card]));
    expect(byId.get('SHOP-8')!.status).toBe('doing'); // Blocked
    expect(byId.get('SHOP-9')!.status).toBe('review'); // In Review
    expect(byId.get('SHOP-5')!.status).toBe('backlog');
  });

  it('[J9] an unknown status name maps by its Status Category column', () => {
    const csv = 'Summary,Status,Status Category\nA,Waiting for vendor,In Progress\nB,Shipped to prod,Done\nC,Triage,To Do\n';
    const { v } = validate(csv);
    expect(v.good.map((g) => g.card.status)).toEqual(['doing', 'done', 'todo']);
    expect(guessStatusMapping(['Parked'], STATUSES, { Parked: 'In Progress' })).toEqual({ Parked: 'doing' });
    expect(guessStatusMapping(['Parked'], STATUSES)).toEqual({ Parked: 'todo' });
  });

  it('[J7] a parent that is not an epic, or unknown, is a warning; a plan epic is found by name', () => {
    const csv = 'Summary,Issue key,Issue Type,Parent,Custom field (Epic Link)\nStory,X-1,Story,,\nSub,X-2,Sub-task,X-1,\nLost,X-3,Story,X-404,\nOld,X-4,Story,,Platform\n';
    const { v } = validate(csv, { epics: [{ id: 'e-plat', name: 'Platform', rank: 'a' }] });
    expect(v.good.map((g) => g.card.epic)).toEqual([null, null, null, 'e-plat']);
    expect(v.warnings.map((w) => w.message)).toEqual([
      'parent “X-1” is not an epic (Plenary has no sub-tasks): imported without an epic',
      'epic “X-404” is neither in the file nor in the plan: imported without an epic'
    ]);
  });
});

describe('the same export re-saved by a spreadsheet', () => {
  it('[D4, J10] numeric dates are refused until an order is chosen; month-first is detected', () => {
    const { sheet, mapping, v } = validate(RESAVED);
    expect(v.bad).toHaveLength(72); // the symptom: without an order every card row is refused
    expect(v.bad[0].errors).toContain('created date “3/5/2024 12:28” is in an unknown format');
    expect(sheetDateOrder(sheet, mapping)).toMatchObject({ order: 'mdy', ambiguous: false, conflict: false });
  });

  it('[D4, J10] read month first, it imports exactly the cards the original export gives', () => {
    const original = validate(EXPORT).v;
    const resaved = validate(RESAVED, { dateOrder: 'mdy' }).v;
    expect(resaved.bad).toEqual([]);
    expect(resaved.epics).toEqual(original.epics);
    expect(resaved.good.map((g) => g.card)).toEqual(original.good.map((g) => g.card));
  });

  it('[D4] read day first instead, the impossible dates are named per row', () => {
    const { v } = validate(RESAVED, { dateOrder: 'dmy' });
    expect(v.bad.length).toBeGreaterThan(0);
    expect(v.bad[0].errors[0]).toMatch(/date “\d+\/\d+\/2024 \d+:\d\d” is in an unknown format/);
  });
});

describe('[D4] numeric dates', () => {
  it('detects the order from values above 12, and says when nothing decides or values conflict', () => {
    expect(detectDateOrder(['9/8/2021 9:05', '25/8/2021'])).toMatchObject({ order: 'dmy', ambiguous: false });
    expect(detectDateOrder(['9/8/2021 9:05', '8/25/2021'])).toMatchObject({ order: 'mdy', ambiguous: false });
    expect(detectDateOrder(['9/8/2021 9:05', '1/2/2021'])).toEqual({ order: null, ambiguous: true, conflict: false, numeric: 2 });
    expect(detectDateOrder(['25/8/2021', '8/25/2021'])).toMatchObject({ order: null, conflict: true });
    expect(detectDateOrder(['12/Mar/24 10:15 AM', '2024-03-12'])).toEqual({ order: null, ambiguous: false, conflict: false, numeric: 0 });
  });

  it('reads 9/8/2021 9:05 as the chosen order says, in the plan zone; refuses it without one', () => {
    expect(parseDate('9/8/2021 9:05', 'UTC')).toBeNull();
    expect(parseDate('9/8/2021 9:05', 'UTC', 'mdy')).toBe(Date.UTC(2021, 8, 8, 9, 5));
    expect(parseDate('9/8/2021 9:05', 'UTC', 'dmy')).toBe(Date.UTC(2021, 7, 9, 9, 5));
    expect(parseDate('09.08.21 9:05 PM', 'Europe/London', 'dmy')).toBe(Date.UTC(2021, 7, 9, 20, 5));
    expect(parseDate('2/30/2024', 'UTC', 'mdy')).toBeNull();
    expect(parseDate('13/1/2024 25:00', 'UTC', 'dmy')).toBeNull();
  });
});

describe('[W1, W2] Jira wiki markup into rich text', () => {
  it('inline marks, nested; links only for safe schemes', () => {
    expect(inlineRuns('*bold _both_* and -gone- +under+ {{x()}}')).toEqual([
      { text: 'bold ', format: FORMAT.bold },
      { text: 'both', format: FORMAT.bold | FORMAT.italic },
      { text: ' and ', format: 0 },
      { text: 'gone', format: FORMAT.strikethrough },
      { text: ' ', format: 0 },
      { text: 'under', format: FORMAT.underline },
      { text: ' ', format: 0 },
      { text: 'x()', format: FORMAT.code }
    ]);
    expect(inlineRuns('[x|javascript:alert(1)] [https://a.io] a-b 2*3*4')).toEqual([
      { text: '[x|javascript:alert(1)] ', format: 0 },
      { text: 'https://a.io', format: 0, url: 'https://a.io' },
      { text: ' a-b 2*3*4', format: 0 }
    ]);
  });

  it('headings, bulleted and numbered lists, code blocks, plain lines', () => {
    expect(wikiToBlocks('h1. Big\nh5. Small\n* a\n- b\n# one\n\n{code:java}\nint x;\n{code}\n{panel}kept{panel}')).toEqual([
      { kind: 'heading', tag: 'h1', runs: [{ text: 'Big', format: 0 }] },
      { kind: 'heading', tag: 'h3', runs: [{ text: 'Small', format: 0 }] },
      { kind: 'list', list: 'bullet', items: [[{ text: 'a', format: 0 }], [{ text: 'b', format: 0 }]] },
      { kind: 'list', list: 'number', items: [[{ text: 'one', format: 0 }]] },
      { kind: 'paragraph', runs: [{ text: 'int x;', format: FORMAT.code }] },
      { kind: 'paragraph', runs: [{ text: '{panel}kept{panel}', format: 0 }] }
    ]);
    expect(wikiToBlocks('')).toEqual([]);
  });
});

describe('importing the export into a plan', () => {
  function imported() {
    const doc = new Y.Doc();
    const ed = createEditor('m-ana', 'import', () => Date.UTC(2024, 5, 1));
    createPlan(doc, ed, { name: 'Shop' });
    const { v } = validate(EXPORT);
    return { doc, ed, v, result: importCards(doc, ed, v.good.map((g) => g.card), v.epics) };
  }

  it('[J7, J8] one transaction writes the epics, the cards in them, due dates and rich descriptions', () => {
    const { doc, result } = imported();
    expect(result.ok).toBe(true);
    expect(epics.list(doc).map((e) => e.name).sort()).toEqual(['Accessibility audit fixes', 'Checkout redesign', 'Payments provider migration']);
    const c = cards.get(doc, 'SHOP-8')!;
    expect(c).toMatchObject({ epic: 'SHOP-3', status: 'doing', due: null });
    // plainText (collection.ts) starts a line at every embedded element, a link included, as it does for the editor's own links.
    expect(c.descriptionText).toBe('Acceptance\ntotals update live\nno page reload\nSee checkout.ts and \nthe design.');
    const blocks = (cardDescription(doc, 'SHOP-8')!.toDelta() as { insert: Y.XmlText }[]).map((op) => op.insert.getAttribute('__type'));
    expect(blocks).toEqual(['heading', 'list', 'paragraph']);
    expect(cards.get(doc, 'SHOP-6')!.due).toBe('2024-04-07');
  });

  it('[J7] all or nothing: an epic id taken since the preview writes nothing', () => {
    const doc = new Y.Doc();
    const ed = createEditor('m-ana', 'import', () => Date.UTC(2024, 5, 1));
    createPlan(doc, ed, { name: 'Shop' });
    const { v } = validate(EXPORT);
    epics.add(doc, ed, { name: 'Someone else', rank: 'a' }, { id: 'SHOP-2' });
    const r = importCards(doc, ed, v.good.map((g) => g.card), v.epics);
    expect(r).toEqual({ ok: false, index: -1, reason: 'an epic SHOP-2 already exists' });
    expect(cards.list(doc)).toHaveLength(0);
    expect(epics.list(doc)).toHaveLength(1);
  });
});
