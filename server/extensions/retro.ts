/**
 * Retrospectives, served over private messages (extension name `retro`, retro rooms only).
 *
 * Requests (client → server, JSON in a type-101 frame). Who asks is the session's person (one
 * person's tabs share their drafts and dots; budgets and draft caps are per person) and the name on
 * attributed cards is the session's; `device` and `name` fields of older clients are ignored:
 *
 *   { type: 'hello' }                               my state: drafts, ballot (+ counts for a facilitator)
 *   { type: 'draft.add', column, text }             a private card, while writing is open
 *   { type: 'draft.edit', id, text } / { type: 'draft.delete', id }
 *   { type: 'vote', topic, delta: 1 | -1 }          while the vote is open
 *   { type: 'abstain', abstain }                    "I am not voting" (a facilitator opting out)
 *   facilitator / admin only:
 *   { type: 'phase', to }                           phases.ts rules; side effects below
 *   { type: 'late', open }                          keep writing open through reveal and group
 *   { type: 'budget', votes }                       dots per person, 0 = no voting
 *   { type: 'timer', seconds | null }               start (server time) or stop the shared timer
 *   { type: 'focus', topic | null }                 the topic everyone's view follows
 *   { type: 'moderation' }                          drafts' texts and columns, NEVER their authors
 *   { type: 'hide', id, hidden }                    a hidden draft is never inserted
 *   { type: 'flush' }                               reveal cards written since the reveal
 *   { type: 'breakouts', count, members }           split people into breakouts (count 0: none)
 *   { type: 'merge' }                               end breakouts, join same-named groups
 *
 * Replies go to the asker's connections only: { type: 'state', now, drafts, ballot, abstaining,
 * budgetUsed, counts? } (counts for facilitators: cards per column, hidden, voters, dots — never
 * who), { type: 'moderation', now, cards }, or { error } for a refusal. `now` is the server's clock,
 * so a client that never writes (and so never gets an ack) still learns its clock offset.
 *
 * Privacy and anonymity, the rules this file keeps:
 * P1  A draft lives only in this extension's memory until the reveal: never in the document, never
 *     in awareness, never in a frame to anyone but its author (and, without its author, to a
 *     facilitator asking to moderate).
 * P2  At the reveal the server inserts every card itself, with its own Yjs client and an editor
 *     whose actor is 'server' (so not even the store's log names the writer), in one transaction,
 *     in a random order, with ranks following that order and ids made by the server. An anonymous
 *     card has column, text and rank only; an attributed card adds the author's display name.
 * P3  A facilitator moderates by opaque draft id: texts come sorted by column and text (not by
 *     writer or time), and hiding needs no author.
 * P4  Ballots live only in memory until the vote closes; then the document gets totals per topic,
 *     and per person only in an attributed retro.
 * Drafts, ballots and who abstains are kept in the store (extension state,
 * server/persistence/extension-state.ts), never in the document: every request is one atomic step
 * over them, whichever server of a load-balanced deployment it reaches. So the reveal inserts the
 * drafts written on every server, a dot budget is counted once across servers, and a restart or
 * kill -9 of a server loses no draft or dot that was answered. Which connection is which person is
 * per server (its own sockets) and stays in its memory.
 */
import { randomInt } from 'node:crypto';
import { addCard } from '../../shared/doc/cards.ts';
import { members } from '../../shared/doc/members.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import {
  MAX_CARD_TEXT,
  orderedColumns,
  readPlacements,
  readRetroMeta,
  readSession,
  retroActions,
  retroCards,
  retroGroups,
  writeSession,
  writeVotes,
  type SessionPatch
} from '../../shared/doc/retro.ts';
import { orderedStatuses } from '../../shared/doc/statuses.ts';
import { cards as planCards } from '../../shared/doc/cards.ts';
import { isId } from '../../shared/ids.ts';
import { canWrite } from '../../shared/protocol.ts';
import { rankBetween } from '../../shared/rank.ts';
import { RETRO_ROOT } from '../../shared/schema.ts';
import { MAX_BREAKOUTS, mergePlan, readBreakouts } from '../../shared/retro/breakouts.ts';
import { budgetAllowed, canMove, clampBudget, groupingAllowed, isPhase, revealed, writingAllowed } from '../../shared/retro/phases.ts';
import { MAX_TIMER_MS } from '../../shared/retro/timer.ts';
import { castVote, remapBallot, tally, used, type Ballot } from '../../shared/retro/votes.ts';
import { ExtensionRefusal, type ExtensionContext, type PeerInfo, type RoomExtension } from './extension.ts';

