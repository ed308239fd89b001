/**
 * Restore from a past moment (shared/doc/restore.ts): deleted items come back under their old id as
 * a new change by the restorer, rich text with its structure, earlier descriptions over live ones.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardDescription, cards } from '../../shared/doc/cards.ts';
import { addDecision, decisions } from '../../shared/doc/decisions.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { createRaidItem, raid, raidText, type RaidFields } from '../../shared/doc/raid.ts';
import { restoreCard, restoreDecision, restoreMilestone, restoreRaidItem, restoreText } from '../../shared/doc/restore.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { milestones, removeMilestone } from '../../shared/doc/timeline.ts';

const T0 = 1_700_000_000_000;
let clock = T0;
const ann = createEditor('u-ann', 'user', () => clock);
const bob = createEditor('u-bob', 'user', () => clock);

function plan(): Y.Doc {
  const doc = new Y.Doc();
  createPlan(doc, createEditor('server', 'server', () => T0), { name: 'Helios' });
  return doc;
}
/** The document as it was now: what GET /at hands the client. */
const rebuilt = (doc: Y.Doc) => {
  const d = new Y.Doc();
  Y.applyUpdate(d, Y.encodeStateAsUpdate(doc));
  return d;
};
/** Rich text as Lexical writes it: a paragraph block (XmlText with attributes) with a Y.Map embed and formatted runs. */
function write(text: Y.XmlText, words: string) {
  const para = new Y.XmlText();
  text.insertEmbed(0, para);
  para.setAttribute('__type', 'paragraph');
  para.insertEmbed(0, new Y.Map([['__type', 'text']]));
  para.insert(1, words, { bold: true });
}
const structure = (t: Y.XmlText | null) => JSON.stringify(t?.toJSON()) + JSON.stringify((t?.toDelta()[0]?.insert as Y.XmlText | undefined)?.toDelta().map((op: any) => (op.insert instanceof Y.Map ? op.insert.toJSON() : op)));

const riskFields: RaidFields = { kind: 'risk', title: 'GPU deliveries slip', owner: null, status: 'open', raised: '2025-01-06', review: null, due: null, likelihood: 4, impact: 2, residualLikelihood: null, residualImpact: null, links: [] };

describe('restore', () => {
  it('brings a deleted card back under its id with its description, as a change by the restorer', () => {
    const live = plan();
    const [first, second] = statuses.list(live);
    const id = addCard(live, ann, { title: 'Kept', status: second.id, rank: 'a0', points: 5, labels: ['x'] });
    write(cardDescription(live, id)!, 'Deep copy');
    const past = rebuilt(live);
    const before = structure(cardDescription(past, id));
    clock += 1000;
    cards.remove(live, ann, id);
    expect(restoreCard(live, bob, past, id)).toBe('restored');
    const back = cards.get(live, id)!;
    expect(back).toMatchObject({ title: 'Kept', status: second.id, points: 5, labels: ['x'], createdBy: 'u-bob', createdAt: T0 + 1000, descriptionText: 'Deep copy' });
    expect(structure(cardDescription(live, id))).toBe(before);
    expect(first.id).not.toBe(second.id);
    expect(restoreCard(live, bob, past, id)).toBe('exists');
    expect(restoreCard(live, bob, past, 'nope')).toBe('missing');
  });

  it('puts a card whose column is gone into the first column, and whose sprint is gone into the backlog', () => {
    const live = plan();
    const cols = statuses.list(live);
    const id = addCard(live, ann, { title: 'Orphan', status: 'no-such-column', rank: 'a0', sprint: 'no-such-sprint' });
    const past = rebuilt(live);
    cards.remove(live, ann, id);
    restoreCard(live, ann, past, id);
    expect(cards.get(live, id)).toMatchObject({ status: cols[0].id, sprint: null });
  });

  it('brings back RAID items with both texts, milestones and decisions', () => {
    const live = plan();
    const r = createRaidItem(live, ann, riskFields);
    write(raidText(live, r, 'response')!, 'Second supplier');
    const m = milestones.add(live, ann, { name: 'Beta', kind: 'milestone', workstream: null, start: '2025-03-01', end: '2025-03-01', baselineStart: null, baselineEnd: null, stage: 'build', owner: null });
    const d = addDecision(live, ann, { title: 'Vendor', date: '2025-01-10', status: 'decided', options: ['A', 'B'] })!;
    const past = rebuilt(live);
    raid.remove(live, ann, r);
    removeMilestone(live, ann, m);
    decisions.remove(live, ann, d);
    expect([restoreRaidItem(live, bob, past, r), restoreMilestone(live, bob, past, m), restoreDecision(live, bob, past, d)]).toEqual(['restored', 'restored', 'restored']);
    expect(raid.get(live, r)).toEqual(raid.get(past, r));
    expect(milestones.get(live, m)).toEqual(milestones.get(past, m));
    expect(decisions.get(live, d)).toEqual(decisions.get(past, d));
  });

  it('puts an earlier description over the live one in place, so open editors stay bound', () => {
    const live = plan();
    const id = addCard(live, ann, { title: 'A', status: statuses.list(live)[0].id, rank: 'a0' });
    const text = cardDescription(live, id)!;
    write(text, 'The first text');
    const past = rebuilt(live);
    text.delete(0, text.length);
    write(text, 'Something else entirely');
    expect(restoreText(live, bob, past, { item: 'card', id })).toBe('restored');
    expect(cardDescription(live, id)).toBe(text);
    expect(cards.get(live, id)!.descriptionText).toBe('The first text');
    expect(structure(text)).toBe(structure(cardDescription(past, id)));
    expect(restoreText(live, bob, past, { item: 'raid', id: 'nope', key: 'description' })).toBe('missing');
  });

  it('travels to other replicas as an ordinary update', () => {
    const live = plan();
    const id = addCard(live, ann, { title: 'Shared', status: statuses.list(live)[0].id, rank: 'a0' });
    write(cardDescription(live, id)!, 'Hello');
    const past = rebuilt(live);
    const peer = rebuilt(live);
    live.on('update', (u: Uint8Array) => Y.applyUpdate(peer, u));
    cards.remove(live, ann, id);
    restoreCard(live, ann, past, id);
    expect(cards.get(peer, id)).toEqual(cards.get(live, id));
    expect(cards.get(peer, id)!.descriptionText).toBe('Hello');
  });
});
