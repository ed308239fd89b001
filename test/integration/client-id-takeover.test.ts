/**
 * A Yjs client id belongs to the person who first wrote with it. Another person writing NEW structs
 * under it (at its next clock, while the owner is offline) is refused with CLOSE.clientIdTaken
 * (4433) and nothing of it is stored; the owner's offline edit at that clock lands when they come
 * back, and every replica converges. The ownership survives a server restart (it is in the store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { CLOSE, encodeSyncUpdate } from '../../shared/protocol.ts';
import { peopleOnOneLink } from '../helpers/access.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectRaw, fetchRoomState } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('client ids bound to people', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  const titles = (update: Uint8Array) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    const out = cards.list(doc).map((c) => c.title).sort();
    doc.destroy();
    return out;
  };

  /** Bo's forged update: Ana's state, then an edit under Ana's client id at its next clock. */
  function forgeUnder(clientId: number, state: Uint8Array, title: string): Uint8Array {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const before = Y.encodeStateVector(doc);
    doc.clientID = clientId;
    addCard(doc, createEditor('bo'), { title, status: 'todo', rank: 'z' });
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return update;
  }

  it('refuses another person under an owned client id (4433), stores nothing, and lands the owner’s offline edit', async () => {
    const room = await server.createPlan('Client ids');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const { people: [ana, bo] } = await peopleOnOneLink(server.url, room, admin, 'editor', ['Ana', 'Bo']);

    const a = connectClient(server.wsUrl, room, ana.token);
    clients.push(a);
    await waitForSync(a);
    addCard(a.doc, createEditor(ana.person.id), { title: 'Ana online', status: 'todo', rank: 'a' });
    await waitFor(async () => titles(await fetchRoomState(server.wsUrl, room, admin)).includes('Ana online'), 'Ana’s first edit stored');
    const anaId = a.doc.clientID;

    // Ana goes offline and edits; her next clock is free on the server.
    a.provider.disconnect();
    addCard(a.doc, createEditor(ana.person.id), { title: 'Ana offline', status: 'todo', rank: 'b' });

    // Bo writes under Ana's client id at that clock.
    const state = await fetchRoomState(server.wsUrl, room, admin);
    const forged = forgeUnder(anaId, state, 'Bo as Ana');
    const raw = await connectRaw(server.wsUrl, room, bo.token, { ack: true });
    raw.send(encodeSyncUpdate(forged));
    const close = await raw.waitClose(3_000);
    expect(close.code).toBe(CLOSE.clientIdTaken.code);
    expect(titles(await fetchRoomState(server.wsUrl, room, admin))).not.toContain('Bo as Ana');

    // Ana comes back: her offline edit applies, and a fresh reader sees exactly her cards.
    a.provider.connect();
    await waitFor(async () => titles(await fetchRoomState(server.wsUrl, room, admin)).includes('Ana offline'), 'Ana’s offline edit stored');
    expect(titles(await fetchRoomState(server.wsUrl, room, admin))).toEqual(['Ana offline', 'Ana online']);
    const loaded = await server.server.store.load(room);
    expect(loaded.updates.every((u) => u.author !== bo.person.id)).toBe(true);

    // Across a restart the owner is still known: the same forgery is refused again.
    a.provider.disconnect();
    addCard(a.doc, createEditor(ana.person.id), { title: 'Ana offline 2', status: 'todo', rank: 'c' });
    await server.restart();
    const again = forgeUnder(anaId, await fetchRoomState(server.wsUrl, room, admin), 'Bo as Ana again');
    const raw2 = await connectRaw(server.wsUrl, room, bo.token);
    raw2.send(encodeSyncUpdate(again));
    expect((await raw2.waitClose(3_000)).code).toBe(CLOSE.clientIdTaken.code);
    a.provider.connect();
    await waitFor(async () => titles(await fetchRoomState(server.wsUrl, room, admin)).includes('Ana offline 2'), 'Ana’s second offline edit stored');
  });

  it('the owner reconnecting resends what the room holds and is not refused; others may resend it too', async () => {
    const room = await server.createPlan('Resend');
    const a = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ana'));
    const b = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Bo'));
    clients.push(a, b);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    addCard(a.doc, createEditor('ana'), { title: 'from Ana', status: 'todo', rank: 'a' });
    await waitFor(() => cards.list(b.doc).length === 1, 'Bo sees Ana’s card');
    // Bo reconnecting sends his whole state, Ana's structs included: already held, so fine.
    b.provider.disconnect();
    b.provider.connect();
    await waitForSync(b);
    addCard(b.doc, createEditor('bo'), { title: 'from Bo', status: 'todo', rank: 'b' });
    await waitFor(() => cards.list(a.doc).length === 2, 'Ana sees Bo’s card');
    expect(b.provider.wsconnected).toBe(true);
  });
  it('an id another person shows presence with is theirs before their first edit: taking it is refused (4433)', async () => {
    const room = await server.createPlan('Presence ids');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const { people: [ana, bo] } = await peopleOnOneLink(server.url, room, admin, 'editor', ['Ana', 'Bo']);
    // Ana's page is open (presence announces her client id) but she has not edited yet.
    const a = connectClient(server.wsUrl, room, ana.token);
    clients.push(a);
    await waitForSync(a);
    a.provider.awareness.setLocalStateField('cursor', { card: null });
    const anaId = a.doc.clientID;
    await waitFor(() => [...server.server.sync.connections].some((c) => c.author === ana.person.id && c.awarenessIds.has(anaId)) || null, 'Ana’s presence seen');
    const forged = forgeUnder(anaId, await fetchRoomState(server.wsUrl, room, admin), 'Bo squatting');
    const raw = await connectRaw(server.wsUrl, room, bo.token);
    raw.send(encodeSyncUpdate(forged));
    expect((await raw.waitClose(3_000)).code).toBe(CLOSE.clientIdTaken.code);
    // Ana's first edit is hers.
    addCard(a.doc, createEditor(ana.person.id), { title: 'Ana first', status: 'todo', rank: 'a' });
    await waitFor(async () => titles(await fetchRoomState(server.wsUrl, room, admin)).includes('Ana first'), 'Ana’s first edit stored');
    expect(titles(await fetchRoomState(server.wsUrl, room, admin))).toEqual(['Ana first']);
    expect(a.provider.wsconnected).toBe(true);
  });
  it('two servers on one store cannot give one id to two people: the store’s first claim wins (4433 on the other server)', async () => {
    // No bus between them: server B never hears of Ana's claim except through the store.
    const other = await startServer({ dataDir: server.dataDir });
    try {
      const room = await server.createPlan('Two servers');
      const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
      const { people: [ana, bo] } = await peopleOnOneLink(server.url, room, admin, 'editor', ['Ana', 'Bo']);
      // Bo's server has the room loaded before Ana writes.
      const watcher = connectClient(other.wsUrl, room, bo.token);
      clients.push(watcher);
      await waitForSync(watcher);
      const a = connectClient(server.wsUrl, room, ana.token);
      clients.push(a);
      await waitForSync(a);
      addCard(a.doc, createEditor(ana.person.id), { title: 'Ana on A', status: 'todo', rank: 'a' });
      await waitFor(async () => titles(await fetchRoomState(server.wsUrl, room, admin)).includes('Ana on A'), 'Ana’s first edit stored');
      // On B, Bo writes under Ana's id at her next clock (B's room does not hold her edit).
      const forged = forgeUnder(a.doc.clientID, await fetchRoomState(other.wsUrl, room, admin), 'Bo as Ana on B');
      const raw = await connectRaw(other.wsUrl, room, bo.token);
      raw.send(encodeSyncUpdate(forged));
      expect((await raw.waitClose(3_000)).code).toBe(CLOSE.clientIdTaken.code);
      const stored = await server.server.store.load(room);
      expect(stored.updates.some((u) => u.author === bo.person.id)).toBe(false);
    } finally {
      await other.stop();
    }
  });
});
