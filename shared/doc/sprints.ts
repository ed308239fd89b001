/** Sprints and epics. Starting a sprint records its commitment once (scope added later stays visible). */
import type * as Y from 'yjs';
import { compareRank } from '../rank.ts';
import { PLAN_ROOT, type Commitment, type Epic, type Sprint } from '../schema.ts';
import { cards, moveCardsToSprint } from './cards.ts';
import { asItem, defineCollection } from './collection.ts';
import { isoDate, list, num, numOrNull, oneOf, record, str, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';
import { members } from './members.ts';
import { statuses } from './statuses.ts';

function readCommitment(value: unknown): Commitment | null {
  const rec = record(value);
  if (!rec) return null;
  const cards = list(rec.cards, (c) => (typeof c.id === 'string' ? { id: c.id, points: numOrNull(c.points, 0, 1e4) } : null));
  return { at: num(rec.at, 0, 0), cards };
}

export const sprints = defineCollection<Sprint>(PLAN_ROOT.sprints, (id, m) => ({
  id,
  name: str(m.get('name'), 'Sprint').slice(0, 120),
  goal: str(m.get('goal')).slice(0, 2000),
  start: isoDate(m.get('start')) ?? '1970-01-01',
  end: isoDate(m.get('end')) ?? isoDate(m.get('start')) ?? '1970-01-01',
  state: oneOf(m.get('state'), ['planned', 'active', 'closed'] as const, 'planned'),
  commitment: readCommitment(m.get('commitment')),
  closedAt: numOrNull(m.get('closedAt'), 0)
}));

/** Sets a planned sprint active and records what it holds now as its commitment. */
export function startSprint(doc: Y.Doc, editor: Editor, sprintId: string, cards: { id: string; points: number | null }[]): boolean {
  const s = sprints.get(doc, sprintId);
  if (!s || s.state !== 'planned') return false;
  return sprints.update(doc, editor, sprintId, { state: 'active', commitment: { at: editor.now(), cards } });
}

export const epics = defineCollection<Epic>(PLAN_ROOT.epics, (id, m) => ({
  id,
  name: str(m.get('name'), 'Epic').slice(0, 120),
  rank: str(m.get('rank'), 'i')
}));

// ---------------------------------------------------------------------------------------------
// Additions (sprint planning). Each is one transaction with the editor's origin.

export const MAX_SPRINT_NAME = 120;
export const MAX_SPRINT_GOAL = 2000;

export type SprintFields = { name: string; goal: string; start: string; end: string };

/** The fields cleaned, or the reason they cannot be saved. */
function cleanSprint(fields: SprintFields): SprintFields | string {
  const name = fields.name.replace(/\s+/g, ' ').trim().slice(0, MAX_SPRINT_NAME);
  if (!name) return 'a sprint needs a name';
  const start = isoDate(fields.start);
  const end = isoDate(fields.end);
  if (!start || !end) return 'dates must be real dates (YYYY-MM-DD)';
  if (end < start) return 'the end date is before the start date';
  return { name, goal: fields.goal.trim().slice(0, MAX_SPRINT_GOAL), start, end };
}

export type SprintResult = { ok: true; id: string } | { ok: false; reason: string };

/** Adds a planned sprint. */
export function addSprint(doc: Y.Doc, editor: Editor, fields: SprintFields): SprintResult {
  const clean = cleanSprint(fields);
  if (typeof clean === 'string') return { ok: false, reason: clean };
  const id = sprints.add(doc, editor, { ...clean, state: 'planned', commitment: null, closedAt: null });
  return { ok: true, id };
}

/** Changes a sprint's name, goal or dates (whatever is given); the state is changed by start/close only. */
export function updateSprint(doc: Y.Doc, editor: Editor, id: string, patch: Partial<SprintFields>): SprintResult {
  const s = sprints.get(doc, id);
  if (!s) return { ok: false, reason: 'the sprint no longer exists' };
  const clean = cleanSprint({ name: s.name, goal: s.goal, start: s.start, end: s.end, ...patch });
  if (typeof clean === 'string') return { ok: false, reason: clean };
  sprints.update(doc, editor, id, clean);
  return { ok: true, id };
}

/** The cards in a sprint now, in rank order, as a commitment records them. */
export function sprintContents(doc: Y.Doc, sprintId: string): { id: string; points: number | null }[] {
  return cards
    .list(doc)
    .filter((c) => c.sprint === sprintId)
    .sort(compareRank)
    .map((c) => ({ id: c.id, points: c.points }));
}

/** Starts a planned sprint, recording what it holds at this moment (and the points) as its commitment. */
export function startSprintNow(doc: Y.Doc, editor: Editor, sprintId: string): boolean {
  let started = false;
  doc.transact(() => {
    started = startSprint(doc, editor, sprintId, sprintContents(doc, sprintId));
  }, editor.origin);
  return started;
}

export type CloseSprintResult = { ok: true; moved: string[] } | { ok: false; reason: string };

/**
 * Closes an active sprint in ONE transaction: state 'closed', closedAt now, and every unfinished
 * card in it (status not in a 'done' column; an unknown status counts as unfinished) moved to
 * `moveUnfinishedTo` — another sprint that is not closed, or null for the backlog — each move logged
 * in the card's sprintHistory. Cards keep their status and rank.
 * Concurrency: the close moves the cards this replica sees in the sprint; a card a peer moves into
 * the sprint at the same moment stays in the closed sprint (the backlog view lists it as left behind).
 */
export function closeSprint(doc: Y.Doc, editor: Editor, sprintId: string, options: { moveUnfinishedTo: string | null }): CloseSprintResult {
  const sprint = sprints.get(doc, sprintId);
  if (!sprint) return { ok: false, reason: 'the sprint no longer exists' };
  if (sprint.state !== 'active') return { ok: false, reason: `the sprint is ${sprint.state}, not active` };
  const target = options.moveUnfinishedTo;
  if (target !== null) {
    const t = sprints.get(doc, target);
    if (!t || t.id === sprintId || t.state === 'closed') return { ok: false, reason: 'unfinished cards can only go to the backlog or to a sprint that is not closed' };
  }
  const done = new Set(statuses.list(doc).filter((s) => s.category === 'done').map((s) => s.id));
  const unfinished: string[] = [];
  cards.root(doc).forEach((value, id) => {
    const m = asItem(value);
    if (m && strOrNull(m.get('sprint')) === sprintId && !done.has(str(m.get('status'), 'backlog'))) unfinished.push(id);
  });
  unfinished.sort();
  doc.transact(() => {
    sprints.update(doc, editor, sprintId, { state: 'closed', closedAt: editor.now() });
    moveCardsToSprint(doc, editor, unfinished, target);
  }, editor.origin);
  return { ok: true, moved: unfinished };
}

/**
 * Calls `onChange` after any transaction that changed sprints, epics or members (capacity
 * included): the small collections sprint planning reads whole. Returns the unsubscribe function.
 */
export function observeSprintPlanning(doc: Y.Doc, onChange: () => void): () => void {
  const roots = [sprints.root(doc), epics.root(doc), members.root(doc)];
  let pending: Y.Transaction | null = null;
  // Several roots changing in one transaction report once, after the transaction.
  const handler = (_events: unknown, tr: Y.Transaction) => {
    if (pending === tr) return;
    pending = tr;
    onChange();
  };
  for (const r of roots) r.observeDeep(handler);
  return () => {
    for (const r of roots) r.unobserveDeep(handler);
  };
}
