/**
 * Planning poker, served over private messages (extension name `poker`, plan rooms only).
 *
 * Requests (client → server, JSON in a type-101 frame; `req` is optional and echoed back):
 *   { type: 'open',   cardId, deck?, facilitatorVotes? }   facilitator/admin
 *   { type: 'vote',   cardId, round, value }               anyone but a viewer; value null takes it back
 *   { type: 'reveal', cardId, round }                      facilitator/admin
 *   { type: 'accept', cardId, round, value }               facilitator/admin
 *   { type: 'cancel', cardId, round }                      facilitator/admin
 *   { type: 'mine',   cardId }                             my own vote in the current round
 *
 * Replies go to the asking connection only: { type: 'opened' | 'voted' | 'revealed' | 'accepted' |
 * 'cancelled' | 'mine', req?, cardId, round, … } or { type: 'error', req?, request, cardId?, error }.
 * 'voted' and 'mine' carry the asker's own vote, the only place a value travels before the reveal.
 *
 * One vote per person: votes are keyed by the session's person id (PeerInfo.userId), so two people
 * on one group link vote separately, and one person's tabs share one vote.
 *
 * Votes live in the store (extension state, server/persistence/extension-state.ts) until the reveal,
 * never in the document, which gets only the voter's id and name. Every request is one atomic step
 * over the room's held rounds, whichever server of a load-balanced deployment it reaches, so voters
 * on different servers vote in one round, the reveal shows all their cards, and a server restart or
 * kill -9 keeps an open round. A round still voting in the document whose votes the store does not
 * hold (the memory store after a restart, a state write that failed) is closed as `expired` the next
 * time anyone asks anything of this room's poker, so every screen can say so instead of waiting forever.
 */
import { cards } from '../../shared/doc/cards.ts';
import { acceptRound, addVoter, closeRound, MAX_VOTER_NAME, MAX_VOTERS, openRound, readRound, readRounds, removeVoter, revealRound } from '../../shared/doc/poker.ts';
import { isId } from '../../shared/ids.ts';
import { cleanDeck, inDeck, type DeckCard } from '../../shared/poker.ts';
import { ExtensionRefusal, type ExtensionContext, type PeerInfo, type RoomExtension } from './extension.ts';

export const POKER_EXTENSION = 'poker';

/** A round's secrets: the votes, by user id. */
type HeldRound = { round: number; votes: Map<string, DeckCard> };
type PokerState = { rounds: Map<string, HeldRound>; swept: boolean };

/** The held rounds as stored: { cardId: { round, votes: { userId: card } } }; null when none is open. */
const pokerShared = {
  key: 'poker.rounds',
  decode(text: string | null): Map<string, HeldRound> {
    const rounds = new Map<string, HeldRound>();
    if (text === null) return rounds;
    const stored = JSON.parse(text) as Record<string, { round: number; votes: Record<string, DeckCard> }>;
    for (const [cardId, r] of Object.entries(stored)) rounds.set(cardId, { round: r.round, votes: new Map(Object.entries(r.votes)) });
    return rounds;
  },
  encode(value: unknown): string | null {
    const rounds = value as Map<string, HeldRound>;
    if (rounds.size === 0) return null;
    return JSON.stringify(Object.fromEntries([...rounds].map(([cardId, r]) => [cardId, { round: r.round, votes: Object.fromEntries(r.votes) }])));
  }
};

function pokerState(ctx: ExtensionContext): PokerState {
  let rounds = ctx.state.get(pokerShared.key) as Map<string, HeldRound> | undefined;
  if (!rounds) ctx.state.set(pokerShared.key, (rounds = new Map()));
  const state: PokerState = { rounds, swept: ctx.state.get('poker.swept') === true };
  return state;
}

const runs = (peer: PeerInfo) => peer.role === 'facilitator' || peer.role === 'admin';

type Request = { type: string; req?: string | number; cardId?: unknown; round?: unknown; value?: unknown; deck?: unknown; facilitatorVotes?: unknown };

