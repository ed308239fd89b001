/** RAID items: risks, assumptions, issues, dependencies, each with rich-text description and response. */
import * as Y from 'yjs';
import { PLAN_ROOT, type RaidChange, type RaidItem } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { appendLog, asItem, plainText, readLog, writeFields } from './collection.ts';
import { int, isoDate, num, oneOf, str, strArray, strOrNull } from './fields.ts';
import { Origin, type Editor } from './origin.ts';

const score = (v: unknown) => (v === null || v === undefined ? null : int(v, 3, 1, 5));

export type RaidFields = Omit<RaidItem, 'id' | 'descriptionText' | 'responseText'>;

export const raid = defineCollection<RaidItem, Partial<RaidFields>>(PLAN_ROOT.raid, (id, m) => ({
  id,
  kind: oneOf(m.get('kind'), ['risk', 'assumption', 'issue', 'dependency'] as const, 'risk'),
  title: str(m.get('title'), 'Untitled').slice(0, 500),
  owner: strOrNull(m.get('owner')),
  status: oneOf(m.get('status'), ['open', 'monitoring', 'mitigating', 'closed'] as const, 'open'),
  raised: isoDate(m.get('raised')) ?? '1970-01-01',
  review: isoDate(m.get('review')),
  due: isoDate(m.get('due')),
  likelihood: int(m.get('likelihood'), 3, 1, 5),
  impact: int(m.get('impact'), 3, 1, 5),
  residualLikelihood: score(m.get('residualLikelihood')),
  residualImpact: score(m.get('residualImpact')),
  links: strArray(m.get('links')),
  descriptionText: plainText(m.get('description')),
  responseText: plainText(m.get('response'))
}));

export function addRaidItem(doc: Y.Doc, editor: Editor, fields: RaidFields, id?: string): string {
  return raid.add(doc, editor, fields, {
    id,
    nested: () => ({ description: new Y.XmlText(), response: new Y.XmlText(), history: new Y.Array() })
  });
}

// ---------------------------------------------------------------------------------------------
// Steering additions: field changes with an append-only history, bulk changes, import.

const KINDS = ['risk', 'assumption', 'issue', 'dependency'] as const;
const STATUSES = ['open', 'monitoring', 'mitigating', 'closed'] as const;

/** The plain fields of a RAID item, in a fixed order (history, exports and imports use it). */
export const RAID_FIELDS = [
  'kind',
  'title',
  'owner',
  'status',
  'raised',
  'review',
  'due',
  'likelihood',
  'impact',
  'residualLikelihood',
  'residualImpact',
  'links'
] as const satisfies readonly (keyof RaidFields)[];

export type RaidPatch = Partial<RaidFields>;

/**
 * The valid part of a patch: enums in range, titles non-empty, scores whole numbers 1–5 (residual
 * scores may be null), dates real ISO dates (review and due may be null). Anything else is left out,
 * so a bad value never reaches the document.
 */
export function cleanRaidPatch(patch: RaidPatch): RaidPatch {
  const out: Record<string, unknown> = {};
  const okScore = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;
  for (const key of RAID_FIELDS) {
    const v = patch[key];
    if (v === undefined) continue;
    switch (key) {
      case 'kind':
        if ((KINDS as readonly unknown[]).includes(v)) out[key] = v;
        break;
      case 'status':
        if ((STATUSES as readonly unknown[]).includes(v)) out[key] = v;
        break;
      case 'title':
        if (typeof v === 'string' && v.trim()) out[key] = v.trim().slice(0, 500);
        break;
      case 'owner':
        if (v === null || typeof v === 'string') out[key] = v === '' ? null : v;
        break;
      case 'raised':
        if (isoDate(v)) out[key] = v;
        break;
      case 'review':
      case 'due':
        if (v === null || isoDate(v)) out[key] = v;
        break;
      case 'likelihood':
      case 'impact':
        if (okScore(v)) out[key] = v;
        break;
      case 'residualLikelihood':
      case 'residualImpact':
        if (v === null || okScore(v)) out[key] = v;
        break;
      case 'links':
        if (Array.isArray(v)) out[key] = [...new Set(strArray(v))];
        break;
    }
  }
  return out as RaidPatch;
}

const readRaidChange = (e: Record<string, unknown>): RaidChange | null =>
  typeof e.field === 'string'
    ? { at: num(e.at, 0, 0), actor: str(e.actor, 'unknown'), field: e.field.slice(0, 64), from: e.from ?? null, to: e.to ?? null }
    : null;

/** Oldest first; ties (concurrent edits stamped alike) by actor, then field, so replicas agree. */
const byTime = (a: RaidChange, b: RaidChange) =>
  a.at - b.at || (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : 0) || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0);

/** The change log of one RAID item, oldest first; empty when the item does not exist. */
export function raidHistory(doc: Y.Doc, id: string): RaidChange[] {
  const m = raid.item(doc, id);
  return m ? readLog(m, 'history', readRaidChange).sort(byTime) : [];
}

