/**
 * Board moves under concurrency, on Y.Doc replicas synced by hand (and a seeded random schedule):
 * a card is always in exactly one place, a deleted card never comes back, and closing a sprint
 * while others edit converges with every move kept in the logs.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards, moveCard, moveCardsToSprint, placeCard } from '../../shared/doc/cards.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addSprint, closeSprint, sprints, startSprintNow } from '../../shared/doc/sprints.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { compareRank, rankBetween } from '../../shared/rank.ts';
import { createPrng } from '../../shared/prng.ts';

function editor(actor: string, start = 1_700_000_000_000): Editor {
  let t = start;
  return createEditor(actor, 'user', () => (t += 1000));
}

function replicas(n: number): Y.Doc[] {
  const base = new Y.Doc();
  base.clientID = 1;
  createPlan(base, editor('server'), { name: 'Concurrent board' });
  return Array.from({ length: n }, (_, i) => {
    const r = new Y.Doc();
    r.clientID = 10 + i;
    Y.applyUpdate(r, Y.encodeStateAsUpdate(base));
    return r;
  });
}

function sync(...docs: Y.Doc[]) {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

/** Where each card is, by column: the card appears exactly once across all columns. */
function places(doc: Y.Doc) {
  return cards
    .list(doc)
    .sort(compareRank)
    .map((c) => ({ id: c.id, status: c.status, sprint: c.sprint, rank: c.rank, assignee: c.assignee }));
}

const mulberry32 = createPrng;

