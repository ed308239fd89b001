/**
 * Typed accessors and validated readers of a retro document (RETRO_ROOT in schema.ts). A retro is a
 * document of its own, room `<plan>/retro-<id>`, created once by the server.
 *
 * Who writes what (ROOT_WRITERS.retro): `meta`, `columns`, `session`, `cards` and `votes` only the
 * server (the phase, timer and budget on a facilitator's request; cards at the reveal, so an
 * anonymous card carries the server's Yjs client id, not its author's; vote results when the vote
 * closes). `groups`, `placements`, `actions` and `review` are open to editors.
 *
 * A card's group is one field (`placements[cardId]`), so concurrent drags of one card converge to
 * one group; cards themselves are never rewritten by clients.
 */
import * as Y from 'yjs';
import { initialRanks, rankBetween, compareRank } from '../rank.ts';
import { RETRO_ROOT, SCHEMA_VERSION } from '../schema.ts';
import { readBreakouts, type Breakouts } from '../retro/breakouts.ts';
import { DEFAULT_BUDGET, isPhase, MAX_BUDGET, type Phase } from '../retro/phases.ts';
import { readTimer, type Timer } from '../retro/timer.ts';
import type { TemplateColumn } from '../retro/templates.ts';
import type { VoteResult } from '../retro/votes.ts';
import { defineCollection, type ItemMap } from './collection.ts';
import { int, isoDate, num, oneOf, record, str, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';

export type RetroMeta = {
  schemaVersion: number;
  kind: 'retro';
  /** The plan room this retro belongs to. */
  plan: string;
  title: string;
  template: string;
  /** Anonymous: cards carry no author at all. Chosen at creation, never changed. */
  anonymous: boolean;
  sprint: string | null;
  /** The retro whose actions are reviewed at the start of this one. */
  previous: string | null;
  createdAt: number;
  createdBy: string;
};

export type RetroColumn = TemplateColumn & { rank: string };

export type RetroCard = {
  id: string;
  column: string;
  text: string;
  rank: string;
  /** Display name of the writer in an attributed retro; null (and absent from the doc) when anonymous. */
  author: string | null;
};

export type RetroGroup = { id: string; title: string; column: string; rank: string; breakout: number | null };

export type RetroSession = {
  phase: Phase;
  /** Writing stays open during reveal and group, for latecomers (phases.ts R4). */
  lateWriting: boolean;
  /** Dots per person; 0 = no voting. */
  voteBudget: number;
  timer: Timer | null;
  /** The topic (group or card id) the facilitator is discussing; everyone's view follows it. */
  focus: string | null;
  breakouts: Breakouts | null;
  revealedAt: number | null;
  votesClosedAt: number | null;
  closedAt: number | null;
};

export type ActionFields = { text: string; owner: string; due: string | null; topic: string | null };
export type RetroAction = ActionFields & { id: string; rank: string; createdAt: number; cardId: string | null };

export const OUTCOMES = ['pending', 'done', 'carried', 'dropped'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A previous retro's action, copied in when this retro was created, with its backlog card's status then. */
export type ReviewItem = {
  id: string;
  text: string;
  owner: string;
  due: string | null;
  cardId: string | null;
  cardStatus: string | null;
  cardDone: boolean;
  outcome: Outcome;
  rank: string;
};

export type RetroSnapshot = {
  meta: RetroMeta;
  columns: RetroColumn[];
  session: RetroSession;
  cards: RetroCard[];
  groups: RetroGroup[];
  /** cardId → groupId, only for cards in a group that exists. */
  placements: Record<string, string>;
  votes: Record<string, VoteResult>;
  actions: RetroAction[];
  review: ReviewItem[];
};

const root = (doc: Y.Doc, name: string) => doc.getMap<unknown>(name);

export function readRetroMeta(doc: Y.Doc): RetroMeta {
  const m = root(doc, RETRO_ROOT.meta);
  return {
    schemaVersion: int(m.get('schemaVersion'), 0, 0, 1_000),
    kind: 'retro',
    plan: str(m.get('plan')).slice(0, 200),
    title: str(m.get('title'), 'Retro').slice(0, 200),
    template: str(m.get('template'), 'custom').slice(0, 40),
    anonymous: m.get('anonymous') !== false,
    sprint: strOrNull(m.get('sprint')),
    previous: strOrNull(m.get('previous')),
    createdAt: num(m.get('createdAt'), 0, 0),
    createdBy: str(m.get('createdBy'), 'unknown').slice(0, 200)
  };
}

export function isRetro(doc: Y.Doc): boolean {
  return root(doc, RETRO_ROOT.meta).get('kind') === 'retro';
}

export const retroColumns = defineCollection<RetroColumn>(RETRO_ROOT.columns, (id, m) => ({
  id,
  title: str(m.get('title'), id).slice(0, 60),
  hint: str(m.get('hint')).slice(0, 200),
  rank: str(m.get('rank'), 'i')
}));

export const MAX_CARD_TEXT = 2_000;

export const retroCards = defineCollection<RetroCard>(RETRO_ROOT.cards, (id, m) => {
  const text = str(m.get('text')).slice(0, MAX_CARD_TEXT);
  if (!text) return null;
  return { id, column: str(m.get('column')), text, rank: str(m.get('rank'), 'i'), author: strOrNull(m.get('author'))?.slice(0, 80) ?? null };
});

export const retroGroups = defineCollection<RetroGroup>(RETRO_ROOT.groups, (id, m) => {
  const b = m.get('breakout');
  return {
    id,
    title: str(m.get('title')).slice(0, 120),
    column: str(m.get('column')),
    rank: str(m.get('rank'), 'i'),
    breakout: Number.isInteger(b) && (b as number) >= 0 && (b as number) < 100 ? (b as number) : null
  };
});

export const retroActions = defineCollection<RetroAction>(RETRO_ROOT.actions, (id, m) => {
  const text = str(m.get('text')).slice(0, 500);
  if (!text) return null;
  return {
    id,
    text,
    owner: str(m.get('owner')).slice(0, 80),
    due: isoDate(m.get('due')),
    topic: strOrNull(m.get('topic')),
    rank: str(m.get('rank'), 'i'),
    createdAt: num(m.get('createdAt'), 0, 0),
    cardId: strOrNull(m.get('cardId'))
  };
});

export const reviewItems = defineCollection<ReviewItem>(RETRO_ROOT.review, (id, m) => ({
  id,
  text: str(m.get('text'), 'Action').slice(0, 500),
  owner: str(m.get('owner')).slice(0, 80),
  due: isoDate(m.get('due')),
  cardId: strOrNull(m.get('cardId')),
  cardStatus: strOrNull(m.get('cardStatus'))?.slice(0, 80) ?? null,
  cardDone: m.get('cardDone') === true,
  outcome: oneOf(m.get('outcome'), OUTCOMES, 'pending'),
  rank: str(m.get('rank'), 'i')
}));

export function readSession(doc: Y.Doc): RetroSession {
  const m = root(doc, RETRO_ROOT.session);
  const phase = m.get('phase');
  const nullableNum = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    phase: isPhase(phase) ? phase : 'review',
    lateWriting: m.get('lateWriting') === true,
    voteBudget: int(m.get('voteBudget'), DEFAULT_BUDGET, 0, MAX_BUDGET),
    timer: readTimer(m.get('timer')),
    focus: strOrNull(m.get('focus'))?.slice(0, 64) ?? null,
    breakouts: readBreakouts(m.get('breakouts')),
    revealedAt: nullableNum(m.get('revealedAt')),
    votesClosedAt: nullableNum(m.get('votesClosedAt')),
    closedAt: nullableNum(m.get('closedAt'))
  };
}

export type SessionPatch = Partial<Omit<RetroSession, 'breakouts' | 'timer'>> & { breakouts?: Breakouts | null; timer?: Timer | null };

/** Server only (the session root is written by the retro extension alone). */
export function writeSession(doc: Y.Doc, editor: Editor, patch: SessionPatch): void {
  doc.transact(() => {
    const m = root(doc, RETRO_ROOT.session);
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) m.set(k, v !== null && typeof v === 'object' ? structuredClone(v) : v);
  }, editor.origin);
}

