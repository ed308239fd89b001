/**
 * Target 3: the CSV importers, fed any text a person could pick as a file (the input as UTF-8,
 * invalid sequences replaced as a browser's File.text() does):
 * - shared/csv/parse.ts parseCsv ("never throws"), with the detected and with each fixed delimiter;
 * - shared/steering/import.ts previewRaidImport (RAID register import): errors per row and per file;
 * - client/src/lib/backlog/csv/jira.ts (Jira export import, pure): readSheet, guessMapping,
 *   sheetStatuses, guessStatusMapping, validateRows, in one of several plan time zones.
 * None may throw. Cheap invariants besides: records start on ascending lines within the file, and
 * what the reader read, written back by the exporters' writer (shared/steering/csv.ts toCsv), reads
 * back the same (with the writer's formula-injection quote [CSV1] accounted for).
 */
import { parseCsv, type CsvParseResult } from '../../../shared/csv/parse.ts';
import { previewRaidImport } from '../../../shared/steering/import.ts';
import { toCsv } from '../../../shared/steering/csv.ts';
import type { Member, Sprint, Status } from '../../../shared/schema.ts';
import { guessMapping, guessStatusMapping, readSheet, sheetStatuses, validateRows } from '../../../client/src/lib/backlog/csv/jira.ts';
import { FuzzFinding } from '../finding.ts';

const member = (id: string, name: string): Member => ({ id, name, title: '', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00' }) as Member;
const MEMBERS = [member('m-ada', 'Ada Lovelace'), member('m-grace', 'Grace Hopper')];
const STATUSES: Status[] = [
  { id: 'backlog', name: 'Backlog', category: 'todo', rank: 'a', wipLimit: null },
  { id: 'todo', name: 'To do', category: 'todo', rank: 'b', wipLimit: null },
  { id: 'doing', name: 'In progress', category: 'doing', rank: 'c', wipLimit: 3 },
  { id: 'review', name: 'Review', category: 'doing', rank: 'd', wipLimit: null },
  { id: 'done', name: 'Done', category: 'done', rank: 'e', wipLimit: null }
];
const SPRINTS = [{ id: 's-1', name: 'Sprint 1' }, { id: 's-2', name: 'Sprint 2' }] as Sprint[];
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe'];
const DANGEROUS = /^[=+\-@\t\r]/;
const decoder = new TextDecoder('utf-8');

function step<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof FuzzFinding ? err : new FuzzFinding(`${what} threw`, err);
  }
}

function checkLines(text: string, parsed: CsvParseResult): void {
  const lastLine = 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);
  let previous = 0;
  for (const r of parsed.records) {
    if (!(r.line > previous && r.line <= lastLine)) throw new FuzzFinding(`parseCsv: record on line ${r.line} after line ${previous} (file has ${lastLine})`);
    previous = r.line;
  }
  if (parsed.error && !(parsed.error.line >= previous && parsed.error.line <= lastLine)) throw new FuzzFinding(`parseCsv: error on line ${parsed.error.line}`);
}

function checkRoundTrip(parsed: CsvParseResult): void {
  if (parsed.error || parsed.records.length === 0) return;
  const [head, ...rows] = parsed.records.map((r) => r.cells);
  const written = toCsv(head, rows, { delimiter: parsed.delimiter });
  const again = parseCsv(written, { delimiter: parsed.delimiter });
  const expected = parsed.records.map((r) => r.cells.map((c) => (DANGEROUS.test(c) ? `'${c}` : c)));
  const got = again.records.map((r) => r.cells);
  if (again.error || JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new FuzzFinding(`toCsv → parseCsv does not give back what was read: ${JSON.stringify(expected).slice(0, 300)} vs ${JSON.stringify(got).slice(0, 300)}`);
  }
}

export function fuzz(data: Uint8Array): void {
  const text = decoder.decode(data);
  const parsed = step('parseCsv', () => parseCsv(text));
  checkLines(text, parsed);
  checkRoundTrip(parsed);
  for (const delimiter of [',', ';', '\t']) step(`parseCsv(${JSON.stringify(delimiter)})`, () => parseCsv(text, { delimiter }));

  step('previewRaidImport', () => previewRaidImport(text, { members: MEMBERS, today: '2024-03-12' }));

  const timeZone = ZONES[data.length % ZONES.length];
  step('jira import', () => {
    const sheet = readSheet(text);
    const mapping = guessMapping(sheet.header);
    const statusMap = guessStatusMapping(sheetStatuses(sheet, mapping), STATUSES);
    return validateRows(sheet, mapping, statusMap, { statuses: STATUSES, members: MEMBERS, sprints: SPRINTS, existingIds: new Set(['PLN-1']), timeZone, now: 1_710_000_000_000 });
  });
}