describe('concurrent moves', () => {
  it('two replicas moving the same card at once: it ends in exactly one place, both moves in its history', () => {
    const [a, b] = replicas(2);
    const ana = editor('ana');
    const bo = editor('bo');
    addCard(a, ana, { title: 'Rack GPUs', status: 'todo', rank: 'i', assignee: 'm-ana' }, 'C1');
    addCard(a, ana, { title: 'Other', status: 'todo', rank: 'r' }, 'C2');
    sync(a, b);
    // Ana drags it to In progress in Bo's lane; Bo drags it to Review at the top of his lane.
    placeCard(a, ana, 'C1', { status: 'doing', rank: rankBetween('r', null), assignee: 'm-bo' });
    placeCard(b, bo, 'C1', { status: 'review', rank: rankBetween(null, 'i'), assignee: 'm-cy' });
    sync(a, b);
    expect(places(a)).toEqual(places(b));
    const card = cards.get(a, 'C1')!;
    expect(['doing', 'review']).toContain(card.status);
    expect(cards.list(a).filter((c) => c.id === 'C1')).toHaveLength(1);
    expect(card.history.map((h) => h.to).sort()).toEqual(['doing', 'review', 'todo']);
    expect(snapshot(a)).toEqual(snapshot(b));
  });

  it('two replicas moving the same card to different sprints: one sprint wins, both moves are logged', () => {
    const [a, b] = replicas(2);
    const ana = editor('ana');
    const bo = editor('bo');
    addCard(a, ana, { title: 'x', status: 'todo', rank: 'i' }, 'C1');
    sync(a, b);
    moveCardsToSprint(a, ana, ['C1'], 's1');
    moveCard(b, bo, 'C1', { sprint: 's2' });
    sync(a, b);
    const ca = cards.get(a, 'C1')!;
    expect(ca).toEqual(cards.get(b, 'C1'));
    expect(['s1', 's2']).toContain(ca.sprint);
    expect(ca.sprintHistory!.map((h) => h.to).sort()).toEqual(['s1', 's2']);
  });

  it('a card deleted while another replica moves and edits it does not come back', () => {
    const [a, b] = replicas(2);
    const ana = editor('ana');
    const bo = editor('bo');
    addCard(a, ana, { title: 'Doomed', status: 'todo', rank: 'i' }, 'C1');
    sync(a, b);
    cards.remove(a, ana, 'C1');
    placeCard(b, bo, 'C1', { status: 'doing', rank: 'k', assignee: 'm-bo' });
    cards.update(b, bo, 'C1', { title: 'Renamed while deleted' });
    moveCardsToSprint(b, bo, ['C1'], 's1');
    sync(a, b);
    expect(cards.get(a, 'C1')).toBeNull();
    expect(cards.get(b, 'C1')).toBeNull();
    // And after more traffic, still gone.
    addCard(b, bo, { title: 'Another', status: 'todo', rank: 'm' }, 'C2');
    sync(a, b);
    expect(cards.list(a).map((c) => c.id)).toEqual(['C2']);
    expect(snapshot(a)).toEqual(snapshot(b));
  });

  it('closeSprint while others edit: converges, unfinished cards moved once, late arrivals stay behind', () => {
    const [a, b, c] = replicas(3);
    const lead = editor('lead');
    const bo = editor('bo');
    const cy = editor('cy');
    const s1 = addSprint(a, lead, { name: 'S1', goal: '', start: '2026-01-05', end: '2026-01-16' });
    const s2 = addSprint(a, lead, { name: 'S2', goal: '', start: '2026-01-19', end: '2026-01-30' });
    if (!s1.ok || !s2.ok) throw new Error('sprints');
    addCard(a, lead, { title: 'unfinished', status: 'doing', rank: 'a', sprint: s1.id }, 'U');
    addCard(a, lead, { title: 'finishing', status: 'review', rank: 'b', sprint: s1.id }, 'F');
    addCard(a, lead, { title: 'late', status: 'todo', rank: 'c' }, 'L');
    startSprintNow(a, lead, s1.id);
    sync(a, b, c);

    // Lead closes S1 into S2; at the same moment Bo finishes F and renames U, Cy pulls L into S1.
    const closed = closeSprint(a, lead, s1.id, { moveUnfinishedTo: s2.id });
    expect(closed).toEqual({ ok: true, moved: ['F', 'U'] });
    moveCard(b, bo, 'F', { status: 'done' });
    cards.update(b, bo, 'U', { title: 'unfinished, renamed' });
    moveCard(c, cy, 'L', { sprint: s1.id });
    sync(a, b, c);

    for (const r of [b, c]) expect(snapshot(r)).toEqual(snapshot(a));
    const byId = Object.fromEntries(cards.list(a).map((x) => [x.id, x]));
    expect(sprints.get(a, s1.id)!.state).toBe('closed');
    expect(byId.U).toMatchObject({ sprint: s2.id, title: 'unfinished, renamed', status: 'doing' });
    // F was moved by the close (it was unfinished when the lead closed) and finished by Bo: both kept.
    expect(byId.F).toMatchObject({ sprint: s2.id, status: 'done' });
    expect(byId.F.sprintHistory).toEqual([expect.objectContaining({ from: s1.id, to: s2.id, actor: 'lead' })]);
    // L arrived concurrently: it stays in the closed sprint, its move logged, for the backlog view to show.
    expect(byId.L.sprint).toBe(s1.id);
    expect(byId.L.sprintHistory).toEqual([expect.objectContaining({ from: null, to: s1.id, actor: 'cy' })]);
  });

  it('two leads closing the same sprint concurrently into different places: each card ends in one place', () => {
    const [a, b] = replicas(2);
    const lead = editor('lead');
    const deputy = editor('deputy');
    const s1 = addSprint(a, lead, { name: 'S1', goal: '', start: '2026-01-05', end: '2026-01-16' });
    const s2 = addSprint(a, lead, { name: 'S2', goal: '', start: '2026-01-19', end: '2026-01-30' });
    if (!s1.ok || !s2.ok) throw new Error('sprints');
    for (let i = 0; i < 5; i++) addCard(a, lead, { title: `c${i}`, status: 'todo', rank: `a${i}`, sprint: s1.id }, `C${i}`);
    startSprintNow(a, lead, s1.id);
    sync(a, b);
    closeSprint(a, lead, s1.id, { moveUnfinishedTo: s2.id });
    closeSprint(b, deputy, s1.id, { moveUnfinishedTo: null });
    sync(a, b);
    expect(snapshot(a)).toEqual(snapshot(b));
    for (const card of cards.list(a)) {
      expect([s2.id, null]).toContain(card.sprint);
      expect(card.sprintHistory).toHaveLength(2);
    }
  });

  it('seeded random board moves on 3 replicas with random sync: converge, every card exactly once', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const random = mulberry32(seed);
      const docs = replicas(3);
      const eds = ['ana', 'bo', 'cy'].map((n) => editor(n));
      const ids = Array.from({ length: 12 }, (_, i) => `C${i}`);
      ids.forEach((id, i) => addCard(docs[0], eds[0], { title: id, status: 'todo', rank: `m${i}` }, id));
      sync(...docs);
      const columns = ['todo', 'doing', 'review', 'done'];
      const lanes = [null, 'm-ana', 'm-bo'];
      for (let step = 0; step < 300; step++) {
        const r = Math.floor(random() * 3);
        const doc = docs[r];
        const id = ids[Math.floor(random() * ids.length)];
        const op = random();
        if (op < 0.6) {
          const list = cards.list(doc).sort(compareRank);
          const at = Math.floor(random() * (list.length + 1));
          placeCard(doc, eds[r], id, {
            status: columns[Math.floor(random() * columns.length)],
            rank: rankBetween(list[at - 1]?.rank ?? null, list[at]?.rank ?? null),
            assignee: lanes[Math.floor(random() * lanes.length)]
          });
        } else if (op < 0.8) moveCardsToSprint(doc, eds[r], [id], random() < 0.5 ? null : 's1');
        else if (op < 0.85) cards.remove(doc, eds[r], id);
        else cards.update(doc, eds[r], id, { title: `${id} v${step}` });
        if (random() < 0.3) {
          const x = Math.floor(random() * 3);
          const y = (x + 1 + Math.floor(random() * 2)) % 3;
          sync(docs[x], docs[y]);
        }
      }
      sync(...docs);
      const snap = snapshot(docs[0]);
      for (const d of docs.slice(1)) expect(snapshot(d), `seed ${seed}`).toEqual(snap);
      const seen = snap.cards.map((c) => c.id);
      expect(new Set(seen).size, `seed ${seed}`).toBe(seen.length);
      for (const d of docs) d.destroy();
    }
  });
});