export const RETRO_EXTENSION = 'retro';

const MAX_DRAFTS_PER_PERSON = 200;
const MAX_NAME = 60;

type Draft = { id: string; person: string; name: string; column: string; text: string; hidden: boolean };
type Voter = { name: string; ballot: Ballot };

/** One retro room's secrets, as every server sees them (kept in the store between requests). */
type RetroSecrets = { drafts: Map<string, Draft>; voters: Map<string, Voter>; abstaining: Set<string> };

/** This server's own bookkeeping for the room. */
type RetroLocal = {
  /** connection id → person key, to reach every tab of one person (connections are per server). */
  personOf: Map<string, string>;
  closing: boolean;
};

type RetroMemory = RetroSecrets & { local: RetroLocal };

type StoredSecrets = { drafts: Draft[]; voters: [string, Voter][]; abstaining: string[] };

const retroShared = {
  key: 'retro.secrets',
  decode(text: string | null): RetroSecrets {
    const s: StoredSecrets = text === null ? { drafts: [], voters: [], abstaining: [] } : (JSON.parse(text) as StoredSecrets);
    return { drafts: new Map(s.drafts.map((d) => [d.id, d])), voters: new Map(s.voters), abstaining: new Set(s.abstaining) };
  },
  encode(value: unknown): string | null {
    const s = value as RetroSecrets;
    if (s.drafts.size === 0 && s.voters.size === 0 && s.abstaining.size === 0) return null;
    return JSON.stringify({ drafts: [...s.drafts.values()], voters: [...s.voters], abstaining: [...s.abstaining] } satisfies StoredSecrets);
  }
};

function memory(ctx: ExtensionContext): RetroMemory {
  let secrets = ctx.state.get(retroShared.key) as RetroSecrets | undefined;
  if (!secrets) ctx.state.set(retroShared.key, (secrets = retroShared.decode(null)));
  let local = ctx.state.get('retro.local') as RetroLocal | undefined;
  if (!local) ctx.state.set('retro.local', (local = { personOf: new Map(), closing: false }));
  return { drafts: secrets.drafts, voters: secrets.voters, abstaining: secrets.abstaining, local };
}

type Request = Record<string, unknown> & { type: string };

function readRequest(payload: unknown): Request {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new ExtensionRefusal('a retro request is an object');
  const p = payload as Record<string, unknown>;
  if (typeof p.type !== 'string') throw new ExtensionRefusal('a retro request needs a type');
  return p as Request;
}

const runs = (peer: PeerInfo) => peer.role === 'facilitator' || peer.role === 'admin';

function facilitatorOnly(peer: PeerInfo, what: string): void {
  if (!runs(peer)) throw new ExtensionRefusal(`only a facilitator may ${what}`);
}

function writerOnly(peer: PeerInfo): void {
  if (!canWrite(peer.role)) throw new ExtensionRefusal('your link lets you watch, not take part');
}

/**
 * The person a request speaks for: the session's person, never a key from the message, so a vote
 * budget or draft cap cannot be multiplied by inventing device keys.
 */
function personOf(peer: PeerInfo, _request: Request): string {
  return peer.userId;
}

/** The session's display name: an attributed card cannot be signed with someone else's name. */
function nameOf(peer: PeerInfo, _request: Request): string {
  return peer.name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME) || 'Someone';
}

function cleanText(value: unknown): string {
  const text = typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
  if (!text) throw new ExtensionRefusal('a card needs some text');
  if (text.length > MAX_CARD_TEXT) throw new ExtensionRefusal(`a card holds at most ${MAX_CARD_TEXT} characters`);
  return text;
}

