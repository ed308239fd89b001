/**
 * The poker extension's rules against an in-memory room context (no sockets): who may do what,
 * what reaches the document (who voted, never what, until the reveal), replies only to the asker,
 * and rounds whose votes were lost with the server's memory closing as expired.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ExtensionContext, PeerInfo } from '../../server/extensions/extension.ts';
import { pokerExtension } from '../../server/extensions/poker.ts';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { readHistory, readRound } from '../../shared/doc/poker.ts';
import type { Role } from '../../shared/protocol.ts';
import { PLAN_ROOT } from '../../shared/schema.ts';

type Sent = { to: string; payload: Record<string, unknown> };

function context(doc: Y.Doc, sent: Sent[]): ExtensionContext {
  return {
    room: 'plan',
    kind: 'plan',
    doc,
    now: Date.now,
    notify: () => {},
    editorFor: (peer) => createEditor(peer.userId, 'server'),
    state: new Map(),
    reply: (peer, payload) => sent.push({ to: peer.id, payload: payload as Record<string, unknown> }),
    peers: () => [],
    withRoom: () => Promise.reject(new Error('not here'))
  } as ExtensionContext;
}

const peer = (name: string, role: Role): PeerInfo => ({ id: `conn-${name}`, userId: `u-${name.toLowerCase()}`, name, role, private: true });

const fay = peer('Fay', 'facilitator');
const ada = peer('Ada', 'admin');
const ana = peer('Ana', 'editor');
const ben = peer('Ben', 'editor');
const vic = peer('Vic', 'viewer');

describe('poker extension', () => {
  let doc: Y.Doc;
  let cardId: string;
  let sent: Sent[];
  let ctx: ExtensionContext;
  const send = (from: PeerInfo, payload: unknown) => {
    pokerExtension.onMessage(ctx, from, payload);
    return sent.at(-1)!;
  };

  beforeEach(() => {
    doc = new Y.Doc();
    createPlan(doc, createEditor('seed', 'seed'), { name: 'Poker' });
    cardId = addCard(doc, createEditor('u-ana'), { title: 'Rack GPUs', status: 'todo', rank: 'i' });
    sent = [];
    ctx = context(doc, sent);
  });

  it('a whole round: open, votes, reveal, accept', () => {
    expect(send(fay, { type: 'open', cardId, req: 'r1' })).toEqual({ to: 'conn-Fay', payload: { type: 'opened', cardId, round: 1, req: 'r1' } });
    expect(send(ana, { type: 'vote', cardId, round: 1, value: 5 })).toEqual({ to: 'conn-Ana', payload: { type: 'voted', cardId, round: 1, value: 5 } });
    expect(send(ben, { type: 'vote', cardId, round: 1, value: 13, name: '  Benjamin  ' }).payload).toMatchObject({ value: 13 });
    // A name in the message is ignored: the session's name is shown (nobody votes as someone else).
    expect(readRound(doc, cardId)!.names['u-ben']).toBe('Ben');
    expect(send(ben, { type: 'vote', cardId, round: 1, value: 8 }).payload).toMatchObject({ value: 8 }); // re-vote replaces
    expect(send(fay, { type: 'vote', cardId, round: 1, value: 3 }).payload).toMatchObject({ value: 3 });

    const voting = readRound(doc, cardId)!;
    expect(voting.voters).toEqual(['u-ana', 'u-ben', 'u-fay']);
    expect(voting.names['u-ben']).toBe('Ben');
    // The document holds who, never what.
    const json = JSON.stringify(doc.getMap(PLAN_ROOT.poker).toJSON());
    expect(json).toContain('"votes":{}');
    expect(Y.encodeStateAsUpdate(doc).length).toBeGreaterThan(0);

    // My own vote back (after a reload), to me only.
    expect(send(ben, { type: 'mine', cardId })).toEqual({ to: 'conn-Ben', payload: { type: 'mine', cardId, round: 1, value: 8, expired: false } });

    expect(send(fay, { type: 'reveal', cardId, round: 1 }).payload).toMatchObject({ type: 'revealed' });
    expect(readRound(doc, cardId)).toMatchObject({ state: 'revealed', votes: { 'u-ana': 5, 'u-ben': 8, 'u-fay': 3 } });
    expect(send(ana, { type: 'vote', cardId, round: 1, value: 1 }).payload).toMatchObject({ type: 'error', error: 'voting in that round has ended' });

    expect(send(fay, { type: 'accept', cardId, round: 1, value: 4 }).payload).toMatchObject({ type: 'error', request: 'accept' });
    expect(send(fay, { type: 'accept', cardId, round: 1, value: '?' }).payload).toMatchObject({ type: 'error' });
    expect(send(fay, { type: 'accept', cardId, round: 1, value: 8 }).payload).toEqual({ type: 'accepted', cardId, round: 1, value: 8 });
    expect(cards.get(doc, cardId)!.points).toBe(8);
    expect(cards.get(doc, cardId)!.estimates.at(-1)).toMatchObject({ to: 8, actor: 'u-fay' });
    expect(readHistory(doc, cardId)).toMatchObject([{ round: 1, agreed: 8, outcome: 'accepted' }]);
    // Every reply went to the one who asked.
    for (const s of sent) expect(['conn-Fay', 'conn-Ana', 'conn-Ben']).toContain(s.to);
    expect(sent.filter((s) => s.payload.value === 13).map((s) => s.to)).toEqual(['conn-Ben']);
  });

  it('roles: editors may not run a round, viewers may not vote', () => {
    for (const type of ['open', 'reveal', 'accept', 'cancel']) {
      expect(send(ana, { type, cardId, round: 1, value: 5 }).payload).toMatchObject({ type: 'error', request: type, error: expect.stringMatching(/^only a facilitator or admin/) });
    }
    expect(send(ada, { type: 'open', cardId }).payload).toMatchObject({ type: 'opened' });
    expect(send(vic, { type: 'vote', cardId, round: 1, value: 5 }).payload).toMatchObject({ type: 'error', error: 'a view-only link cannot vote' });
    expect(readRound(doc, cardId)!.voters).toEqual([]);
    expect(send(vic, { type: 'mine', cardId }).payload).toMatchObject({ type: 'mine', value: null });
  });

  it('refuses values outside the deck, stale rounds, missing cards and garbage', () => {
    send(fay, { type: 'open', cardId, deck: [1, 2, 3] });
    for (const value of [5, '5', 2.5, true, {}, [], 'XL']) {
      expect(send(ana, { type: 'vote', cardId, round: 1, value }).payload, JSON.stringify(value)).toMatchObject({ type: 'error' });
    }
    expect(send(ana, { type: 'vote', cardId, round: 2, value: 1 }).payload).toMatchObject({ type: 'error' });
    expect(send(ana, { type: 'vote', cardId: 'nope', round: 1, value: 1 }).payload).toMatchObject({ type: 'error', error: 'that card does not exist (any more)' });
    expect(send(fay, { type: 'open', cardId }).payload).toMatchObject({ type: 'error', error: expect.stringContaining('already open') });
    expect(send(fay, { type: 'open', cardId: 'other-card', deck: 'nope' }).payload).toMatchObject({ type: 'error' });
    expect(send(fay, { type: 'reveal', cardId, round: 1 }).payload).toMatchObject({ type: 'error', error: 'nobody has voted yet' });
    for (const garbage of [null, 5, 'vote', [], { type: 7 }, { type: 'explode', cardId }]) {
      expect(send(ana, garbage).payload).toMatchObject({ type: 'error' });
    }
    expect(readRound(doc, cardId)!.voters).toEqual([]);
  });

  it('a facilitator who opted out cannot vote; a vote can be taken back', () => {
    send(fay, { type: 'open', cardId, facilitatorVotes: false });
    expect(send(fay, { type: 'vote', cardId, round: 1, value: 5 }).payload).toMatchObject({ error: 'you opted out of voting in this round' });
    send(ana, { type: 'vote', cardId, round: 1, value: 5 });
    expect(readRound(doc, cardId)!.voters).toEqual(['u-ana']);
    expect(send(ana, { type: 'vote', cardId, round: 1, value: null }).payload).toMatchObject({ type: 'voted', value: null });
    expect(readRound(doc, cardId)!.voters).toEqual([]);
    expect(send(ana, { type: 'mine', cardId }).payload).toMatchObject({ value: null });
  });

  it('cancelling a voting round drops the votes unseen', () => {
    send(fay, { type: 'open', cardId });
    send(ana, { type: 'vote', cardId, round: 1, value: 21 });
    expect(send(fay, { type: 'cancel', cardId, round: 1 }).payload).toMatchObject({ type: 'cancelled' });
    expect(readRound(doc, cardId)).toMatchObject({ state: 'closed', outcome: 'cancelled', votes: {} });
    expect(readHistory(doc, cardId)).toEqual([]);
    expect(JSON.stringify(doc.toJSON())).not.toMatch(/"u-ana":21/);
  });

  it('votes lost with the memory (new context: room reloaded, server restarted): the round expires', () => {
    send(fay, { type: 'open', cardId });
    send(ana, { type: 'vote', cardId, round: 1, value: 8 });
    // Same document (it is durable), fresh per-room state (it is not).
    ctx = context(doc, sent);
    expect(send(ana, { type: 'mine', cardId }).payload).toEqual({ type: 'mine', cardId, round: 1, value: null, expired: true });
    expect(readRound(doc, cardId)).toMatchObject({ state: 'closed', outcome: 'expired' });
    expect(send(ana, { type: 'vote', cardId, round: 1, value: 8 }).payload).toMatchObject({ type: 'error', error: expect.stringMatching(/^round expired/) });
    // A new round works as usual.
    expect(send(fay, { type: 'open', cardId }).payload).toMatchObject({ type: 'opened', round: 2 });
    expect(send(ana, { type: 'vote', cardId, round: 2, value: 8 }).payload).toMatchObject({ type: 'voted' });
  });

  it('the first request after a reload expires every lost round, not only the asked card', () => {
    const other = addCard(doc, createEditor('u-ana'), { title: 'Cable', status: 'todo', rank: 'j' });
    send(fay, { type: 'open', cardId });
    send(fay, { type: 'open', cardId: other });
    ctx = context(doc, sent);
    send(ben, { type: 'mine', cardId: other });
    expect(readRound(doc, cardId)).toMatchObject({ outcome: 'expired' });
    expect(readRound(doc, other)).toMatchObject({ outcome: 'expired' });
  });
});
