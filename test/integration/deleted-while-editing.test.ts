/**
 * A card deleted by one person while another edits it offline: the editor's reconnect is accepted
 * (never closed as invalid or forbidden), its other offline edits land, and the deleted card does
 * not come back half-alive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCard, cards, moveCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('a card deleted while someone edits it offline', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('does not come back, and the offline editor is not refused', async () => {
    const room = await server.createPlan('Deleted');
    const ana = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ana'));
    const bo = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Bo'));
    clients.push(ana, bo);
    await Promise.all([waitForSync(ana), waitForSync(bo)]);
    const ea = createEditor('ana');
    const eb = createEditor('bo');
    const doomed = addCard(ana.doc, ea, { title: 'doomed', status: 'todo', rank: 'a' });
    const kept = addCard(ana.doc, ea, { title: 'kept', status: 'todo', rank: 'b' });
    await waitFor(() => cards.list(bo.doc).length === 2, 'bo has both');

    bo.provider.disconnect();
    // Offline, Bo edits the doomed card (title, move, comment history) and the kept one.
    cards.update(bo.doc, eb, doomed, { title: 'doomed, edited offline', labels: ['x'] });
    moveCard(bo.doc, eb, doomed, { status: 'doing' });
    moveCard(bo.doc, eb, kept, { status: 'done' });
    // Meanwhile Ana deletes it, and the server commits that.
    cards.remove(ana.doc, ea, doomed);
    await waitFor(async () => (await server.server.store.load(room)).updates.length >= 4, 'deletion committed');

    let closedWith: number | null = null;
    bo.provider.on('connection-close', (e: { code: number } | null) => (closedWith = e?.code ?? null));
    bo.provider.connect();
    await waitFor(() => cards.get(ana.doc, kept)?.status === 'done', "Bo's other offline edit lands");
    await new Promise((r) => setTimeout(r, 200));
    expect(closedWith).toBeNull();
    for (const doc of [ana.doc, bo.doc]) {
      expect(cards.get(doc, doomed)).toBeNull();
      expect(cards.root(doc).has(doomed)).toBe(false);
    }
    const fresh = connectClient(server.wsUrl, room, server.token(room, 'viewer', 'Cy'));
    clients.push(fresh);
    await waitForSync(fresh);
    expect(cards.list(fresh.doc).map((c) => c.title)).toEqual(['kept']);
  });
});