/** The server's own editor: actor 'server', so neither the document nor the store log names a writer. */
const serverEditor = (ctx: ExtensionContext, peer: PeerInfo): Editor => createEditor('server', 'server', ctx.editorFor(peer).now);

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** P2: inserts every visible draft as a card; hidden drafts are dropped. Returns how many went in. */
function insertDrafts(ctx: ExtensionContext, mem: RetroMemory, editor: Editor): number {
  if (mem.drafts.size === 0) return 0;
  const doc = ctx.doc;
  const anonymous = readRetroMeta(doc).anonymous;
  const columns = new Set(orderedColumns(doc).map((c) => c.id));
  const visible = shuffle([...mem.drafts.values()].filter((d) => !d.hidden && columns.has(d.column)));
  mem.drafts.clear();
  if (visible.length === 0) return 0;
  const lastRank = new Map<string, string | null>();
  for (const c of retroCards.list(doc)) {
    const last = lastRank.get(c.column);
    if (last === undefined || last === null || c.rank > last) lastRank.set(c.column, c.rank);
  }
  doc.transact(() => {
    for (const d of visible) {
      const rank = rankBetween(lastRank.get(d.column) ?? null, null);
      lastRank.set(d.column, rank);
      retroCards.add(doc, editor, anonymous ? { column: d.column, text: d.text, rank } : { column: d.column, text: d.text, rank, author: d.name });
    }
  }, editor.origin);
  return visible.length;
}

function draftsOf(mem: RetroMemory, person: string) {
  return [...mem.drafts.values()].filter((d) => d.person === person).map(({ id, column, text, hidden }) => ({ id, column, text, hidden }));
}

/** Facilitators' numbers: how many cards (not whose) and how many voters (not how they voted). */
function counts(ctx: ExtensionContext, mem: RetroMemory) {
  const columns: Record<string, number> = {};
  for (const c of orderedColumns(ctx.doc)) columns[c.id] = 0;
  let hidden = 0;
  for (const d of mem.drafts.values()) {
    if (d.hidden) hidden++;
    else if (d.column in columns) columns[d.column]++;
  }
  let voters = 0;
  let dots = 0;
  for (const v of mem.voters.values()) {
    const n = used(v.ballot);
    if (n > 0) voters++;
    dots += n;
  }
  return { columns, hidden, voters, dots };
}

function stateFor(ctx: ExtensionContext, mem: RetroMemory, peer: PeerInfo, person: string, now: number) {
  const ballot = mem.voters.get(person)?.ballot ?? {};
  return {
    type: 'state',
    now,
    drafts: draftsOf(mem, person),
    ballot,
    budgetUsed: used(ballot),
    abstaining: mem.abstaining.has(person),
    ...(runs(peer) ? { counts: counts(ctx, mem) } : {})
  };
}

/**
 * Sends each connection whose person is in `people` (all when omitted), and every facilitator, its
 * state: here, and on every other server hosting the room (their onNotice), since a person's other
 * tabs and the facilitator may be connected anywhere.
 */
function push(ctx: ExtensionContext, mem: RetroMemory, now: number, people?: Set<string>): void {
  pushHere(ctx, mem, now, people);
  ctx.notify({ people: people ? [...people] : null } satisfies RetroNotice);
}

/** What a server tells the others after a step: whose state to send (null: everyone's). Never a secret. */
type RetroNotice = { people: string[] | null };

function readNotice(payload: unknown): RetroNotice | null {
  const people = (payload as Partial<RetroNotice> | null)?.people;
  return people === null || (Array.isArray(people) && people.every((p) => typeof p === 'string')) ? { people } : null;
}

function pushHere(ctx: ExtensionContext, mem: RetroMemory, now: number, people?: Set<string>): void {
  for (const p of ctx.peers()) {
    if (!p.private) continue;
    const person = mem.local.personOf.get(p.id);
    if (!person) continue;
    if (people && !people.has(person) && !runs(p)) continue;
    ctx.reply(p, stateFor(ctx, mem, p, person, now));
  }
}