function readRequest(payload: unknown): Request {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new ExtensionRefusal('a poker request is an object');
  const p = payload as Record<string, unknown>;
  if (typeof p.type !== 'string') throw new ExtensionRefusal('a poker request needs a type');
  const req = (typeof p.req === 'string' && p.req.length <= 64) || (typeof p.req === 'number' && Number.isFinite(p.req)) ? (p.req as string | number) : undefined;
  return { ...p, type: p.type.slice(0, 32), req } as Request;
}

function cardIdOf(ctx: ExtensionContext, request: Request): string {
  if (!isId(request.cardId)) throw new ExtensionRefusal('a card id is needed');
  if (!cards.item(ctx.doc, request.cardId)) throw new ExtensionRefusal('that card does not exist (any more)');
  return request.cardId;
}

function roundOf(request: Request): number {
  const n = request.round;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ExtensionRefusal('a round number is needed');
  return n;
}

function facilitatorOnly(peer: PeerInfo, what: string): void {
  if (!runs(peer)) throw new ExtensionRefusal(`only a facilitator or admin may ${what}`);
}

/**
 * Closes as expired every round the document says is voting but whose votes this server does not
 * hold: they were lost with the memory (room unloaded, server restarted).
 */
function expireLost(ctx: ExtensionContext, peer: PeerInfo, state: PokerState, onlyCard?: string): string[] {
  const expired: string[] = [];
  const rounds = onlyCard ? [readRound(ctx.doc, onlyCard)].filter((r) => r !== null) : readRounds(ctx.doc);
  for (const r of rounds) {
    if (r.state !== 'voting' || state.rounds.get(r.cardId)?.round === r.round) continue;
    state.rounds.delete(r.cardId);
    if (closeRound(ctx.doc, ctx.editorFor(peer), r.cardId, r.round, 'expired')) expired.push(r.cardId);
  }
  return expired;
}

/** The current voting round of a card, with its held votes; refuses anything else. */
function votingRound(ctx: ExtensionContext, state: PokerState, cardId: string, round: number) {
  const r = readRound(ctx.doc, cardId);
  if (!r || r.round !== round) throw new ExtensionRefusal('that round is over; a newer one may be open');
  if (r.state === 'closed' && r.outcome === 'expired') throw new ExtensionRefusal('round expired: its votes were lost');
  if (r.state !== 'voting') throw new ExtensionRefusal('voting in that round has ended');
  const held = state.rounds.get(cardId);
  if (!held || held.round !== round) throw new ExtensionRefusal('round expired: its votes were lost');
  return { r, held };
}

