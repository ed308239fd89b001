/**
 * Cards. A card's place is three fields (status, sprint, rank), so concurrent moves of one card
 * resolve to exactly one place. Every status change appends to the card's history in the same
 * transaction, and every estimate change to its estimates, so history stays correct under
 * concurrent moves: both moves are recorded, the converged status is the last writer's.
 */
import * as Y from 'yjs';
import { newId } from '../ids.ts';
import { PLAN_ROOT, type Card, type Comment, type EstimateChange, type StatusChange } from '../schema.ts';
import { appendLog, defineCollection, plainText, readLog, type ItemMap } from './collection.ts';
import { isoDate, num, numOrNull, str, strArray, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';

const readStatusChange = (e: Record<string, unknown>): StatusChange | null =>
  typeof e.to === 'string'
    ? { at: num(e.at, 0, 0), from: strOrNull(e.from), to: e.to, actor: str(e.actor, 'unknown') }
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
        estimates: Y.Array.from(points === null ? [] : [{ at, from: null, to: points, actor: editor.actor }]),
        comments: new Y.Array()
      })
    }
  );
}

export type Place = { status?: string; sprint?: string | null; rank?: string };

/** Moves a card; a status change is appended to its history. False if the card is gone. */
export function moveCard(doc: Y.Doc, editor: Editor, id: string, to: Place): boolean {
  const m = cards.item(doc, id);
  if (!m) return false;
  doc.transact(() => {
    const from = str(m.get('status'), 'backlog');
    if (to.status !== undefined && to.status !== from) {
      m.set('status', to.status);
      appendLog(m, 'history', { at: editor.now(), from, to: to.status, actor: editor.actor });
    }
    if (to.sprint !== undefined && to.sprint !== m.get('sprint')) m.set('sprint', to.sprint);
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
