/**
 * Cards. A card's place is three fields (status, sprint, rank), so concurrent moves of one card
 * resolve to exactly one place. Every status change appends to the card's history in the same
 * transaction, and every estimate change to its estimates, so history stays correct under
 * concurrent moves: both moves are recorded, the converged status is the last writer's.
 */
import * as Y from 'yjs';
import { isId, newId } from '../ids.ts';
import { initialRanks, rankBetween } from '../rank.ts';
import { PLAN_ROOT, type Card, type Comment, type EstimateChange, type SprintChange, type StatusChange } from '../schema.ts';
import { appendLog, defineCollection, plainText, readLog, writeFields, type ItemMap } from './collection.ts';
import { isoDate, num, numOrNull, str, strArray, strOrNull } from './fields.ts';
import { Origin, type Editor } from './origin.ts';
import { writeRichText, type RichBlock } from './rich-text.ts';
import { epics } from './sprints.ts';
import type { SharedEvent } from './y-types.ts';

const readStatusChange = (e: Record<string, unknown>): StatusChange | null =>
  typeof e.to === 'string'
    ? { at: num(e.at, 0, 0), from: strOrNull(e.from), to: e.to, actor: str(e.actor, 'unknown') }
    : null;

const readSprintChange = (e: Record<string, unknown>): SprintChange | null =>
  'to' in e && (typeof e.to === 'string' || e.to === null)
    ? { at: num(e.at, 0, 0), from: strOrNull(e.from), to: e.to === null ? null : str(e.to).slice(0, 64), actor: str(e.actor, 'unknown') }
    : null;

const readComment = (e: Record<string, unknown>): Comment | null =>
  typeof e.id === 'string' && typeof e.text === 'string'
    ? { id: e.id, at: num(e.at, 0, 0), actor: str(e.actor, 'unknown'), text: str(e.text).slice(0, 10_000), mentions: strArray(e.mentions, 50) }
    : null;

const readEstimateChange = (e: Record<string, unknown>): EstimateChange | null =>
  'to' in e ? { at: num(e.at, 0, 0), from: numOrNull(e.from, 0, 1e4), to: numOrNull(e.to, 0, 1e4), actor: str(e.actor, 'unknown') } : null;

function decodeCard(id: string, m: ItemMap): Card {
  return {
    id,
    title: str(m.get('title'), 'Untitled').slice(0, 500),
    status: str(m.get('status'), 'backlog'),
    sprint: strOrNull(m.get('sprint')),
    rank: str(m.get('rank'), 'i'),
    points: numOrNull(m.get('points'), 0, 1e4),
    assignee: strOrNull(m.get('assignee')),
    labels: strArray(m.get('labels'), 50),
    epic: strOrNull(m.get('epic')),
    due: isoDate(m.get('due')),
    links: strArray(m.get('links'), 200),
    createdAt: num(m.get('createdAt'), 0, 0),
    createdBy: str(m.get('createdBy'), 'unknown'),
    descriptionText: plainText(m.get('description')),
    history: readLog(m, 'history', readStatusChange),
    sprintHistory: readLog(m, 'sprintHistory', readSprintChange),
    estimates: readLog(m, 'estimates', readEstimateChange),
    comments: readLog(m, 'comments', readComment)
  };
}

/** Fields a caller may set directly; status and points go through moveCard / estimateCard. */
export type CardFields = Pick<Card, 'title' | 'assignee' | 'labels' | 'epic' | 'due' | 'links'>;

export const cards = defineCollection<Card, Partial<CardFields>>(PLAN_ROOT.cards, decodeCard);

export type NewCard = Partial<CardFields> & { title: string; status: string; rank: string; sprint?: string | null; points?: number | null };