function handle(ctx: ExtensionContext, peer: PeerInfo, request: Request, state: PokerState): Record<string, unknown> {
  switch (request.type) {
    case 'open': {
      facilitatorOnly(peer, 'start a round');
      const cardId = cardIdOf(ctx, request);
      const deck = cleanDeck(request.deck);
      if (!deck) throw new ExtensionRefusal('that is not a deck: 2 to 24 cards, numbers 0–1000 (or ? and ☕), at least two numbers');
      const round = openRound(ctx.doc, ctx.editorFor(peer), cardId, { deck, facilitatorVotes: request.facilitatorVotes !== false, openerName: peer.name });
      if (round === null) throw new ExtensionRefusal('a round is already open for this card: reveal or cancel it first');
      state.rounds.set(cardId, { round, votes: new Map() });
      return { type: 'opened', cardId, round };
    }
    case 'vote': {
      if (peer.role === 'viewer') throw new ExtensionRefusal('a view-only link cannot vote');
      const cardId = cardIdOf(ctx, request);
      const round = roundOf(request);
      const { r, held } = votingRound(ctx, state, cardId, round);
      if (!r.facilitatorVotes && r.openedBy === peer.userId) throw new ExtensionRefusal('you opted out of voting in this round');
      const editor = ctx.editorFor(peer);
      if (request.value === null) {
        held.votes.delete(peer.userId);
        removeVoter(ctx.doc, editor, cardId, round, peer.userId);
        return { type: 'voted', cardId, round, value: null };
      }
      if (!inDeck(r.deck, request.value)) throw new ExtensionRefusal('that card is not in this round’s deck');
      if (!held.votes.has(peer.userId) && held.votes.size >= MAX_VOTERS) throw new ExtensionRefusal('this round has as many voters as it can hold');
      // The name is the session's, never the message's: nobody votes under someone else's name.
      const name = peer.name.replace(/\s+/g, ' ').trim().slice(0, MAX_VOTER_NAME) || 'Someone';
      held.votes.set(peer.userId, request.value);
      addVoter(ctx.doc, editor, cardId, round, peer.userId, name);
      return { type: 'voted', cardId, round, value: request.value };
    }
    case 'reveal': {
      facilitatorOnly(peer, 'reveal the votes');
      const cardId = cardIdOf(ctx, request);
      const round = roundOf(request);
      const { held } = votingRound(ctx, state, cardId, round);
      if (held.votes.size === 0) throw new ExtensionRefusal('nobody has voted yet');
      revealRound(ctx.doc, ctx.editorFor(peer), cardId, round, Object.fromEntries(held.votes));
      state.rounds.delete(cardId);
      return { type: 'revealed', cardId, round };
    }
    case 'accept': {
      facilitatorOnly(peer, 'accept an estimate');
      const cardId = cardIdOf(ctx, request);
      const round = roundOf(request);
      const r = readRound(ctx.doc, cardId);
      if (!r || r.round !== round || r.state !== 'revealed') throw new ExtensionRefusal('only a revealed round can be accepted');
      if (typeof request.value !== 'number' || !inDeck(r.deck, request.value)) throw new ExtensionRefusal('the agreed estimate must be a number from the deck');
      if (!acceptRound(ctx.doc, ctx.editorFor(peer), cardId, round, request.value)) throw new ExtensionRefusal('the estimate could not be written to the card');
      return { type: 'accepted', cardId, round, value: request.value };
    }
    case 'cancel': {
      facilitatorOnly(peer, 'cancel a round');
      const cardId = cardIdOf(ctx, request);
      const round = roundOf(request);
      const r = readRound(ctx.doc, cardId);
      if (!r || r.round !== round || r.state === 'closed') throw new ExtensionRefusal('that round is not open');
      // A round still voting is closed with its votes dropped unseen: cancelling never reveals.
      state.rounds.delete(cardId);
      closeRound(ctx.doc, ctx.editorFor(peer), cardId, round, 'cancelled');
      return { type: 'cancelled', cardId, round };
    }
    case 'mine': {
      if (!isId(request.cardId)) throw new ExtensionRefusal('a card id is needed');
      const cardId = request.cardId;
      const r = readRound(ctx.doc, cardId);
      if (!r) return { type: 'mine', cardId, round: null, value: null, expired: false };
      const held = state.rounds.get(cardId);
      const value = r.state === 'voting' && held?.round === r.round ? (held.votes.get(peer.userId) ?? null) : r.state !== 'voting' ? (r.votes[peer.userId] ?? null) : null;
      const expired = (r.state === 'closed' && r.outcome === 'expired') || (r.state === 'voting' && held?.round !== r.round);
      return { type: 'mine', cardId, round: r.round, value, expired };
    }
    default:
      throw new ExtensionRefusal(`unknown poker request "${request.type}"`);
  }
}

export const pokerExtension: RoomExtension = {
  name: POKER_EXTENSION,
  kinds: ['plan'],
  shared: pokerShared,
  onMessage(ctx, peer, payload) {
    const state = pokerState(ctx);
    let request: Request | null = null;
    try {
      request = readRequest(payload);
      // The first request after the room (re)loaded: every round still voting lost its votes.
      // (Per server: after a restart or reload this server's first look covers every round.)
      if (!state.swept) {
        ctx.state.set('poker.swept', true);
        expireLost(ctx, peer, state);
      } else if (isId(request.cardId)) expireLost(ctx, peer, state, request.cardId);
      const reply = handle(ctx, peer, request, state);
      ctx.reply(peer, request.req === undefined ? reply : { ...reply, req: request.req });
    } catch (err) {
      if (!(err instanceof ExtensionRefusal)) throw err;
      ctx.reply(peer, {
        type: 'error',
        ...(request?.req !== undefined ? { req: request.req } : {}),
        request: request?.type ?? null,
        ...(request && isId(request.cardId) ? { cardId: request.cardId } : {}),
        error: err.message
      });
    }
  }
};
