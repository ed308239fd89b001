/** Rooms leave memory when idle, reload from the store intact, and checkpoint as their log grows. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('room lifecycle', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer({ env: { ROOM_IDLE_MS: '300', COMPACT_ENTRIES: '50' } });
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('an idle room leaves memory (with its awareness timer) and reloads with everything', async () => {
    const room = await server.createPlan('Idle');
    const a = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ana'));
    clients.push(a);
    await waitForSync(a);
    a.provider.awareness.setLocalStateField('user', { name: 'Ana' });
    addCard(a.doc, createEditor('ana'), { title: 'kept', status: 'todo', rank: 'i' });
    const resident = await waitFor(() => server.server.rooms.get(room), 'room resident');
    await waitFor(async () => (await server.server.store.load(room)).updates.length >= 2, 'card committed');
    a.destroy();
    await waitFor(() => server.server.rooms.get(room) === undefined, 'room unloaded', 5_000);
    expect(resident.destroyed).toBe(true);
    // Awareness's check interval is cleared by destroy(): nothing keeps the room alive.
    expect((resident.awareness as unknown as { _checkInterval: unknown })._checkInterval).toBeDefined();
    const b = connectClient(server.wsUrl, room, server.token(room, 'viewer', 'Bo'));
    clients.push(b);
    await waitForSync(b);
    expect(cards.list(b.doc).map((c) => c.title)).toEqual(['kept']);
  });

  it('checkpoints after the log passes the threshold, keeps the originals, and loads checkpoint + later log', async () => {
    const room = await server.createPlan('Compaction');
    const a = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ana'));
    clients.push(a);
    await waitForSync(a);
    const editor = createEditor('ana');
    for (let i = 0; i < 80; i++) {
      addCard(a.doc, editor, { title: `c${i}`, status: 'todo', rank: 'i' });
      await new Promise((r) => setImmediate(r));
    }
    const store = server.server.store;
    await waitFor(async () => (await store.load(room)).checkpoint !== null, 'a checkpoint');
    const loaded = await store.load(room);
    const history = await store.loadHistory(room);
    // The originals stay: history has every entry (1 creation + 80 cards), the load only those after the checkpoint.
    expect(history.updates.length).toBeGreaterThanOrEqual(81);
    expect(loaded.updates.length).toBeLessThan(history.updates.length);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, loaded.checkpoint!.data);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
    await waitFor(async () => {
      const l = await store.load(room);
      const d = new Y.Doc();
      Y.applyUpdate(d, l.checkpoint!.data);
      for (const u of l.updates) Y.applyUpdate(d, u.data);
      return cards.list(d).length === 80;
    }, 'all 80 cards durable');
    doc.destroy();
  });
});