function moderationList(ctx: ExtensionContext, mem: RetroMemory, now: number) {
  const order = new Map(orderedColumns(ctx.doc).map((c, i) => [c.id, i]));
  const cards = [...mem.drafts.values()]
    .map(({ id, column, text, hidden }) => ({ id, column, text, hidden }))
    .sort((a, b) => (order.get(a.column) ?? 99) - (order.get(b.column) ?? 99) || a.text.localeCompare(b.text) || (a.id < b.id ? -1 : 1));
  return { type: 'moderation', now, cards };
}

function topicExists(ctx: ExtensionContext, topic: unknown): topic is string {
  return isId(topic) && (retroCards.item(ctx.doc, topic) !== null || retroGroups.item(ctx.doc, topic) !== null);
}

/** The actions of a closed retro become backlog cards on its plan, through the plan room's normal commit path. */
async function actionsToPlan(ctx: ExtensionContext, peer: PeerInfo): Promise<number> {
  const plan = readRetroMeta(ctx.doc).plan;
  const open = retroActions.list(ctx.doc).filter((a) => !a.cardId);
  if (!plan || open.length === 0) return 0;
  const editor = ctx.editorFor(peer);
  const made = await ctx.withRoom(plan, (doc, kind) => {
    if (kind !== 'plan') throw new ExtensionRefusal('this retro does not belong to a plan');
    const statuses = orderedStatuses(doc);
    const status = statuses.find((s) => s.id === 'backlog') ?? statuses.find((s) => s.category === 'todo') ?? statuses[0];
    if (!status) throw new ExtensionRefusal('the plan has no columns to put actions in');
    const people = members.list(doc);
    let last: string | null = null;
    for (const c of planCards.list(doc)) if (c.status === status.id && c.sprint === null && (last === null || c.rank > last)) last = c.rank;
    const out: [string, string][] = [];
    doc.transact(() => {
      for (const a of open) {
        last = rankBetween(last, null);
        const owner = a.owner.toLowerCase();
        const assignee = owner ? (people.find((m) => m.id === a.owner || m.name.toLowerCase() === owner)?.id ?? null) : null;
        out.push([a.id, addCard(doc, editor, { title: a.text, status: status.id, sprint: null, rank: last, assignee, due: a.due, labels: ['retro-action'] })]);
      }
    }, editor.origin);
    return out;
  });
  ctx.doc.transact(() => {
    for (const [action, card] of made) retroActions.update(ctx.doc, editor, action, { cardId: card });
  }, editor.origin);
  return made.length;
}

function movePhase(ctx: ExtensionContext, mem: RetroMemory, peer: PeerInfo, to: unknown, now: number): void {
  facilitatorOnly(peer, 'move the retro to another phase');
  if (!isPhase(to)) throw new ExtensionRefusal('unknown phase');
  const session = readSession(ctx.doc);
  const verdict = canMove(session, to);
  if (!verdict.ok) throw new ExtensionRefusal(verdict.reason);
  const editor = serverEditor(ctx, peer);
  ctx.doc.transact(() => {
    const patch: SessionPatch = { phase: to, timer: null };
    if (to === 'reveal') {
      insertDrafts(ctx, mem, editor);
      patch.revealedAt = now;
    }
    // Cards written late wait for the facilitator; grouping's end reveals the rest.
    if (session.phase === 'group') insertDrafts(ctx, mem, editor);
    if (to === 'vote') mem.voters.clear();
    if (session.phase === 'vote' && to === 'discuss') {
      const ballots = [...mem.voters.entries()].filter(([person]) => !mem.abstaining.has(person)).map(([, v]) => v);
      writeVotes(ctx.doc, editor, tally(ballots, !readRetroMeta(ctx.doc).anonymous));
      mem.voters.clear();
      patch.votesClosedAt = now;
    }
    if (to === 'discuss' && session.phase !== 'actions') patch.focus = null;
    if (to === 'close') patch.closedAt = now;
    writeSession(ctx.doc, editor, patch);
  }, editor.origin);
  push(ctx, mem, now);
  if (to === 'close' && !mem.local.closing) {
    mem.local.closing = true;
    actionsToPlan(ctx, peer)
      .then((n) => ctx.reply(peer, { type: 'closed', now: Date.now(), backlogCards: n }))
      .catch((err) => ctx.reply(peer, { error: err instanceof ExtensionRefusal ? err.message : 'the actions could not be added to the plan' }))
      .finally(() => (mem.local.closing = false));
  }
}

