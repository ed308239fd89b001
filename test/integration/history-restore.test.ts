/**
 * Restore over real sockets: a card deleted on the plan is brought back from a past moment (GET /at)
 * by one person and reappears for everyone; a viewer's restore is dropped by the write policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards, rankAtEnd } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { restoreCard } from '../../shared/doc/restore.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { committed } from '../helpers/committed.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
});

async function pastDoc(s: TestServer, room: string, token: string, t: number): Promise<Y.Doc> {
  const res = await fetch(`${s.url}/api/plans/${room}/at?t=${t}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()));
  return doc;
}

describe('restore from a past moment', () => {
  it('brings a deleted card back for everyone, as a change by the restorer; a viewer cannot', async () => {
    let clock = Date.now() + 60_000;
    server = await startServer({ now: () => clock });
    const s = server;
    const room = await s.createPlan('Restore plan');
    const connect = async (role: 'editor' | 'viewer', name: string) => {
      const c = connectClient(s.wsUrl, room, s.token(room, role, name));
      clients.push(c);
      await waitForSync(c);
      return c;
    };
    const ann = await connect('editor', 'Ann');
    const bob = await connect('editor', 'Bob');
    const vic = await connect('viewer', 'Vic');
    const id = addCard(ann.doc, createEditor('u-ann', 'user', () => clock), { title: 'Lost and found', status: statuses.list(ann.doc)[0].id, rank: rankAtEnd(ann.doc) });
    await committed(s, room, ann);
    const before = clock;
    clock += 60_000;
    cards.remove(ann.doc, createEditor('u-ann', 'user', () => clock), id);
    await committed(s, room, ann);
    await waitFor(() => !cards.get(bob.doc, id) && !cards.get(vic.doc, id), 'everyone saw the deletion');

    // The viewer restores on their replica: the server drops the write, so nobody else gets it.
    const past = await pastDoc(s, room, s.token(room, 'viewer', 'Vic'), before);
    expect(restoreCard(vic.doc, createEditor('u-vic', 'user', () => clock), past, id)).toBe('restored');
    // An awareness frame after the update on the same socket: once Ann sees it, the update was handled.
    vic.provider.awareness.setLocalStateField('probe', 1);
    await waitFor(() => [...ann.provider.awareness.getStates().values()].some((st) => st.probe === 1), 'the viewer’s frames were handled');
    expect(cards.get(s.server.rooms.get(room)!.doc, id)).toBeNull();
    expect(cards.get(ann.doc, id)).toBeNull();

    // Bob restores: the card comes back for Ann and for the server, created by Bob now.
    clock += 60_000;
    expect(restoreCard(bob.doc, createEditor('u-bob', 'user', () => clock), past, id)).toBe('restored');
    await committed(s, room, bob);
    await waitFor(() => cards.get(ann.doc, id) !== null, 'Ann sees the card again');
    expect(cards.get(ann.doc, id)).toMatchObject({ title: 'Lost and found', createdBy: 'u-bob', createdAt: clock });
    // History is not rewritten: the moment of the deletion still shows no card.
    const deleted = await pastDoc(s, room, s.token(room, 'viewer', 'Vic'), clock - 1);
    expect(cards.get(deleted, id)).toBeNull();
    past.destroy();
    deleted.destroy();
  }, 30_000);
});
