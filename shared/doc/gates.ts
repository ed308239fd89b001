/**
 * Stage gates: each stage's configuration (name, enabled, criteria) and each milestone's gate
 * (checklist ticks, status, approver, date). Both live in flat Y.Maps of plain values under
 * composed keys (GATE_KEYS in schema.ts explains why), so readers here assemble records from keys
 * and fall back to the defaults for anything missing or malformed.
 */
import * as Y from 'yjs';
import { newId } from '../ids.ts';
import { compareRank, rankBetween } from '../rank.ts';
import {
  DEFAULT_GATE_CRITERIA,
  GATE_KEYS,
  GATE_STATUSES,
  PLAN_ROOT,
  STAGES,
  type Gate,
  type GateCriterion,
  type GateStatus,
  type Stage,
  type StageConfig
} from '../schema.ts';
import { isoDate, oneOf, record, str, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';

export const stagesRoot = (doc: Y.Doc) => doc.getMap<unknown>(PLAN_ROOT.stages);
export const gatesRoot = (doc: Y.Doc) => doc.getMap<unknown>(PLAN_ROOT.gates);

const MAX_CRITERION = 300;
const defaultName = (stage: Stage) => stage[0].toUpperCase() + stage.slice(1);
const defaultCriterionId = (stage: Stage, index: number) => `${stage}-${index + 1}`;

/** Every stage in STAGES order, with the plan's changes over the defaults. */
export function readStages(doc: Y.Doc): StageConfig[] {
  const root = stagesRoot(doc);
  return STAGES.map((stage) => {
    const criteria = new Map<string, GateCriterion | null>();
    DEFAULT_GATE_CRITERIA[stage].forEach((text, i) => {
      const id = defaultCriterionId(stage, i);
      criteria.set(id, { id, text, rank: String.fromCharCode(98 + i) });
    });
    const prefix = `${stage}/criterion/`;
    root.forEach((value, key) => {
      if (!key.startsWith(prefix)) return;
      const id = key.slice(prefix.length);
      if (!id || id.includes('/')) return;
      const rec = record(value);
      const text = rec && str(rec.text).trim().slice(0, MAX_CRITERION);
      // null (or garbage) removes a criterion, a default one included.
      criteria.set(id, rec && text ? { id, text, rank: str(rec.rank, 'i') } : null);
    });
    const enabled = root.get(GATE_KEYS.stageEnabled(stage));
    return {
      id: stage,
      name: str(root.get(GATE_KEYS.stageName(stage))).trim().slice(0, 60) || defaultName(stage),
      enabled: typeof enabled === 'boolean' ? enabled : true,
      criteria: [...criteria.values()].filter((c): c is GateCriterion => c !== null).sort(compareRank)
    };
  });
}

export function readStage(doc: Y.Doc, stage: Stage): StageConfig {
  return readStages(doc).find((s) => s.id === stage)!;
}

type GateFields = { status?: unknown; approver?: unknown; decidedOn?: unknown; note?: unknown; checked: string[] };

const isStage = (v: string): v is Stage => (STAGES as readonly string[]).includes(v);

function decodeGate(milestone: string, stage: Stage, f: GateFields): Gate {
  return {
    milestone,
    stage,
    status: oneOf(f.status, GATE_STATUSES, 'not-started'),
    approver: strOrNull(f.approver)?.slice(0, 120) || null,
    decidedOn: isoDate(f.decidedOn),
    note: str(f.note).slice(0, 2000),
    checked: f.checked.sort()
  };
}

/**
 * Reads gates in one pass over the root: every gate with at least one field set, keyed
 * `<milestone>/<stage>`; `only` limits it to one milestone.
 */
function collectGates(doc: Y.Doc, only?: string): Map<string, GateFields> {
  const out = new Map<string, GateFields>();
  gatesRoot(doc).forEach((value, key) => {
    const parts = key.split('/');
    const [milestone, stage, field, criterion] = parts;
    if (!milestone || (only !== undefined && milestone !== only) || !isStage(stage)) return;
    const id = `${milestone}/${stage}`;
    let f = out.get(id);
    if (!f) out.set(id, (f = { checked: [] }));
    if (parts.length === 4 && field === 'check' && criterion && value === true) f.checked.push(criterion);
    else if (parts.length === 3 && (field === 'status' || field === 'approver' || field === 'decidedOn' || field === 'note')) f[field] = value;
  });
  return out;
}

/** One milestone's gate for one stage; a gate nobody touched reads as not started, nothing ticked. */
export function readGate(doc: Y.Doc, milestone: string, stage: Stage): Gate {
  return decodeGate(milestone, stage, collectGates(doc, milestone).get(`${milestone}/${stage}`) ?? { checked: [] });
}

/** Every gate that has at least one field set, keyed `<milestone>/<stage>`. */
export function readGates(doc: Y.Doc): Map<string, Gate> {
  const out = new Map<string, Gate>();
  for (const [key, f] of collectGates(doc)) {
    const [milestone, stage] = key.split('/') as [string, Stage];
    out.set(key, decodeGate(milestone, stage, f));
  }
  return out;
}

export type GatePatch = { status?: GateStatus; approver?: string | null; decidedOn?: string | null; note?: string };

/**
 * Sets a gate's status, approver, date or note, each its own field, in one transaction. Passing or
 * failing a gate without a date stamps today's (the caller's `today`, in the plan's zone). Refused
 * (false): an id with '/', a date that is not an ISO date.
 */
export function updateGate(doc: Y.Doc, editor: Editor, milestone: string, stage: Stage, patch: GatePatch, today?: string): boolean {
  if (milestone.includes('/') || !isStage(stage)) return false;
  if (patch.decidedOn !== undefined && patch.decidedOn !== null && !isoDate(patch.decidedOn)) return false;
  if (patch.status !== undefined && !(GATE_STATUSES as readonly string[]).includes(patch.status)) return false;
  const root = gatesRoot(doc);
  doc.transact(() => {
    const set = (f: 'status' | 'approver' | 'decidedOn' | 'note', v: unknown) => {
      const key = GATE_KEYS.gateField(milestone, stage, f);
      if (root.get(key) !== v) root.set(key, v);
    };
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.approver !== undefined) set('approver', patch.approver === null ? null : patch.approver.trim().slice(0, 120) || null);
    if (patch.note !== undefined) set('note', patch.note.slice(0, 2000));
    if (patch.decidedOn !== undefined) set('decidedOn', patch.decidedOn);
    else if ((patch.status === 'passed' || patch.status === 'failed') && today && !isoDate(root.get(GATE_KEYS.gateField(milestone, stage, 'decidedOn')))) {
      set('decidedOn', today);
    }
  }, editor.origin);
  return true;
}