function handle(ctx: ExtensionContext, peer: PeerInfo, request: Request): void {
  const mem = memory(ctx);
  const person = personOf(peer, request);
  mem.local.personOf.set(peer.id, person);
  const now = ctx.editorFor(peer).now();
  const session = readSession(ctx.doc);
  const doc = ctx.doc;
  const replyState = () => ctx.reply(peer, stateFor(ctx, mem, peer, person, now));
  const draftChanged = () => push(ctx, mem, now, new Set([person]));

  switch (request.type) {
    case 'hello':
      return replyState();

    case 'draft.add': {
      writerOnly(peer);
      if (!writingAllowed(session)) throw new ExtensionRefusal('writing is closed');
      const column = request.column;
      if (typeof column !== 'string' || !orderedColumns(doc).some((c) => c.id === column)) throw new ExtensionRefusal('unknown column');
      const text = cleanText(request.text);
      if (draftsOf(mem, person).length >= MAX_DRAFTS_PER_PERSON) throw new ExtensionRefusal('that is a lot of cards: reveal some first');
      const id = `d${randomInt(2 ** 40).toString(36)}${randomInt(2 ** 40).toString(36)}`;
      mem.drafts.set(id, { id, person, name: nameOf(peer, request), column, text, hidden: false });
      return draftChanged();
    }

    case 'draft.edit':
    case 'draft.delete': {
      writerOnly(peer);
      const draft = typeof request.id === 'string' ? mem.drafts.get(request.id) : undefined;
      // Someone else's draft reads exactly like a missing one: ids reveal nothing.
      if (!draft || draft.person !== person) throw new ExtensionRefusal('that card is not yours, or it was already revealed');
      if (request.type === 'draft.delete') mem.drafts.delete(draft.id);
      else {
        if (!writingAllowed(session)) throw new ExtensionRefusal('writing is closed');
        draft.text = cleanText(request.text);
      }
      return draftChanged();
    }

    case 'vote': {
      writerOnly(peer);
      if (session.phase !== 'vote') throw new ExtensionRefusal('voting is not open');
      if (mem.abstaining.has(person)) throw new ExtensionRefusal('you chose not to vote');
      if (!topicExists(ctx, request.topic)) throw new ExtensionRefusal('that topic does not exist (any more)');
      const voter = mem.voters.get(person) ?? { name: nameOf(peer, request), ballot: {} };
      const next = castVote(voter.ballot, request.topic, request.delta as number, session.voteBudget);
      if (typeof next === 'string') throw new ExtensionRefusal(next);
      mem.voters.set(person, { name: nameOf(peer, request), ballot: next });
      return draftChanged();
    }

    case 'abstain': {
      if (request.abstain === true) {
        mem.abstaining.add(person);
        mem.voters.delete(person);
      } else mem.abstaining.delete(person);
      return draftChanged();
    }

    case 'phase':
      return movePhase(ctx, mem, peer, request.to, now);

    case 'late': {
      facilitatorOnly(peer, 'keep writing open');
      if (typeof request.open !== 'boolean') throw new ExtensionRefusal('open must be true or false');
      if (revealed(session.phase) && !groupingAllowed(session.phase)) throw new ExtensionRefusal('grouping is over');
      const editor = serverEditor(ctx, peer);
      doc.transact(() => {
        if (!request.open && revealed(session.phase)) insertDrafts(ctx, mem, editor);
        writeSession(doc, editor, { lateWriting: request.open as boolean });
      }, editor.origin);
      return push(ctx, mem, now);
    }

    case 'flush': {
      facilitatorOnly(peer, 'reveal new cards');
      if (session.phase !== 'reveal' && session.phase !== 'group') throw new ExtensionRefusal('new cards are revealed while grouping');
      insertDrafts(ctx, mem, serverEditor(ctx, peer));
      return push(ctx, mem, now);
    }

    case 'budget': {
      facilitatorOnly(peer, 'set the vote budget');
      if (!budgetAllowed(session.phase)) throw new ExtensionRefusal('the budget is set before voting starts');
      const votes = clampBudget(request.votes);
      if (votes === null) throw new ExtensionRefusal('the budget is a whole number from 0 to 20');
      writeSession(doc, serverEditor(ctx, peer), { voteBudget: votes });
      return replyState();
    }

    case 'timer': {
      facilitatorOnly(peer, 'run the timer');
      const seconds = request.seconds;
      if (seconds === null) writeSession(doc, serverEditor(ctx, peer), { timer: null });
      else if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 1 && seconds * 1000 <= MAX_TIMER_MS) {
        writeSession(doc, serverEditor(ctx, peer), { timer: { startedAt: now, durationMs: Math.round(seconds * 1000) } });
      } else throw new ExtensionRefusal('a timer runs from 1 second to 2 hours');
      return replyState();
    }

    case 'focus': {
      facilitatorOnly(peer, 'choose the topic');
      if (request.topic !== null && !topicExists(ctx, request.topic)) throw new ExtensionRefusal('that topic does not exist');
      writeSession(doc, serverEditor(ctx, peer), { focus: request.topic as string | null });
      return replyState();
    }

    case 'moderation':
      facilitatorOnly(peer, 'moderate cards');
      return ctx.reply(peer, moderationList(ctx, mem, now));

    case 'hide': {
      facilitatorOnly(peer, 'hide cards');
      const draft = typeof request.id === 'string' ? mem.drafts.get(request.id) : undefined;
      if (!draft) throw new ExtensionRefusal('that card was already revealed or deleted');
      draft.hidden = request.hidden !== false;
      draftChanged();
      // The author learns their card was hidden; the facilitator learns nothing about who that is.
      push(ctx, mem, now, new Set([draft.person]));
      return ctx.reply(peer, moderationList(ctx, mem, now));
    }

    case 'breakouts': {
      facilitatorOnly(peer, 'set up breakouts');
      if (!['review', 'write', 'reveal', 'group', 'vote'].includes(session.phase)) throw new ExtensionRefusal('breakouts are for grouping and voting');
      const count = request.count;
      if (count === 0) writeSession(doc, serverEditor(ctx, peer), { breakouts: null });
      else {
        const b = readBreakouts({ count, members: request.members });
        if (!b) throw new ExtensionRefusal(`breakouts: 2 to ${MAX_BREAKOUTS} groups`);
        writeSession(doc, serverEditor(ctx, peer), { breakouts: b });
      }
      return replyState();
    }

    case 'merge': {
      facilitatorOnly(peer, 'merge breakouts');
      const rename = mergePlan(retroGroups.list(doc));
      const editor = serverEditor(ctx, peer);
      doc.transact(() => {
        const placements = doc.getMap<unknown>(RETRO_ROOT.placements);
        for (const [card, group] of Object.entries(readPlacements(doc))) {
          const to = rename.get(group);
          if (to) placements.set(card, to);
        }
        for (const gone of rename.keys()) retroGroups.remove(doc, editor, gone);
        writeSession(doc, editor, { breakouts: null });
      }, editor.origin);
      for (const v of mem.voters.values()) v.ballot = remapBallot(v.ballot, rename);
      return push(ctx, mem, now);
    }

    default:
      throw new ExtensionRefusal(`unknown retro request: ${request.type.slice(0, 32)}`);
  }
}

export const retroExtension: RoomExtension = {
  name: RETRO_EXTENSION,
  kinds: ['retro'],
  shared: retroShared,
  onMessage(ctx, peer, payload) {
    handle(ctx, peer, readRequest(payload));
  },
  onNotice(ctx, payload) {
    const notice = readNotice(payload);
    if (notice) pushHere(ctx, memory(ctx), ctx.now(), notice.people ? new Set(notice.people) : undefined);
  },
  onLeave(ctx, peer) {
    memory(ctx).local.personOf.delete(peer.id);
  }
};
