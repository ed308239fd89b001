/**
 * The write policy's three rules (server/sync/write-policy.ts): duplicates, collected content and
 * repeated deletions are not writes; everything else is resolved to its root, in linear time.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { forbiddenRoots, GONE, refusedRoot, rootsTouched, UNKNOWN } from '../../server/sync/write-policy.ts';
import { scanUpdate } from '../../server/sync/update-scan.ts';

const editor = createEditor('u-ana');
const forbidden = forbiddenRoots('plan', 'editor')!;

function serverPlan(): Y.Doc {
  const doc = new Y.Doc();
  createPlan(doc, createEditor('server', 'server'), { name: 'Policy' });
  return doc;
}

/** A client replica of `server` (fully synced). */
function replica(server: Y.Doc): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
  return doc;
}

const check = (server: Y.Doc, update: Uint8Array) => refusedRoot(server, forbidden, scanUpdate(update));

describe('write policy', () => {
  it('refuses a new write to a server-only root', () => {
    const server = serverPlan();
    const client = replica(server);
    const sv = Y.encodeStateVector(server);
    client.getMap('poker').set('x', 1);
    expect(check(server, Y.encodeStateAsUpdate(client, sv))).toBe('poker');
  });

  it('a client re-sending the server-written poker items it received writes nothing', () => {
    const server = serverPlan();
    server.transact(() => {
      const round = new Y.Map<unknown>();
      server.getMap('poker').set('card-1', round);
      round.set('state', 'revealed');
      round.set('votes', { a: 5 });
    });
    const client = replica(server);
    // A stock client with an offline store sends its whole state as an update after connecting.
    addCard(client, editor, { title: 'Mine', status: 'todo', rank: 'a' });
    const whole = Y.encodeStateAsUpdate(client);
    expect(check(server, whole)).toBeNull();
    expect(rootsTouched(server, scanUpdate(whole))).toEqual(new Set(['cards']));
  });

  it('a card created and deleted offline, plus a second card, is allowed and names only cards', () => {
    const server = serverPlan();
    const client = replica(server);
    const sv = Y.encodeStateVector(server);
    const gone = addCard(client, editor, { title: 'Short-lived', status: 'todo', rank: 'a' });
    cards.remove(client, editor, gone);
    addCard(client, editor, { title: 'Kept', status: 'todo', rank: 'b' });
    const update = Y.encodeStateAsUpdate(client, sv);
    const roots = rootsTouched(server, scanUpdate(update));
    expect(roots.has(UNKNOWN)).toBe(false);
    expect([...roots].filter((r) => r !== GONE)).toEqual(['cards']);
    expect(check(server, update)).toBeNull();
  });

  it('repeating past deletions of the server-only root is not a write', () => {
    const server = serverPlan();
    server.getMap('poker').set('card-1', 'open');
    const client = replica(server);
    server.getMap('poker').delete('card-1');
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    expect(check(server, Y.encodeStateAsUpdate(client))).toBeNull();
  });

  it('deleting a live server-only entry is refused', () => {
    const server = serverPlan();
    server.getMap('poker').set('card-1', 'open');
    const client = replica(server);
    const sv = Y.encodeStateVector(server);
    client.getMap('poker').delete('card-1');
    expect(check(server, Y.encodeStateAsUpdate(client, sv))).toBe('poker');
  });

  it('a long chain of origins resolves without recursion limits', () => {
    const server = serverPlan();
    const client = replica(server);
    const sv = Y.encodeStateVector(server);
    const card = addCard(client, editor, { title: 'Typed', status: 'todo', rank: 'a' });
    const text = client.getMap('cards').get(card) as Y.Map<unknown>;
    const notes = new Y.Array<number>();
    text.set('notes', notes);
    // Insert at the front each time: every item's right origin is the previous one, and no two merge.
    for (let i = 0; i < 5_000; i++) notes.insert(0, [i]);
    const roots = rootsTouched(server, scanUpdate(Y.encodeStateAsUpdate(client, sv)));
    expect(roots).toEqual(new Set(['cards']));
  });

  it("a new client's deletion of its own items still on their way is allowed; the server's own future items are not", () => {
    const server = serverPlan();
    const page = new Y.Doc();
    page.getMap('meta').set('description', 'typed while loading');
    page.getMap('meta').set('description', 'overwritten');
    const ds = scanUpdate(Y.encodeStateAsUpdate(page)).ds;
    const deleteOnly = (client: number, ranges: { clock: number; len: number }[]) => ({ structs: [], ds: { clients: new Map([[client, ranges]]) } });
    expect(refusedRoot(server, forbidden, deleteOnly(page.clientID, ds.clients.get(page.clientID)!))).toBeNull();
    // The server's next clocks: what it will write next (a poker vote) must not be deletable in advance.
    const next = Y.getState(server.store, server.clientID);
    expect(refusedRoot(server, forbidden, deleteOnly(server.clientID, [{ clock: next, len: 5 }]))).toBe(UNKNOWN);
    page.destroy();
  });
});
