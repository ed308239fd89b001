/**
 * Plan meta, creating a plan, and schema upgrades. A plan is created once, by the server (seed or
 * "new plan"), never by clients racing each other, so its default columns exist exactly once.
 */
import * as Y from 'yjs';
import { initialRanks } from '../rank.ts';
import { DEFAULT_STATUSES, DEFAULT_WORKING_DAYS, PLAN_ROOT, ROOT_WRITERS, SCHEMA_VERSION, type PlanMeta, type Weekday } from '../schema.ts';
import { int, num, oneOf, str } from './fields.ts';
import type { Editor } from './origin.ts';
import { statuses } from './statuses.ts';

export const metaMap = (doc: Y.Doc) => doc.getMap<unknown>(PLAN_ROOT.meta);

export function readMeta(doc: Y.Doc): PlanMeta {
  const m = metaMap(doc);
  const days = m.get('workingDays');
  const workingDays = Array.isArray(days)
    ? ([...new Set(days.filter((d) => Number.isInteger(d) && d >= 0 && d <= 6))].sort() as Weekday[])
    : [...DEFAULT_WORKING_DAYS];
  return {
    schemaVersion: int(m.get('schemaVersion'), 0, 0, 1_000),
    kind: 'plan',
    name: str(m.get('name'), 'Untitled plan').slice(0, 200),
    description: str(m.get('description')),
    timeZone: validTimeZone(m.get('timeZone')),
    workingDays,
    estimateUnit: oneOf(m.get('estimateUnit'), ['points', 'hours'] as const, 'points'),
    createdAt: num(m.get('createdAt'), 0, 0)
  };
}

function validTimeZone(value: unknown): string {
  if (typeof value !== 'string') return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value;
  } catch {
    return 'UTC';
  }
}

export type MetaPatch = Partial<Pick<PlanMeta, 'name' | 'description' | 'timeZone' | 'workingDays' | 'estimateUnit'>>;

export function updateMeta(doc: Y.Doc, editor: Editor, patch: MetaPatch): void {
  doc.transact(() => {
    const m = metaMap(doc);
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) m.set(k, typeof v === 'object' ? structuredClone(v) : v);
  }, editor.origin);
}

export type PlanInit = { name: string; description?: string; timeZone?: string; workingDays?: Weekday[] };

/** Writes a new plan's meta and default columns. Refuses a document that is already a plan. */
export function createPlan(doc: Y.Doc, editor: Editor, init: PlanInit): void {
  if (metaMap(doc).has('schemaVersion')) throw new Error('document is already a plan');
  doc.transact(() => {
    const m = metaMap(doc);
    m.set('schemaVersion', SCHEMA_VERSION);
    m.set('kind', 'plan');
    m.set('name', init.name);
    m.set('description', init.description ?? '');
    m.set('timeZone', init.timeZone ?? 'UTC');
    m.set('workingDays', [...(init.workingDays ?? DEFAULT_WORKING_DAYS)]);
    m.set('estimateUnit', 'points');
    m.set('createdAt', editor.now());
    const ranks = initialRanks(DEFAULT_STATUSES.length);
    DEFAULT_STATUSES.forEach((s, i) => statuses.add(doc, editor, { ...s, rank: ranks[i] }, { id: s.id }));
  }, editor.origin);
}

/**
 * Upgrade steps: `UPGRADES[v]` turns a version-v document into version v+1. Each step must be
 * idempotent (two servers might run it on replicas that later merge). Version 0 is a document
 * written before meta existed, e.g. by a raw client: it gets meta defaults and the default columns
 * if it has none.
 */
const UPGRADES: ((doc: Y.Doc, editor: Editor) => void)[] = [
  (doc, editor) => {
    const m = metaMap(doc);
    if (!m.has('name')) m.set('name', 'Untitled plan');
    if (!m.has('timeZone')) m.set('timeZone', 'UTC');
    if (!m.has('workingDays')) m.set('workingDays', [...DEFAULT_WORKING_DAYS]);
    if (!m.has('createdAt')) m.set('createdAt', editor.now());
    if (statuses.root(doc).size === 0) {
      const ranks = initialRanks(DEFAULT_STATUSES.length);
      DEFAULT_STATUSES.forEach((s, i) => statuses.add(doc, editor, { ...s, rank: ranks[i] }, { id: s.id }));
    }
  }
];

/** Brings a document up to SCHEMA_VERSION. Returns the steps applied (0 when current). */
export function upgradePlan(doc: Y.Doc, editor: Editor): number {
  const from = readMeta(doc).schemaVersion;
  if (from >= SCHEMA_VERSION) return 0;
  doc.transact(() => {
    for (let v = from; v < SCHEMA_VERSION; v++) UPGRADES[v](doc, editor);
    metaMap(doc).set('schemaVersion', SCHEMA_VERSION);
    metaMap(doc).set('kind', 'plan');
  }, editor.origin);
  return SCHEMA_VERSION - from;
}

/** True when the document holds a plan (as opposed to nothing, or a retro). */
export function isPlan(doc: Y.Doc): boolean {
  return metaMap(doc).get('kind') === 'plan';
}

/**
 * The top-level types a person edits directly: everything but the roots only the server writes
 * (ROOT_WRITERS). An undo manager over these undoes a person's own edits anywhere in the plan.
 */
export function editableRoots(doc: Y.Doc): Y.Map<unknown>[] {
  const serverOnly = new Set(Object.entries(ROOT_WRITERS.plan ?? {}).filter(([, w]) => w === 'server').map(([root]) => root));
  return Object.values(PLAN_ROOT)
    .filter((root) => !serverOnly.has(root))
    .map((root) => doc.getMap<unknown>(root));
}