export function readPlacements(doc: Y.Doc): Record<string, string> {
  const out: Record<string, string> = {};
  root(doc, RETRO_ROOT.placements).forEach((v, k) => {
    if (typeof v === 'string' && v) out[k] = v;
  });
  return out;
}

/** Puts a card in a group (or takes it out with null): one field, last writer wins. */
export function placeCard(doc: Y.Doc, editor: Editor, cardId: string, groupId: string | null): void {
  doc.transact(() => {
    const m = root(doc, RETRO_ROOT.placements);
    if (groupId === null) m.delete(cardId);
    else if (m.get(cardId) !== groupId) m.set(cardId, groupId);
  }, editor.origin);
}

export function readVotes(doc: Y.Doc): Record<string, VoteResult> {
  const out: Record<string, VoteResult> = {};
  root(doc, RETRO_ROOT.votes).forEach((v, k) => {
    const r = record(v);
    if (!r || typeof r.total !== 'number' || !(r.total >= 0)) return;
    const by = record(r.by);
    const result: VoteResult = { total: Math.min(1e6, Math.round(r.total)) };
    if (by) {
      result.by = {};
      for (const [name, n] of Object.entries(by).sort(([a], [b]) => a.localeCompare(b))) if (typeof n === 'number' && n > 0) result.by[name.slice(0, 80)] = n;
    }
    out[k] = result;
  });
  return out;
}

