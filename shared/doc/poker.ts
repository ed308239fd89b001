/**
 * Planning poker in the plan document: the `poker` root, `Y.Map<cardId, Y.Map>`, one entry per card
 * that ever had a round. Only the server writes this root (ROOT_WRITERS), through the writers below,
 * on a facilitator's or voter's private request (server/extensions/poker.ts).
 *
 * An entry holds the card's current round as plain fields, and `history`, a `Y.Array` of every
 * revealed round once it ended (accepted, re-voted or closed), append-only, so a review can compare
 * what people estimated with what was agreed and with what the work took.
 *
 * The privacy rule lives in the shapes: while a round is `voting` the document holds only WHO voted
 * (`voters`, `names`); the values stay in the server's extension state (the store, never the document) until the reveal writes them all at
 * once into `votes`. Readers therefore never return votes for a round that is still voting.
 */
import * as Y from 'yjs';
import { PLAN_ROOT } from '../schema.ts';
import { inDeck, readDeck, type DeckCard } from '../poker.ts';
import { estimateCard } from './cards.ts';
import { asItem, readLog, type ItemMap } from './collection.ts';
import { int, num, numOrNull, oneOf, record, str, strArray } from './fields.ts';
import type { Editor } from './origin.ts';

export const ROUND_STATES = ['voting', 'revealed', 'closed'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

/** How a closed round ended. `expired`: its votes were lost with the server's memory before the reveal. */
export const ROUND_OUTCOMES = ['accepted', 'cancelled', 'expired'] as const;
export type RoundOutcome = (typeof ROUND_OUTCOMES)[number];

export const MAX_VOTERS = 500;
export const MAX_VOTER_NAME = 60;

export type PokerRound = {
  cardId: string;
  /** 1, 2, … per card. */
  round: number;
  state: RoundState;
  deck: DeckCard[];
  openedBy: string;
  openedByName: string;
  openedAt: number;
  /** False when the facilitator who opened the round opted out of voting in it. */
  facilitatorVotes: boolean;
  /** User ids of everyone who has voted, in the order they first voted. */
  voters: string[];
  /** userId → display name, for the voters. */
  names: Record<string, string>;
  /** userId → vote; always empty while voting. */
  votes: Record<string, DeckCard>;
  /** The estimate written to the card when the round was accepted. */
  agreed: number | null;
  revealedAt: number | null;
  closedAt: number | null;
  /** Set once closed. */
  outcome: RoundOutcome | null;
};

/** A revealed round that ended; `revoted`: the facilitator started another round instead of accepting. */
export type PokerHistoryEntry = {
  round: number;
  deck: DeckCard[];
  votes: Record<string, DeckCard>;
  names: Record<string, string>;
  agreed: number | null;
  outcome: 'accepted' | 'revoted' | 'cancelled';
  openedBy: string;
  openedAt: number;
  revealedAt: number;
  closedAt: number;
  closedBy: string;
};

const root = (doc: Y.Doc) => doc.getMap<unknown>(PLAN_ROOT.poker);

function readNames(value: unknown, only: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const rec = record(value);
  if (!rec) return out;
  for (const id of only) {
    const name = rec[id];
    if (typeof name === 'string' && name.trim()) out[id] = name.trim().slice(0, MAX_VOTER_NAME);
  }
  return out;
}

function readVotes(value: unknown, deck: readonly DeckCard[]): Record<string, DeckCard> {
  const out: Record<string, DeckCard> = {};
  const rec = record(value);
  if (!rec) return out;
  // Sorted keys: replicas must render the same order however the map arrived.
  for (const id of Object.keys(rec).sort().slice(0, MAX_VOTERS)) {
    const v = rec[id];
    if (inDeck(deck, v)) out[id.slice(0, 200)] = v;
  }
  return out;
}

function uniqueIds(value: unknown): string[] {
  return [...new Set(strArray(value, MAX_VOTERS))];
}

/** Decodes one card's poker entry from plain values (a Y.Map's fields, or anything a peer wrote). */
export function decodeRound(cardId: string, fields: Record<string, unknown>): PokerRound | null {
  const round = int(fields.round, 0, 0, 1e6);
  if (round < 1) return null;
  const state = oneOf(fields.state, ROUND_STATES, 'closed');
  const deck = readDeck(fields.deck);
  const votes = state === 'voting' ? {} : readVotes(fields.votes, deck);
  // Everyone with a revealed vote voted, whatever the voters list says.
  const voters = [...new Set([...uniqueIds(fields.voters), ...Object.keys(votes)])];
  const agreed = numOrNull(fields.agreed, 0, 1e4);
  return {
    cardId,
    round,
    state,
    deck,
    openedBy: str(fields.openedBy, 'unknown').slice(0, 200),
    openedByName: str(fields.openedByName).slice(0, MAX_VOTER_NAME),
    openedAt: num(fields.openedAt, 0, 0),
    facilitatorVotes: fields.facilitatorVotes !== false,
    voters,
    names: readNames(fields.names, voters),
    votes,
    agreed: state === 'closed' ? agreed : null,
    revealedAt: numOrNull(fields.revealedAt, 0),
    closedAt: state === 'closed' ? numOrNull(fields.closedAt, 0) : null,
    outcome: state === 'closed' ? oneOf(fields.outcome, ROUND_OUTCOMES, 'cancelled') : null
  };
}

const HISTORY_OUTCOMES = ['accepted', 'revoted', 'cancelled'] as const;

export function decodeHistoryEntry(e: Record<string, unknown>): PokerHistoryEntry | null {
  const round = int(e.round, 0, 0, 1e6);
  if (round < 1) return null;
  const deck = readDeck(e.deck);
  const votes = readVotes(e.votes, deck);
  return {
    round,
    deck,
    votes,
    names: readNames(e.names, Object.keys(votes)),
    agreed: numOrNull(e.agreed, 0, 1e4),
    outcome: oneOf(e.outcome, HISTORY_OUTCOMES, 'cancelled'),
    openedBy: str(e.openedBy, 'unknown').slice(0, 200),
    openedAt: num(e.openedAt, 0, 0),
    revealedAt: num(e.revealedAt, 0, 0),
    closedAt: num(e.closedAt, 0, 0),
    closedBy: str(e.closedBy, 'unknown').slice(0, 200)
  };
}

function fieldsOf(m: ItemMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  m.forEach((v, k) => {
    if (k !== 'history') out[k] = v instanceof Y.AbstractType ? v.toJSON() : v;
  });
  return out;
}

/** The card's current (or last) round, or null when it never had one or the entry is garbage. */
export function readRound(doc: Y.Doc, cardId: string): PokerRound | null {
  const m = asItem(root(doc).get(cardId));
  return m ? decodeRound(cardId, fieldsOf(m)) : null;
}

/** Every card's current round. */
export function readRounds(doc: Y.Doc): PokerRound[] {
  const out: PokerRound[] = [];
  root(doc).forEach((value, cardId) => {
    const m = asItem(value);
    const r = m && decodeRound(cardId, fieldsOf(m));
    if (r) out.push(r);
  });
  return out.sort((a, b) => (a.cardId < b.cardId ? -1 : a.cardId > b.cardId ? 1 : 0));
}

/**
 * Calls `fn` with the ids of the cards whose round changed (every card when the whole map was
 * replaced: `null`), after each transaction that touched poker. Returns the unsubscribe.
 */
export function observeRounds(doc: Y.Doc, fn: (cardIds: string[] | null) => void): () => void {
  const map = root(doc);
  const onChange = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
    if (events.some((e) => e.path.length === 0 && e.target === map && (e as Y.YMapEvent<unknown>).keysChanged.size === 0)) return fn(null);
    const ids = new Set<string>();
    for (const e of events) {
      if (e.path.length === 0) for (const k of (e as Y.YMapEvent<unknown>).keysChanged) ids.add(k);
      else ids.add(String(e.path[0]));
    }
    fn([...ids]);
  };
  map.observeDeep(onChange);
  return () => map.unobserveDeep(onChange);
}