/** Creates a card with its description XmlText and its first history entry (from: null). */
export function addCard(doc: Y.Doc, editor: Editor, init: NewCard, id?: string): string {
  const at = editor.now();
  const { status, sprint = null, rank, points = null, ...fields } = init;
  return cards.add(
    doc,
    editor,
    { labels: [], links: [], assignee: null, epic: null, due: null, ...fields, ...({ status, sprint, rank, points, createdAt: at, createdBy: editor.actor } as object) },
    {
      id,
      nested: () => ({
        description: new Y.XmlText(),
        history: Y.Array.from([{ at, from: null, to: status, actor: editor.actor }]),
        // Created with the card, so two people's first sprint moves never race to create the log.
        sprintHistory: new Y.Array(),
        estimates: Y.Array.from(points === null ? [] : [{ at, from: null, to: points, actor: editor.actor }]),
        comments: new Y.Array()
      })
    }
  );
}

export type Place = { status?: string; sprint?: string | null; rank?: string };

/**
 * Moves a card; a status change is appended to its history, a sprint change to its sprintHistory.
 * False if the card is gone.
 */
export function moveCard(doc: Y.Doc, editor: Editor, id: string, to: Place): boolean {
  const m = cards.item(doc, id);
  if (!m) return false;
  doc.transact(() => {
    const from = str(m.get('status'), 'backlog');
    if (to.status !== undefined && to.status !== from) {
      m.set('status', to.status);
      appendLog(m, 'history', { at: editor.now(), from, to: to.status, actor: editor.actor });
    }
    if (to.sprint !== undefined && to.sprint !== m.get('sprint')) setSprint(m, editor, to.sprint);
    if (to.rank !== undefined && to.rank !== m.get('rank')) m.set('rank', to.rank);
  }, editor.origin);
  return true;
}

/** Sets a card's estimate; the change is kept (who, when, from, to). */
export function estimateCard(doc: Y.Doc, editor: Editor, id: string, points: number | null): boolean {
  const m = cards.item(doc, id);
  if (!m) return false;
  const from = numOrNull(m.get('points'), 0, 1e4);
  if (from === points) return true;
  doc.transact(() => {
    m.set('points', points);
    appendLog(m, 'estimates', { at: editor.now(), from, to: points, actor: editor.actor });
  }, editor.origin);
  return true;
}

/** The card's rich-text description, for the editor binding; null if missing or garbage. */
export function cardDescription(doc: Y.Doc, id: string): Y.XmlText | null {
  const d = cards.item(doc, id)?.get('description');
  return d instanceof Y.XmlText ? d : null;
}

/** Appends a comment; `mentions` are the member ids the text names. Returns the comment id. */
export function addComment(doc: Y.Doc, editor: Editor, cardId: string, text: string, mentions: string[] = []): string | null {
  const m = cards.item(doc, cardId);
  const clean = text.trim().slice(0, 10_000);
  if (!m || !clean) return null;
  const id = newId();
  doc.transact(() => appendLog(m, 'comments', { id, at: editor.now(), actor: editor.actor, text: clean, mentions: [...new Set(mentions)] }), editor.origin);
  return id;
}

// ---------------------------------------------------------------------------------------------
// Additions (board and sprint planning)

/** Sets a card's sprint and logs the move; inside a transaction. */
function setSprint(m: ItemMap, editor: Editor, to: string | null): void {
  const from = strOrNull(m.get('sprint'));
  m.set('sprint', to);
  appendLog(m, 'sprintHistory', { at: editor.now(), from, to, actor: editor.actor });
}

/** A card's place on the board: its column, sprint and rank, plus the swimlane fields. */
export type BoardPlace = Place & { assignee?: string | null; epic?: string | null };

/**
 * Moves a card on the board in one transaction (one undo step): status, sprint and rank through
 * moveCard, and the swimlane's field (assignee or epic) when the card changed lanes. False if the
 * card is gone (a peer deleted it): nothing is written, so it does not come back.
 */
