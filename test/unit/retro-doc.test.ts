/** The retro document's accessors and readers (shared/doc/retro.ts), topics, and the stand-up state. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { addAction, addGroup, createRetro, placeCard, readRetro, readSession, removeGroup, retroCards, writeSession, writeVotes } from '../../shared/doc/retro.ts';
import { nextSpeaker, park, parking, readStandup, startStandup } from '../../shared/doc/standup.ts';
import { RETRO_ROOT } from '../../shared/schema.ts';
import { findTemplate } from '../../shared/retro/templates.ts';
import { buildTopics, discussionOrder, inBreakout } from '../../shared/retro/topics.ts';

const server = createEditor('server', 'server', () => 1_000);
const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

function newRetro(): Y.Doc {
  const doc = new Y.Doc();
  createRetro(doc, server, { plan: 'p', title: 'Retro', template: '4ls', columns: findTemplate('4ls')!.columns, anonymous: true, sprint: null, previous: null, review: [] });
  return doc;
}

describe('retro document', () => {
  it('is created once with its columns and first phase; a second create is refused', () => {
    const doc = newRetro();
    const r = readRetro(doc);
    expect(r.meta).toMatchObject({ kind: 'retro', plan: 'p', anonymous: true, template: '4ls' });
    expect(r.columns.map((c) => c.id)).toEqual(['liked', 'learned', 'lacked', 'longed']);
    expect(r.session).toMatchObject({ phase: 'review', voteBudget: 5, lateWriting: false, timer: null, focus: null, breakouts: null });
    expect(() => createRetro(doc, server, { plan: 'p', title: 'x', template: 'x', columns: [], anonymous: false, sprint: null, previous: null, review: [] })).toThrow();
  });

  it('readers never trust a value: garbage reads as defaults', () => {
    const doc = newRetro();
    doc.transact(() => {
      const s = doc.getMap(RETRO_ROOT.session);
      s.set('phase', 'party');
      s.set('voteBudget', 999);
      s.set('timer', { startedAt: 'x' });
      s.set('breakouts', { count: 50 });
      doc.getMap(RETRO_ROOT.votes).set('t', { total: -4 });
      doc.getMap(RETRO_ROOT.votes).set('u', 'nope');
      doc.getMap(RETRO_ROOT.placements).set('c', 42);
      doc.getMap(RETRO_ROOT.cards).set('empty', new Y.Map());
    });
    const r = readRetro(doc);
    expect(r.session).toMatchObject({ phase: 'review', voteBudget: 20, timer: null, breakouts: null });
    expect(r.votes).toEqual({});
    expect(r.placements).toEqual({});
    expect(r.cards).toEqual([]);
  });

  it('a card dragged into two groups at once ends in exactly one, on every replica', () => {
    const a = newRetro();
    const b = new Y.Doc();
    sync(a, b);
    const card = retroCards.add(a, server, { column: 'liked', text: 'Pairing', rank: 'i' });
    sync(a, b);
    const g1 = addGroup(a, createEditor('ana'), { title: 'People', column: 'liked', breakout: null });
    const g2 = addGroup(b, createEditor('bo'), { title: 'Process', column: 'liked', breakout: null });
    sync(a, b);
    placeCard(a, createEditor('ana'), card, g1);
    placeCard(b, createEditor('bo'), card, g2);
    sync(a, b);
    expect(readRetro(a).placements).toEqual(readRetro(b).placements);
    expect([g1, g2]).toContain(readRetro(a).placements[card]);
    // Removing the group a card is in leaves the card ungrouped, not lost.
    removeGroup(a, createEditor('ana'), readRetro(a).placements[card]);
    expect(readRetro(a).placements).toEqual({});
    expect(readRetro(a).cards).toHaveLength(1);
  });

  it('topics: groups with their cards, loose cards alone; discussion order by votes', () => {
    const doc = newRetro();
    const c1 = retroCards.add(doc, server, { column: 'liked', text: 'A', rank: 'a' });
    const c2 = retroCards.add(doc, server, { column: 'lacked', text: 'B', rank: 'b' });
    const c3 = retroCards.add(doc, server, { column: 'liked', text: 'C', rank: 'c' });
    const g = addGroup(doc, createEditor('ana'), { title: 'Stuff', column: 'liked', breakout: 1 }, [c1, c2]);
    const topics = buildTopics(readRetro(doc));
    expect(topics.map((t) => [t.id, t.cardIds])).toEqual([
      [g, [c1, c2]],
      [c3, [c3]]
    ]);
    writeVotes(doc, server, { [c3]: { total: 4 }, [c1]: { total: 1 }, [g]: { total: 2 } });
    expect(discussionOrder(readRetro(doc)).map((t) => [t.id, t.votes])).toEqual([
      [c3, 4],
      [g, 3]
    ]);
    const b = { count: 2, members: {} };
    expect(inBreakout(topics[0], b, 1)).toBe(true);
    expect(inBreakout(topics[0], b, 0)).toBe(false);
    expect(inBreakout(topics[0], null, 0)).toBe(true);
  });

  it('session writes are whole values; actions are appended in order', () => {
    const doc = newRetro();
    writeSession(doc, server, { phase: 'discuss', timer: { startedAt: 5, durationMs: 60_000 }, focus: 'x' });
    expect(readSession(doc)).toMatchObject({ phase: 'discuss', timer: { startedAt: 5, durationMs: 60_000 }, focus: 'x' });
    addAction(doc, createEditor('ana', 'user', () => 7), { text: ' First ', owner: 'Bo', due: '2030-02-30', topic: null });
    addAction(doc, createEditor('ana', 'user', () => 8), { text: 'Second', owner: '', due: '2030-02-28', topic: 'x' });
    expect(readRetro(doc).actions.map((a) => [a.text, a.owner, a.due, a.createdAt])).toEqual([
      ['First', 'Bo', null, 7],
      ['Second', '', '2030-02-28', 8]
    ]);
  });
});

describe('stand-up state', () => {
  it('walks the order, remembers who spoke, and converges when two press "next" at once', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const ed = createEditor('fay', 'user', () => 100);
    startStandup(a, ed, 'person', ['m1', 'm2', 'm3'], 60);
    sync(a, b);
    nextSpeaker(a, ed);
    nextSpeaker(b, createEditor('pia', 'user', () => 101));
    sync(a, b);
    expect(readStandup(a)).toEqual(readStandup(b));
    expect(readStandup(a)).toMatchObject({ active: true, current: 1, spoken: ['m1'] });
    nextSpeaker(a, ed, 0);
    expect(readStandup(a)).toMatchObject({ current: 0, spoken: ['m1', 'm2'] });
    expect(park(a, ed, '  power contract ', 'Fay')).toBeTruthy();
    expect(park(a, ed, '   ', 'Fay')).toBeNull();
    expect(parking.list(a).map((p) => [p.text, p.by, p.done])).toEqual([['power contract', 'Fay', false]]);
  });
});