/** Server only: the results, written once when the vote closes. */
export function writeVotes(doc: Y.Doc, editor: Editor, results: Record<string, VoteResult>): void {
  doc.transact(() => {
    const m = root(doc, RETRO_ROOT.votes);
    for (const k of [...m.keys()]) m.delete(k);
    for (const [topic, r] of Object.entries(results)) m.set(topic, structuredClone(r));
  }, editor.origin);
}

export function orderedColumns(doc: Y.Doc): RetroColumn[] {
  return retroColumns.list(doc).sort(compareRank);
}

/** A rank after every item of a list (for appending). */
export function rankAfterAll(items: readonly { rank: string }[]): string {
  let max: string | null = null;
  for (const i of items) if (max === null || i.rank > max) max = i.rank;
  return rankBetween(max, null);
}

export function addGroup(doc: Y.Doc, editor: Editor, fields: { title: string; column: string; breakout: number | null }, cardIds: string[] = []): string {
  let id = '';
  doc.transact(() => {
    id = retroGroups.add(doc, editor, {
      title: fields.title.replace(/\s+/g, ' ').trim().slice(0, 120),
      column: fields.column,
      breakout: fields.breakout,
      rank: rankAfterAll(retroGroups.list(doc))
    });
    for (const c of cardIds) placeCard(doc, editor, c, id);
  }, editor.origin);
  return id;
}

/** Removes a group; its cards go back to being ungrouped. */
export function removeGroup(doc: Y.Doc, editor: Editor, groupId: string): void {
  doc.transact(() => {
    const placements = root(doc, RETRO_ROOT.placements);
    for (const [card, g] of placements.entries()) if (g === groupId) placements.delete(card);
    retroGroups.remove(doc, editor, groupId);
  }, editor.origin);
}

export function addAction(doc: Y.Doc, editor: Editor, fields: ActionFields): string {
  return retroActions.add(doc, editor, {
    text: fields.text.trim().slice(0, 500),
    owner: fields.owner.trim().slice(0, 80),
    due: isoDate(fields.due),
    topic: fields.topic,
    rank: rankAfterAll(retroActions.list(doc)),
    createdAt: editor.now(),
    cardId: null
  });
}

export type ReviewSeed = Omit<ReviewItem, 'rank' | 'outcome'>;

export type RetroCreate = {
  plan: string;
  title: string;
  template: string;
  columns: TemplateColumn[];
  anonymous: boolean;
  sprint: string | null;
  previous: string | null;
  review: ReviewSeed[];
};

/** Writes a new retro's meta, columns, session and review list. Server only, once. */
export function createRetro(doc: Y.Doc, editor: Editor, init: RetroCreate): void {
  if (root(doc, RETRO_ROOT.meta).has('kind')) throw new Error('document is already initialised');
  doc.transact(() => {
    const m = root(doc, RETRO_ROOT.meta);
    m.set('schemaVersion', SCHEMA_VERSION);
    m.set('kind', 'retro');
    m.set('plan', init.plan);
    m.set('title', init.title);
    m.set('template', init.template);
    m.set('anonymous', init.anonymous);
    m.set('sprint', init.sprint);
    m.set('previous', init.previous);
    m.set('createdAt', editor.now());
    m.set('createdBy', editor.actor);
    const ranks = initialRanks(init.columns.length);
    init.columns.forEach((c, i) => retroColumns.add(doc, editor, { title: c.title, hint: c.hint, rank: ranks[i] }, { id: c.id }));
    const reviewRanks = initialRanks(init.review.length);
    init.review.forEach((r, i) => {
      const { id, ...fields } = r;
      reviewItems.add(doc, editor, { ...fields, outcome: 'pending', rank: reviewRanks[i] }, { id });
    });
    writeSession(doc, editor, { phase: 'review', lateWriting: false, voteBudget: DEFAULT_BUDGET, timer: null, focus: null, breakouts: null });
  }, editor.origin);
}

function decodeAll<T extends { rank: string; id: string }>(list: T[]): T[] {
  return list.sort(compareRank);
}

/** The whole retro as plain data, in a deterministic order. */
export function readRetro(doc: Y.Doc): RetroSnapshot {
  const groups = decodeAll(retroGroups.list(doc));
  const groupIds = new Set(groups.map((g) => g.id));
  const placements: Record<string, string> = {};
  for (const [card, group] of Object.entries(readPlacements(doc))) if (groupIds.has(group)) placements[card] = group;
  return {
    meta: readRetroMeta(doc),
    columns: orderedColumns(doc),
    session: readSession(doc),
    cards: decodeAll(retroCards.list(doc)),
    groups,
    placements,
    votes: readVotes(doc),
    actions: decodeAll(retroActions.list(doc)),
    review: decodeAll(reviewItems.list(doc))
  };
}

export type { ItemMap };