export function placeCard(doc: Y.Doc, editor: Editor, id: string, to: BoardPlace): boolean {
  const m = cards.item(doc, id);
  if (!m) return false;
  const { assignee, epic, ...place } = to;
  doc.transact(() => {
    moveCard(doc, editor, id, place);
    writeFields(m, { assignee, epic });
  }, editor.origin);
  return true;
}

/** Moves several cards into a sprint (null: the backlog) in one transaction. Returns how many moved. */
export function moveCardsToSprint(doc: Y.Doc, editor: Editor, ids: readonly string[], sprint: string | null): number {
  let moved = 0;
  doc.transact(() => {
    for (const id of new Set(ids)) {
      const m = cards.item(doc, id);
      if (!m || strOrNull(m.get('sprint')) === sprint) continue;
      setSprint(m, editor, sprint);
      moved++;
    }
  }, editor.origin);
  return moved;
}

/** The highest rank any card holds ('' when there are none), read without decoding cards. */
export function lastCardRank(doc: Y.Doc): string {
  let last = '';
  cards.root(doc).forEach((value) => {
    const rank = value instanceof Y.Map ? value.get('rank') : null;
    if (typeof rank === 'string' && rank > last) last = rank;
  });
  return last;
}

/** A rank after every card: where a new card goes at the end of every list. */
export function rankAtEnd(doc: Y.Doc): string {
  return rankBetween(lastCardRank(doc) || null, null);
}

/** One validated row of an import (e.g. a Jira CSV row after mapping). */
export type ImportedCard = {
  /** Kept as the card id (e.g. a Jira issue key); a new id when absent. */
  id?: string;
  title: string;
  status: string;
  sprint: string | null;
  points: number | null;
  assignee: string | null;
  labels: string[];
  epic: string | null;
  due: string | null;
  createdAt: number;
  /** When it was resolved: history gets an entry from `openStatus` into `status` at that time. */
  resolvedAt: number | null;
  openStatus?: string;
  /** The description's blocks (rich text), written into its XmlText. */
  description?: readonly RichBlock[];
};

/** An epic an import creates (a Jira Epic row), in the same transaction as its cards. */
export type ImportedEpic = { id: string; name: string };

export type ImportResult = { ok: true; ids: string[] } | { ok: false; index: number; reason: string };

function checkImported(doc: Y.Doc, rows: readonly ImportedCard[], newEpics: readonly ImportedEpic[]): { index: number; reason: string } | null {
  const epicIds = new Set<string>();
  for (const e of newEpics) {
    const fail = (reason: string) => ({ index: -1, reason });
    if (!isId(e.id)) return fail(`bad epic id ${JSON.stringify(e.id)}`);
    if (epicIds.has(e.id) || epics.item(doc, e.id)) return fail(`an epic ${e.id} already exists`);
    if (typeof e.name !== 'string' || !e.name.trim()) return fail('an epic without a name');
    epicIds.add(e.id);
  }
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const fail = (reason: string) => ({ index: i, reason });
    if (typeof r.title !== 'string' || !r.title.trim()) return fail('empty title');
    if (typeof r.status !== 'string' || !r.status) return fail('no status');
    if (r.points !== null && !(Number.isFinite(r.points) && r.points >= 0 && r.points <= 1e4)) return fail('points out of range');
    if (!Number.isFinite(r.createdAt) || r.createdAt < 0) return fail('bad created time');
    if (r.resolvedAt !== null && !Number.isFinite(r.resolvedAt)) return fail('bad resolved time');
    if (r.epic !== null && !epicIds.has(r.epic) && !epics.item(doc, r.epic)) return fail(`epic ${r.epic} does not exist`);
    if (r.id !== undefined) {
      if (!isId(r.id)) return fail(`bad id ${JSON.stringify(r.id)}`);
      if (seen.has(r.id)) return fail(`duplicate id ${r.id}`);
      if (cards.root(doc).has(r.id)) return fail(`a card ${r.id} already exists`);
      seen.add(r.id);
    }
  }
  return null;
}

