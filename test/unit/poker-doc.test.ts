/**
 * The poker root's readers (validated: a document is never trusted, whatever ROOT_WRITERS says)
 * and the server-side writers: a round's life, its history, and the estimate written to the card.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import {
  acceptRound,
  addVoter,
  closeRound,
  decodeHistoryEntry,
  decodeRound,
  openRound,
  readHistory,
  readRound,
  readRounds,
  removeVoter,
  revealRound
} from '../../shared/doc/poker.ts';
import { cleanDeck, DECKS } from '../../shared/poker.ts';
import { PLAN_ROOT } from '../../shared/schema.ts';

function clock(actor: string, start = 1_700_000_000_000): Editor {
  let t = start;
  return createEditor(actor, 'server', () => (t += 1000));
}

function setup() {
  const doc = new Y.Doc();
  createPlan(doc, createEditor('seed', 'seed'), { name: 'Poker plan' });
  const cardId = addCard(doc, createEditor('ana'), { title: 'Rack GPUs', status: 'todo', rank: 'i' });
  return { doc, cardId, fay: clock('u-fay') };
}

const fib = [...DECKS.fibonacci.cards];

describe('poker root readers', () => {
  it('garbage entries read as nothing, never throw', () => {
    const doc = new Y.Doc();
    const root = doc.getMap<unknown>(PLAN_ROOT.poker);
    root.set('plain', { round: 1, state: 'voting' }); // not a Y.Map
    root.set('number', 42);
    const noRound = new Y.Map<unknown>();
    root.set('no-round', noRound);
    noRound.set('state', 'voting');
    const negative = new Y.Map<unknown>();
    root.set('negative', negative);
    negative.set('round', -3);
    expect(readRounds(doc)).toEqual([]);
    expect(readRound(doc, 'plain')).toBeNull();
    expect(readRound(doc, 'missing')).toBeNull();
    expect(readHistory(doc, 'number')).toEqual([]);
    expect(readHistory(doc, 'no-round')).toEqual([]);
  });

  it('every field falls back to a safe value', () => {
    const r = decodeRound('c1', {
      round: 2.6,
      state: 'hacked',
      deck: 'fibonacci',
      openedBy: 7,
      openedByName: { x: 1 },
      openedAt: 'yesterday',
      facilitatorVotes: 'no',
      voters: ['a', 'a', 5, 'b', null],
      names: { a: '  Ana  ', b: 42, zed: 'Not a voter' },
      votes: { a: 5, b: 'XL', c: 4, d: '?' },
      agreed: 'lots',
      revealedAt: -5,
      closedAt: NaN,
      outcome: 'exploded'
    })!;
    expect(r).toMatchObject({
      cardId: 'c1',
      round: 3,
      state: 'closed',
      deck: fib,
      openedBy: 'unknown',
      openedByName: '',
      openedAt: 0,
      facilitatorVotes: true,
      agreed: null,
      revealedAt: 0,
      closedAt: null,
      outcome: 'cancelled'
    });
    // Only votes that are cards of the deck; voters are unique strings plus everyone who has a vote.
    expect(r.votes).toEqual({ a: 5, d: '?' });
    expect(r.voters).toEqual(['a', 'b', 'd']);
    expect(r.names).toEqual({ a: 'Ana' });
    expect(decodeRound('c1', {})).toBeNull();
    expect(decodeRound('c1', { round: '1' })).toBeNull();
    expect(decodeRound('c1', { round: 1, deck: [1, 2], state: 'voting', voters: 'abc' })).toMatchObject({ deck: [1, 2], voters: [], names: {} });
  });

  it('a round that is voting never reads with votes, whatever the document holds', () => {
    const r = decodeRound('c1', { round: 1, state: 'voting', votes: { a: 5 }, voters: ['a'], agreed: 8, closedAt: 5, outcome: 'accepted' })!;
    expect(r.votes).toEqual({});
    expect(r.agreed).toBeNull();
    expect(r.closedAt).toBeNull();
    expect(r.outcome).toBeNull();
  });

  it('history entries are validated one by one', () => {
    expect(decodeHistoryEntry({ round: 0 })).toBeNull();
    expect(decodeHistoryEntry({ round: 'one' })).toBeNull();
    expect(decodeHistoryEntry({ round: 1, votes: [5], names: 'x', outcome: 'odd', agreed: Infinity })).toMatchObject({
      round: 1,
      votes: {},
      names: {},
      outcome: 'cancelled',
      agreed: null
    });
    const doc = new Y.Doc();
    const entry = new Y.Map<unknown>();
    doc.getMap(PLAN_ROOT.poker).set('c1', entry);
    entry.set('round', 1);
    const history = new Y.Array<unknown>();
    entry.set('history', history);
    history.push([null, 'text', [1], { round: 1, votes: { a: 3 }, names: { a: 'Ana' }, agreed: 3, outcome: 'accepted' }, { round: -1 }]);
    expect(readHistory(doc, 'c1')).toMatchObject([{ round: 1, votes: { a: 3 }, names: { a: 'Ana' }, agreed: 3, outcome: 'accepted' }]);
  });

  it('very long or many values are cut', () => {
    const voters = Array.from({ length: 900 }, (_, i) => `u${i}`);
    const r = decodeRound('c1', { round: 1, state: 'voting', voters, names: { u1: 'x'.repeat(500) } })!;
    expect(r.voters.length).toBeLessThanOrEqual(500);
    expect(r.names.u1.length).toBe(60);
  });
});

describe('poker root writers (server side)', () => {
  it('open → voters (who, not what) → reveal → accept writes the estimate and the history', () => {
    const { doc, cardId, fay } = setup();
    expect(openRound(doc, fay, cardId, { deck: fib, facilitatorVotes: false, openerName: 'Fay' })).toBe(1);
    // A second open while voting is refused.
    expect(openRound(doc, fay, cardId, { deck: fib, facilitatorVotes: true, openerName: 'Fay' })).toBeNull();
    expect(readRound(doc, cardId)).toMatchObject({ round: 1, state: 'voting', openedBy: 'u-fay', openedByName: 'Fay', facilitatorVotes: false, voters: [], votes: {} });

    expect(addVoter(doc, fay, cardId, 1, 'u-ana', 'Ana')).toBe(true);
    expect(addVoter(doc, fay, cardId, 1, 'u-ben', 'Ben')).toBe(true);
    expect(addVoter(doc, fay, cardId, 1, 'u-ana', 'Ana')).toBe(true); // again: no change
    expect(addVoter(doc, fay, cardId, 2, 'u-cy', 'Cy')).toBe(false); // wrong round
    expect(removeVoter(doc, fay, cardId, 1, 'u-ben')).toBe(true);
    expect(addVoter(doc, fay, cardId, 1, 'u-ben', 'Ben B')).toBe(true);
    const voting = readRound(doc, cardId)!;
    expect(voting.voters).toEqual(['u-ana', 'u-ben']);
    expect(voting.names).toEqual({ 'u-ana': 'Ana', 'u-ben': 'Ben B' });
    // Nothing of any value is in the document: only who.
    expect(JSON.stringify(doc.getMap(PLAN_ROOT.poker).toJSON())).not.toMatch(/"votes":\{"/);

    expect(revealRound(doc, fay, cardId, 1, { 'u-ana': 5, 'u-ben': 8 })).toBe(true);
    expect(revealRound(doc, fay, cardId, 1, { 'u-ana': 1 })).toBe(false); // only once
    expect(readRound(doc, cardId)).toMatchObject({ state: 'revealed', votes: { 'u-ana': 5, 'u-ben': 8 } });

    expect(acceptRound(doc, fay, cardId, 2, 8)).toBe(false); // wrong round
    expect(acceptRound(doc, fay, cardId, 1, 8)).toBe(true);
    expect(readRound(doc, cardId)).toMatchObject({ state: 'closed', outcome: 'accepted', agreed: 8 });
    const card = cards.get(doc, cardId)!;
    expect(card.points).toBe(8);
    expect(card.estimates.at(-1)).toMatchObject({ from: null, to: 8, actor: 'u-fay' });
    expect(readHistory(doc, cardId)).toMatchObject([{ round: 1, outcome: 'accepted', agreed: 8, votes: { 'u-ana': 5, 'u-ben': 8 }, names: { 'u-ana': 'Ana', 'u-ben': 'Ben B' }, closedBy: 'u-fay' }]);
  });

  it('accepting changes the card and the round in one transaction', () => {
    const { doc, cardId, fay } = setup();
    openRound(doc, fay, cardId, { deck: fib, facilitatorVotes: true, openerName: 'Fay' });
    revealRound(doc, fay, cardId, 1, { 'u-ana': 3 });
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    acceptRound(doc, fay, cardId, 1, 3);
    expect(transactions).toBe(1);
  });

  it('re-voting after a reveal keeps the revealed round in the history; cancelling a vote leaves no values', () => {
    const { doc, cardId, fay } = setup();
    openRound(doc, fay, cardId, { deck: fib, facilitatorVotes: true, openerName: 'Fay' });
    addVoter(doc, fay, cardId, 1, 'u-ana', 'Ana');
    revealRound(doc, fay, cardId, 1, { 'u-ana': 21 });
    expect(openRound(doc, fay, cardId, { deck: cleanDeck('powers')!, facilitatorVotes: true, openerName: 'Fay' })).toBe(2);
    expect(readRound(doc, cardId)).toMatchObject({ round: 2, state: 'voting', voters: [], votes: {}, deck: cleanDeck('powers') });
    expect(readHistory(doc, cardId)).toMatchObject([{ round: 1, outcome: 'revoted', agreed: null, votes: { 'u-ana': 21 } }]);

    addVoter(doc, fay, cardId, 2, 'u-ana', 'Ana');
    expect(closeRound(doc, fay, cardId, 2, 'cancelled')).toBe(true);
    expect(closeRound(doc, fay, cardId, 2, 'cancelled')).toBe(false);
    expect(readRound(doc, cardId)).toMatchObject({ round: 2, state: 'closed', outcome: 'cancelled', votes: {} });
    expect(readHistory(doc, cardId)).toHaveLength(1);
    expect(cards.get(doc, cardId)!.points).toBeNull();

    expect(openRound(doc, fay, cardId, { deck: fib, facilitatorVotes: true, openerName: 'Fay' })).toBe(3);
    expect(closeRound(doc, fay, cardId, 3, 'expired')).toBe(true);
    expect(readRound(doc, cardId)).toMatchObject({ round: 3, outcome: 'expired' });
  });

  it('a replica that receives the updates reads the same rounds', () => {
    const { doc, cardId, fay } = setup();
    openRound(doc, fay, cardId, { deck: fib, facilitatorVotes: true, openerName: 'Fay' });
    addVoter(doc, fay, cardId, 1, 'u-ben', 'Ben');
    addVoter(doc, fay, cardId, 1, 'u-ana', 'Ana');
    revealRound(doc, fay, cardId, 1, { 'u-ben': '?', 'u-ana': 2 });
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    expect(readRound(replica, cardId)).toEqual(readRound(doc, cardId));
    expect(readRounds(replica)).toEqual(readRounds(doc));
  });
});