/** Revealed rounds of a card that ended, oldest first. */
export function readHistory(doc: Y.Doc, cardId: string): PokerHistoryEntry[] {
  const m = asItem(root(doc).get(cardId));
  return m ? readLog(m, 'history', decodeHistoryEntry) : [];
}

// -------------------------------------------------------------------------------------------------
// Writers: the server only (a client's update touching this root is refused with forbiddenWrite).

export type OpenRound = { deck: DeckCard[]; facilitatorVotes: boolean; openerName: string };

function entryFor(doc: Y.Doc, cardId: string): ItemMap {
  const existing = asItem(root(doc).get(cardId));
  if (existing) return existing;
  const m: ItemMap = new Y.Map();
  root(doc).set(cardId, m);
  m.set('history', new Y.Array());
  return m;
}

function set(m: ItemMap, fields: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(fields)) {
    const current = m.get(k);
    if (current === v || (typeof v === 'object' && v !== null && JSON.stringify(current) === JSON.stringify(v))) continue;
    m.set(k, typeof v === 'object' && v !== null ? structuredClone(v) : v);
  }
}

function pushHistory(m: ItemMap, r: PokerRound, outcome: PokerHistoryEntry['outcome'], agreed: number | null, editor: Editor): void {
  const entry: PokerHistoryEntry = {
    round: r.round,
    deck: r.deck,
    votes: r.votes,
    names: r.names,
    agreed,
    outcome,
    openedBy: r.openedBy,
    openedAt: r.openedAt,
    revealedAt: r.revealedAt ?? editor.now(),
    closedAt: editor.now(),
    closedBy: editor.actor
  };
  let log = m.get('history');
  if (!(log instanceof Y.Array)) m.set('history', (log = new Y.Array()));
  (log as Y.Array<object>).push([structuredClone(entry)]);
}