/** Ticks or unticks one criterion of a milestone's gate. */
export function checkCriterion(doc: Y.Doc, editor: Editor, milestone: string, stage: Stage, criterion: string, done: boolean): boolean {
  if (milestone.includes('/') || criterion.includes('/') || !isStage(stage)) return false;
  const key = GATE_KEYS.gateCheck(milestone, stage, criterion);
  doc.transact(() => {
    if (done) gatesRoot(doc).set(key, true);
    else if (gatesRoot(doc).has(key)) gatesRoot(doc).delete(key);
  }, editor.origin);
  return true;
}

export type StagePatch = { name?: string; enabled?: boolean };

export function updateStage(doc: Y.Doc, editor: Editor, stage: Stage, patch: StagePatch): boolean {
  if (!isStage(stage)) return false;
  doc.transact(() => {
    const root = stagesRoot(doc);
    if (patch.name !== undefined) root.set(GATE_KEYS.stageName(stage), patch.name.trim().slice(0, 60));
    if (patch.enabled !== undefined) root.set(GATE_KEYS.stageEnabled(stage), patch.enabled);
  }, editor.origin);
  return true;
}

/** Adds a criterion at the end of a stage's checklist; returns its id, or null for empty text. */
export function addCriterion(doc: Y.Doc, editor: Editor, stage: Stage, text: string, id: string = newId()): string | null {
  const clean = text.trim().slice(0, MAX_CRITERION);
  if (!clean || id.includes('/') || !isStage(stage)) return null;
  const last = readStage(doc, stage).criteria.at(-1);
  doc.transact(() => stagesRoot(doc).set(GATE_KEYS.criterion(stage, id), { text: clean, rank: rankBetween(last?.rank ?? null, null) }), editor.origin);
  return id;
}

/** Rewrites a criterion's text (a default one included), keeping its place. */
export function renameCriterion(doc: Y.Doc, editor: Editor, stage: Stage, id: string, text: string): boolean {
  const clean = text.trim().slice(0, MAX_CRITERION);
  const current = readStage(doc, stage).criteria.find((c) => c.id === id);
  if (!clean || !current) return false;
  doc.transact(() => stagesRoot(doc).set(GATE_KEYS.criterion(stage, id), { text: clean, rank: current.rank }), editor.origin);
  return true;
}

/** Removes a criterion (a default one included): its key holds null from then on. */
export function removeCriterion(doc: Y.Doc, editor: Editor, stage: Stage, id: string): boolean {
  if (!readStage(doc, stage).criteria.some((c) => c.id === id)) return false;
  doc.transact(() => stagesRoot(doc).set(GATE_KEYS.criterion(stage, id), null), editor.origin);
  return true;
}