/**
 * Imports validated rows as new cards in ONE transaction with an 'import' origin, after the last
 * card in rank order and in the rows' order. Every row is checked first: if any fails, nothing is
 * written and the result names the first bad row (index −1: an epic), so an import is never
 * half-written. New epics are created first, in the same transaction, so cards can name them.
 */
export function importCards(doc: Y.Doc, editor: Editor, rows: readonly ImportedCard[], newEpics: readonly ImportedEpic[] = []): ImportResult {
  const bad = checkImported(doc, rows, newEpics);
  if (bad) return { ok: false, ...bad };
  if (rows.length === 0 && newEpics.length === 0) return { ok: true, ids: [] };
  const origin = editor.origin.kind === 'import' ? editor.origin : new Origin('import', editor.actor);
  const base = rankAtEnd(doc);
  const ranks = initialRanks(rows.length).map((r) => base + r);
  const ids: string[] = [];
  doc.transact(() => {
    let epicRank = epics.list(doc).reduce((last, e) => (e.rank > last ? e.rank : last), '');
    for (const e of newEpics) {
      epicRank = rankBetween(epicRank || null, null);
      epics.add(doc, editor, { name: e.name.trim().slice(0, 120), rank: epicRank }, { id: e.id });
    }
    rows.forEach((r, i) => {
      const id = r.id ?? newId();
      ids.push(id);
      const created = r.createdAt;
      const history =
        r.resolvedAt !== null && r.openStatus && r.openStatus !== r.status
          ? [
              { at: created, from: null, to: r.openStatus, actor: editor.actor },
              { at: Math.max(created, r.resolvedAt), from: r.openStatus, to: r.status, actor: editor.actor }
            ]
          : [{ at: created, from: null, to: r.status, actor: editor.actor }];
      const m: ItemMap = new Y.Map();
      cards.root(doc).set(id, m);
      writeFields(m, {
        title: r.title.trim().slice(0, 500),
        status: r.status,
        sprint: r.sprint,
        rank: ranks[i],
        points: r.points,
        assignee: r.assignee,
        labels: [...new Set(r.labels)].slice(0, 50),
        epic: r.epic,
        due: r.due,
        links: [],
        createdAt: created,
        createdBy: editor.actor
      });
      const description = new Y.XmlText();
      m.set('description', description);
      if (r.description?.length) writeRichText(description, r.description);
      m.set('history', Y.Array.from(history));
      m.set('sprintHistory', new Y.Array());
      m.set('estimates', Y.Array.from(r.points === null ? [] : [{ at: created, from: null, to: r.points, actor: editor.actor }]));
      m.set('comments', new Y.Array());
    });
  }, origin);
  return { ok: true, ids };
}

/**
 * Calls `onChange` with the ids of the cards a transaction added, removed or changed (a field, the
 * description, a log), read from the cards root's deep events; returns the unsubscribe function.
 * Views keep decoded cards by id and re-decode only these (cards.get), instead of every card.
 */
export function observeCards(doc: Y.Doc, onChange: (ids: ReadonlySet<string>) => void): () => void {
  const root = cards.root(doc);
  const handler = (events: SharedEvent[]) => {
    const ids = new Set<string>();
    for (const e of events) {
      if (e.target === root) for (const key of (e as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
      else if (e.path.length > 0) ids.add(String(e.path[0]));
    }
    if (ids.size > 0) onChange(ids);
  };
  root.observeDeep(handler);
  return () => root.unobserveDeep(handler);
}

/** Several board or backlog moves as ONE transaction (one undo step), e.g. a multi-card drag. */
export function placeCards(doc: Y.Doc, editor: Editor, moves: readonly { id: string; place: BoardPlace }[]): number {
  let placed = 0;
  doc.transact(() => {
    for (const { id, place } of moves) if (placeCard(doc, editor, id, place)) placed++;
  }, editor.origin);
  return placed;
}
