/**
 * Importing a RAID register from CSV [IM1–IM7]: map columns, validate row by row, and hand only
 * the good rows to `importRaidItems` (one transaction). Pure: text, members and today in; a preview
 * out. Nothing here writes.
 *
 * [IM1] Columns are mapped by header name (case, spaces and punctuation ignored; common synonyms
 *       such as "Probability" for likelihood); a person may change the mapping. Unmapped columns are
 *       ignored. Title must be mapped; no field may be mapped twice.
 * [IM2] Each row is checked on its own and reported by the line it starts on in the file (line 1 is
 *       the header; a quoted cell with line breaks makes a row span lines).
 * [IM3] Kind: risk, assumption, issue, dependency (or R/A/I/D, any case, plurals); empty → risk.
 *       Status: open, monitoring, mitigating, closed (also "monitor", "mitigate", "resolved" and
 *       "done" for closed); empty → open. Anything else is an error.
 * [IM4] Likelihood and impact: whole numbers 1–5; empty → 3 with a warning. Residual likelihood and
 *       impact: both empty, or both whole numbers 1–5.
 * [IM5] Dates: YYYY-MM-DD (also YYYY/MM/DD), a real calendar date. Raised empty → today; review
 *       and due may be empty.
 * [IM6] Owner: a member's name (any case) or id; empty → unassigned; unknown → unassigned with a
 *       warning. Links: ids separated by ; , or spaces.
 * [IM7] A row with any error is not imported; rows without errors are. Description and response
 *       columns are rich text in the plan and are not imported from CSV (a warning says so).
 */
import { parseCsv, type CsvRecord } from '../csv/parse.ts';
import type { Member, RaidKind, RaidStatus } from '../schema.ts';

export type ImportField =
  | 'kind'
  | 'title'
  | 'owner'
  | 'status'
  | 'raised'
  | 'review'
  | 'due'
  | 'likelihood'
  | 'impact'
  | 'residualLikelihood'
  | 'residualImpact'
  | 'links'
  | 'description'
  | 'response';

export const IMPORT_FIELDS: readonly { field: ImportField; label: string; synonyms: string[] }[] = [
  { field: 'kind', label: 'Kind', synonyms: ['kind', 'type', 'category', 'raidtype', 'raid'] },
  { field: 'title', label: 'Title', synonyms: ['title', 'summary', 'name', 'headline', 'item', 'risktitle'] },
  { field: 'owner', label: 'Owner', synonyms: ['owner', 'assignee', 'assignedto', 'responsible', 'actionowner'] },
  { field: 'status', label: 'Status', synonyms: ['status', 'state'] },
  { field: 'raised', label: 'Raised', synonyms: ['raised', 'dateraised', 'raisedon', 'created', 'opened', 'logged', 'datelogged'] },
  { field: 'review', label: 'Review date', synonyms: ['review', 'reviewdate', 'nextreview', 'reviewby'] },
  { field: 'due', label: 'Due date', synonyms: ['due', 'duedate', 'targetdate', 'deadline'] },
  { field: 'likelihood', label: 'Likelihood', synonyms: ['likelihood', 'probability', 'prob', 'l', 'inherentlikelihood'] },
  { field: 'impact', label: 'Impact', synonyms: ['impact', 'severity', 'i', 'inherentimpact'] },
  { field: 'residualLikelihood', label: 'Residual likelihood', synonyms: ['residuallikelihood', 'residualprobability', 'rl'] },
  { field: 'residualImpact', label: 'Residual impact', synonyms: ['residualimpact', 'residualseverity', 'ri'] },
  { field: 'links', label: 'Links', synonyms: ['links', 'linked', 'related', 'linkeditems'] },
  { field: 'description', label: 'Description', synonyms: ['description', 'details', 'detail'] },
  { field: 'response', label: 'Response', synonyms: ['response', 'mitigation', 'action', 'actions', 'mitigationplan'] }
];