/** Every RAID item's change log by id (items with no changes are present with an empty log). */
export function raidHistories(doc: Y.Doc): Record<string, RaidChange[]> {
  const out: Record<string, RaidChange[]> = {};
  // Sorted ids: replicas may hold the map's keys in different orders, converged views must not differ.
  for (const id of [...raid.root(doc).keys()].sort()) {
    const m = asItem(raid.root(doc).get(id));
    if (m) out[id] = readLog(m, 'history', readRaidChange).sort(byTime);
  }
  return out;
}

/** Writes the changed fields of a clean patch and logs each change; inside a transaction. */
function applyPatch(doc: Y.Doc, editor: Editor, id: string, patch: RaidPatch, at: number): boolean {
  const m = raid.item(doc, id);
  const before = raid.get(doc, id);
  if (!m || !before) return false;
  for (const [field, to] of Object.entries(patch)) {
    const from = before[field as keyof RaidFields];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    writeFields(m, { [field]: to });
    appendLog(m, 'history', { at, actor: editor.actor, field, from, to });
  }
  return true;
}

/**
 * Changes fields of one RAID item, appending one history entry {at, actor, field, from, to} per
 * changed field, all in one transaction. Invalid values are ignored (see cleanRaidPatch). False
 * when the item does not exist (e.g. a peer deleted it).
 */
export function updateRaidItem(doc: Y.Doc, editor: Editor, id: string, patch: RaidPatch): boolean {
  if (!raid.item(doc, id)) return false;
  const clean = cleanRaidPatch(patch);
  let ok = false;
  doc.transact(() => (ok = applyPatch(doc, editor, id, clean, editor.now())), editor.origin);
  return ok;
}

/** The same patch on several items (bulk close, owner, status) in one transaction; returns how many existed. */
export function updateRaidItems(doc: Y.Doc, editor: Editor, ids: readonly string[], patch: RaidPatch): number {
  const clean = cleanRaidPatch(patch);
  let count = 0;
  doc.transact(() => {
    const at = editor.now();
    for (const id of new Set(ids)) if (applyPatch(doc, editor, id, clean, at)) count++;
  }, editor.origin);
  return count;
}

/** Adds a RAID item and logs its creation (field 'created', to: the origin kind) in one transaction. */
export function createRaidItem(doc: Y.Doc, editor: Editor, fields: RaidFields, id?: string): string {
  let created = '';
  doc.transact(() => {
    created = addRaidItem(doc, editor, fields, id);
    appendLog(raid.item(doc, created)!, 'history', { at: editor.now(), actor: editor.actor, field: 'created', from: null, to: editor.origin.kind });
  }, editor.origin);
  return created;
}

/**
 * Imports validated rows as new RAID items in ONE transaction tagged with an 'import' origin, so an
 * import arrives at every peer whole or not at all. Returns the new ids in row order.
 */
export function importRaidItems(doc: Y.Doc, editor: Editor, rows: readonly RaidFields[]): string[] {
  const origin = editor.origin.kind === 'import' ? editor.origin : new Origin('import', editor.actor);
  const importer: Editor = { actor: editor.actor, now: editor.now, origin };
  const ids: string[] = [];
  doc.transact(() => {
    for (const row of rows) ids.push(createRaidItem(doc, importer, { ...row, links: [...row.links] }));
  }, origin);
  return ids;
}

/** A RAID item's rich-text description or response, for the editor binding; null if missing. */
export function raidText(doc: Y.Doc, id: string, key: 'description' | 'response'): Y.XmlText | null {
  const t = raid.item(doc, id)?.get(key);
  return t instanceof Y.XmlText ? t : null;
}

export type Score = { likelihood: number; impact: number };

/**
 * Re-scores a RAID item (inherent, or residual after mitigation), as a drag on the heat map does.
 * Both keys are written even when one is unchanged: concurrent re-scores by two people then resolve
 * per key to the same writer (Yjs breaks map ties by client id), so the item converges to one of
 * the two scores someone chose, never a mix of both. Each changed field is logged.
 */
export function rescoreRaidItem(doc: Y.Doc, editor: Editor, id: string, score: Score, which: 'inherent' | 'residual' = 'inherent'): boolean {
  const m = raid.item(doc, id);
  const before = raid.get(doc, id);
  const ok = (v: number) => Number.isInteger(v) && v >= 1 && v <= 5;
  if (!m || !before || !ok(score.likelihood) || !ok(score.impact)) return false;
  const keys = which === 'inherent' ? (['likelihood', 'impact'] as const) : (['residualLikelihood', 'residualImpact'] as const);
  if (before[keys[0]] === score.likelihood && before[keys[1]] === score.impact) return true;
  doc.transact(() => {
    const at = editor.now();
    const values = [score.likelihood, score.impact];
    keys.forEach((key, k) => {
      m.set(key, values[k]);
      if (before[key] !== values[k]) appendLog(m, 'history', { at, actor: editor.actor, field: key, from: before[key], to: values[k] });
    });
  }, editor.origin);
  return true;
}
