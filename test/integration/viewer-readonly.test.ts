import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cards } from '../../shared/doc/cards.ts';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('a viewer', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('has its writes dropped, never stored, and is told why once; its presence is still relayed', async () => {
    const room = await server.createPlan('Read only');
    const editor = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ed'));
    const viewer = connectClient(server.wsUrl, room, server.token(room, 'viewer', 'Vi'));
    clients.push(editor, viewer);
    const denied: string[] = [];
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (String(args[0]).includes('Permission denied')) denied.push(String(args[0]));
      else originalWarn(...args);
    };
    try {
      await Promise.all([waitForSync(editor), waitForSync(viewer)]);
      viewer.provider.awareness.setLocalStateField('user', { name: 'Vi' });
      addCard(viewer.doc, createEditor('vi'), { title: 'viewer card 1', status: 'todo', rank: 'a' });
      addCard(viewer.doc, createEditor('vi'), { title: 'viewer card 2', status: 'todo', rank: 'b' });
      addCard(editor.doc, createEditor('ed'), { title: 'editor card', status: 'todo', rank: 'c' });
      await waitFor(() => cards.list(viewer.doc).some((c) => c.title === 'editor card'), 'viewer receives editor card');
      await waitFor(() => [...editor.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Vi'), 'viewer presence relayed');
      await waitFor(() => denied.length > 0, 'permission denied notice');
      // Give any leaked write time to arrive, then check it did not.
      await new Promise((r) => setTimeout(r, 300));
      expect(cards.list(editor.doc).map((c) => c.title)).toEqual(['editor card']);
      expect(denied.length).toBe(1);
    } finally {
      console.warn = originalWarn;
    }
    // Nothing of the viewer's is in the store: rebuild the room from storage and look.
    const stored = await server.server.store.load(room);
    const doc = new Y.Doc();
    if (stored.checkpoint) Y.applyUpdate(doc, stored.checkpoint.data);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
    expect(cards.list(doc).map((c) => c.title)).toEqual(['editor card']);
    expect(stored.updates.every((u) => u.author !== 'u-vi')).toBe(true);
    doc.destroy();
  });
});