export type ColumnMapping = (ImportField | null)[];

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** [IM1] A field per header cell (null: ignore the column); each field at most once, first match wins. */
export function guessMapping(header: readonly string[]): ColumnMapping {
  const used = new Set<ImportField>();
  return header.map((h) => {
    const n = norm(h);
    const hit = IMPORT_FIELDS.find((f) => !used.has(f.field) && f.synonyms.includes(n));
    if (!hit) return null;
    used.add(hit.field);
    return hit.field;
  });
}

export type ImportedRaid = {
  kind: RaidKind;
  title: string;
  owner: string | null;
  status: RaidStatus;
  raised: string;
  review: string | null;
  due: string | null;
  likelihood: number;
  impact: number;
  residualLikelihood: number | null;
  residualImpact: number | null;
  links: string[];
};

export type GoodRow = { line: number; fields: ImportedRaid; warnings: string[] };
export type BadRow = { line: number; errors: string[]; warnings: string[]; title: string };

export type ImportPreview = {
  header: string[];
  mapping: ColumnMapping;
  /** Problems with the file or the mapping: nothing can be imported while there are any. */
  fileErrors: string[];
  /** Notes about the whole file (e.g. columns not imported). */
  notes: string[];
  good: GoodRow[];
  bad: BadRow[];
};

const KIND_WORDS: Record<string, RaidKind> = {
  r: 'risk', risk: 'risk', risks: 'risk',
  a: 'assumption', assumption: 'assumption', assumptions: 'assumption',
  i: 'issue', issue: 'issue', issues: 'issue',
  d: 'dependency', dependency: 'dependency', dependencies: 'dependency', dep: 'dependency'
};

const STATUS_WORDS: Record<string, RaidStatus> = {
  open: 'open', new: 'open',
  monitoring: 'monitoring', monitor: 'monitoring',
  mitigating: 'mitigating', mitigate: 'mitigating', mitigation: 'mitigating', inprogress: 'mitigating',
  closed: 'closed', close: 'closed', resolved: 'closed', done: 'closed'
};

/** [IM5] A real calendar date, YYYY-MM-DD or YYYY/MM/DD, as YYYY-MM-DD; else null. */
export function parseIsoDate(text: string): string | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso) ? iso : null;
}

/** [IM4] A whole number 1–5, or null. */
function parseScore(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.0+)?$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= 5 ? n : null;
}

export type ImportContext = { members: readonly Member[]; today: string };