/**
 * Opens the next round of a card. A revealed round that was not accepted goes to the history as
 * `revoted`. Returns the new round number, or null while a round is still voting.
 */
export function openRound(doc: Y.Doc, editor: Editor, cardId: string, init: OpenRound): number | null {
  const current = readRound(doc, cardId);
  if (current?.state === 'voting') return null;
  const round = (current?.round ?? 0) + 1;
  doc.transact(() => {
    const m = entryFor(doc, cardId);
    if (current?.state === 'revealed') pushHistory(m, current, 'revoted', null, editor);
    set(m, {
      cardId,
      round,
      state: 'voting',
      deck: init.deck,
      openedBy: editor.actor,
      openedByName: init.openerName.slice(0, MAX_VOTER_NAME),
      openedAt: editor.now(),
      facilitatorVotes: init.facilitatorVotes,
      voters: [],
      names: {},
      votes: {},
      agreed: null,
      revealedAt: null,
      closedAt: null,
      outcome: null
    });
  }, editor.origin);
  return round;
}

function voting(doc: Y.Doc, cardId: string, round: number): PokerRound | null {
  const r = readRound(doc, cardId);
  return r && r.state === 'voting' && r.round === round ? r : null;
}

/** Records that `userId` has voted (not what). False when that round is not voting. */
export function addVoter(doc: Y.Doc, editor: Editor, cardId: string, round: number, userId: string, name: string): boolean {
  const r = voting(doc, cardId, round);
  if (!r) return false;
  const clean = name.trim().slice(0, MAX_VOTER_NAME) || 'Anonymous';
  if (r.voters.includes(userId) && r.names[userId] === clean) return true;
  if (!r.voters.includes(userId) && r.voters.length >= MAX_VOTERS) return false;
  doc.transact(() => {
    const m = entryFor(doc, cardId);
    set(m, { voters: r.voters.includes(userId) ? r.voters : [...r.voters, userId], names: { ...r.names, [userId]: clean } });
  }, editor.origin);
  return true;
}

/** Takes back `userId`'s vote (who, since the doc never had what). */
export function removeVoter(doc: Y.Doc, editor: Editor, cardId: string, round: number, userId: string): boolean {
  const r = voting(doc, cardId, round);
  if (!r) return false;
  if (!r.voters.includes(userId)) return true;
  const names = { ...r.names };
  delete names[userId];
  doc.transact(() => set(entryFor(doc, cardId), { voters: r.voters.filter((v) => v !== userId), names }), editor.origin);
  return true;
}

/** Writes every vote at once and turns the round to `revealed`. */
export function revealRound(doc: Y.Doc, editor: Editor, cardId: string, round: number, votes: Record<string, DeckCard>, names: Record<string, string> = {}): boolean {
  const r = voting(doc, cardId, round);
  if (!r) return false;
  const voters = [...new Set([...r.voters, ...Object.keys(votes)])];
  doc.transact(() => {
    set(entryFor(doc, cardId), {
      state: 'revealed',
      votes,
      voters,
      names: { ...names, ...r.names },
      revealedAt: editor.now()
    });
  }, editor.origin);
  return true;
}

/**
 * Accepts `value` for a revealed round: the card's estimate is set (with its estimate log entry,
 * actor the facilitator) and the round closes into the history, in one transaction.
 */
export function acceptRound(doc: Y.Doc, editor: Editor, cardId: string, round: number, value: number): boolean {
  const r = readRound(doc, cardId);
  if (!r || r.state !== 'revealed' || r.round !== round) return false;
  let ok = false;
  doc.transact(() => {
    ok = estimateCard(doc, editor, cardId, value);
    if (!ok) return;
    const m = entryFor(doc, cardId);
    pushHistory(m, r, 'accepted', value, editor);
    set(m, { state: 'closed', agreed: value, closedAt: editor.now(), outcome: 'accepted' });
  }, editor.origin);
  return ok;
}

/**
 * Closes a round without an estimate: `cancelled` by the facilitator (a revealed round goes to
 * the history, a voting one leaves no trace of any value), or `expired` when the server no longer
 * holds its votes.
 */
export function closeRound(doc: Y.Doc, editor: Editor, cardId: string, round: number, outcome: 'cancelled' | 'expired'): boolean {
  const r = readRound(doc, cardId);
  if (!r || r.state === 'closed' || r.round !== round) return false;
  doc.transact(() => {
    const m = entryFor(doc, cardId);
    if (r.state === 'revealed') pushHistory(m, r, 'cancelled', null, editor);
    set(m, { state: 'closed', agreed: null, closedAt: editor.now(), outcome });
  }, editor.origin);
  return true;
}
