/**
 * CSV exports of the registers (RAID, decisions, milestones) [CSV1–CSV4]. Pure: plain records in,
 * text out.
 *
 * [CSV1] Formula injection: a cell that starts with = + - @, a tab or a carriage return is
 *        prefixed with a single quote ('), so a spreadsheet shows it as text instead of running it
 *        (OWASP "CSV injection"). Applied to every cell, numbers included (ours are never negative).
 * [CSV2] A cell is quoted when it holds the delimiter, a quote, CR or LF; quotes are doubled.
 * [CSV3] Lines end with CRLF (RFC 4180); the file starts with a UTF-8 byte-order mark so Excel
 *        reads accents and dashes correctly. The reader (shared/csv/parse.ts) accepts both back.
 * [CSV4] Owners are written as member names; the import maps names back to members.
 */
import type { Decision, Member, Milestone, PlanSnapshot, RaidItem, Workstream } from '../schema.ts';
import { itemScore, ragBand, RAG_LABEL } from './scoring.ts';

export type Cell = string | number | boolean | null | undefined;

const DANGEROUS = /^[=+\-@\t\r]/;

/** [CSV1, CSV2] One cell as CSV text. */
export function csvCell(value: Cell, delimiter = ','): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (DANGEROUS.test(text)) text = `'${text}`;
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** [CSV2, CSV3] A whole file: header row, then rows, CRLF line ends, BOM first unless `bom: false`. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean; delimiter?: string } = {}): string {
  const d = options.delimiter ?? ',';
  const lines = [header, ...rows].map((r) => r.map((c) => csvCell(c, d)).join(d));
  return (options.bom === false ? '' : '\uFEFF') + lines.join('\r\n') + '\r\n';
}

/** [CSV4] Member id → name; unknown ids stay as they are. */
export function nameOf(members: readonly Member[], id: string | null): string {
  if (id === null) return '';
  return members.find((m) => m.id === id)?.name ?? id;
}

export const RAID_CSV_HEADER = [
  'ID',
  'Kind',
  'Title',
  'Owner',
  'Status',
  'Raised',
  'Review',
  'Due',
  'Likelihood',
  'Impact',
  'Score',
  'RAG',
  'Residual likelihood',
  'Residual impact',
  'Residual score',
  'Links',
  'Description',
  'Response'
] as const;

export function raidCsv(items: readonly RaidItem[], members: readonly Member[], options?: { bom?: boolean }): string {
  const rows = items.map((r) => {
    const inherent = itemScore(r, 'inherent')!;
    const residual = itemScore(r, 'residual');
    return [
      r.id,
      r.kind,
      r.title,
      nameOf(members, r.owner),
      r.status,
      r.raised,
      r.review,
      r.due,
      r.likelihood,
      r.impact,
      inherent,
      RAG_LABEL[ragBand(inherent)],
      r.residualLikelihood,
      r.residualImpact,
      residual,
      r.links.join('; '),
      r.descriptionText,
      r.responseText
    ];
  });
  return toCsv(RAID_CSV_HEADER, rows, options);
}

export function decisionsCsv(items: readonly Decision[], members: readonly Member[], options?: { bom?: boolean }): string {
  const rows = items.map((d) => [d.id, d.date, d.title, nameOf(members, d.owner), d.status, d.rationale, d.options.join('; '), d.links.join('; ')]);
  return toCsv(['ID', 'Date', 'Decision', 'Owner', 'Status', 'Rationale', 'Options considered', 'Links'], rows, options);
}

/** Slip in calendar days of the end against the baseline end; null without a baseline. */
export function slipDays(m: Pick<Milestone, 'end' | 'baselineEnd'>): number | null {
  if (m.baselineEnd === null) return null;
  return Math.round((Date.parse(`${m.end}T00:00:00Z`) - Date.parse(`${m.baselineEnd}T00:00:00Z`)) / 86_400_000);
}

export function milestonesCsv(items: readonly Milestone[], workstreams: readonly Workstream[], members: readonly Member[], options?: { bom?: boolean }): string {
  const rows = items.map((m) => [
    m.id,
    m.name,
    m.kind,
    workstreams.find((w) => w.id === m.workstream)?.name ?? m.workstream,
    m.stage,
    m.start,
    m.end,
    m.baselineStart,
    m.baselineEnd,
    slipDays(m),
    nameOf(members, m.owner)
  ]);
  return toCsv(['ID', 'Name', 'Kind', 'Workstream', 'Stage', 'Start', 'End', 'Baseline start', 'Baseline end', 'Slip (days)', 'Owner'], rows, options);
}

export type Register = 'raid' | 'decisions' | 'milestones';

/** The CSV of one register of a plan. */
export function registerCsv(plan: PlanSnapshot, register: Register, options?: { bom?: boolean }): string {
  if (register === 'raid') return raidCsv(plan.raid, plan.members, options);
  if (register === 'decisions') return decisionsCsv(plan.decisions, plan.members, options);
  return milestonesCsv(plan.milestones, plan.workstreams, plan.members, options);
}