/** [IM2–IM7] Validates one record under a mapping. */
export function validateRow(record: CsvRecord, mapping: ColumnMapping, ctx: ImportContext): GoodRow | BadRow {
  const errors: string[] = [];
  const warnings: string[] = [];
  const get = (f: ImportField): string | null => {
    const k = mapping.indexOf(f);
    return k < 0 ? null : (record.cells[k] ?? '').trim();
  };

  const title = (get('title') ?? '').replace(/\s+/g, ' ').slice(0, 500);
  if (!title) errors.push('title is empty');

  const kindText = get('kind') ?? '';
  const kind = kindText === '' ? 'risk' : KIND_WORDS[norm(kindText)];
  if (!kind) errors.push(`unknown kind “${kindText}” (use risk, assumption, issue or dependency)`);

  const statusText = get('status') ?? '';
  const status = statusText === '' ? 'open' : STATUS_WORDS[norm(statusText)];
  if (!status) errors.push(`unknown status “${statusText}” (use open, monitoring, mitigating or closed)`);

  const score = (f: 'likelihood' | 'impact') => {
    const text = get(f) ?? '';
    if (text === '') {
      warnings.push(`${f} empty, set to 3`);
      return 3;
    }
    const n = parseScore(text);
    if (n === null) errors.push(`${f} “${text}” is not a whole number from 1 to 5`);
    return n ?? 3;
  };
  const likelihood = score('likelihood');
  const impact = score('impact');

  const residual = (f: 'residualLikelihood' | 'residualImpact', label: string) => {
    const text = get(f) ?? '';
    if (text === '') return null;
    const n = parseScore(text);
    if (n === null) errors.push(`${label} “${text}” is not a whole number from 1 to 5`);
    return n;
  };
  const residualLikelihood = residual('residualLikelihood', 'residual likelihood');
  const residualImpact = residual('residualImpact', 'residual impact');
  const rl = get('residualLikelihood') ?? '';
  const ri = get('residualImpact') ?? '';
  if ((rl === '') !== (ri === '')) errors.push('residual likelihood and residual impact must both be given, or neither');

  const date = (f: 'raised' | 'review' | 'due', label: string) => {
    const text = get(f) ?? '';
    if (text === '') return null;
    const d = parseIsoDate(text);
    if (d === null) errors.push(`${label} “${text}” is not a date (use YYYY-MM-DD)`);
    return d;
  };
  const raised = date('raised', 'raised date') ?? ctx.today;
  const review = date('review', 'review date');
  const due = date('due', 'due date');

  const ownerText = get('owner') ?? '';
  let owner: string | null = null;
  if (ownerText !== '') {
    const m = ctx.members.find((x) => x.id === ownerText) ?? ctx.members.find((x) => x.name.toLowerCase() === ownerText.toLowerCase());
    if (m) owner = m.id;
    else warnings.push(`owner “${ownerText}” is not a member of this plan: left unassigned`);
  }

  const links = [...new Set((get('links') ?? '').split(/[;,\s]+/).filter((x) => /^[A-Za-z0-9_-]{1,64}$/.test(x)))];

  if (errors.length > 0) return { line: record.line, errors, warnings, title };
  return {
    line: record.line,
    warnings,
    fields: { kind: kind!, title, owner, status: status!, raised, review, due, likelihood, impact, residualLikelihood, residualImpact, links }
  };
}

export const isGood = (r: GoodRow | BadRow): r is GoodRow => 'fields' in r;

/** [IM1–IM7] Parses, maps (the guess unless `mapping` is given) and validates a whole file. */
export function previewRaidImport(text: string, ctx: ImportContext, mapping?: ColumnMapping): ImportPreview {
  const parsed = parseCsv(text);
  const [head, ...body] = parsed.records;
  const header = head?.cells.map((h) => h.trim()) ?? [];
  const map = mapping ?? guessMapping(header);
  const preview: ImportPreview = { header, mapping: map, fileErrors: [], notes: [], good: [], bad: [] };
  if (parsed.error) {
    preview.fileErrors.push(`line ${parsed.error.line}: ${parsed.error.message}`);
    return preview;
  }
  if (!head) {
    preview.fileErrors.push('the file is empty');
    return preview;
  }
  if (!map.includes('title')) preview.fileErrors.push('no column is mapped to Title');
  const seen = new Set<ImportField>();
  for (const f of map) {
    if (f === null) continue;
    if (seen.has(f)) preview.fileErrors.push(`${IMPORT_FIELDS.find((x) => x.field === f)!.label} is mapped to more than one column`);
    seen.add(f);
  }
  for (const f of ['description', 'response'] as const) {
    if (map.includes(f)) preview.notes.push(`The ${f} column is not imported: ${f}s are rich text, edited in the plan.`);
  }
  const ignored = header.filter((_, k) => map[k] === null || map[k] === undefined);
  if (ignored.length > 0) preview.notes.push(`Ignored columns: ${ignored.join(', ')}.`);
  if (body.length === 0) preview.fileErrors.push('the file has a header but no rows');
  if (preview.fileErrors.length > 0) return preview;
  for (const record of body) {
    const row = validateRow(record, map, ctx);
    if (isGood(row)) preview.good.push(row);
    else preview.bad.push(row);
  }
  return preview;
}
