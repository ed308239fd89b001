import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { readMeta } from '../../shared/doc/plan.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('stock y-websocket clients', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('receive the stored plan on join and converge on concurrent edits', async () => {
    const room = await server.createPlan('Converge');
    const a = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ana'));
    const b = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Bo'));
    clients.push(a, b);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    // The server created the plan; a joining client gets it in the initial sync, never an empty doc.
    expect(readMeta(a.doc).name).toBe('Converge');
    const ea = createEditor('ana');
    const eb = createEditor('bo');
    for (let i = 0; i < 20; i++) {
      addCard(a.doc, ea, { title: `A${i}`, status: 'todo', rank: `a${i}` });
      addCard(b.doc, eb, { title: `B${i}`, status: 'todo', rank: `b${i}` });
    }
    await waitFor(() => cards.list(a.doc).length === 40 && cards.list(b.doc).length === 40, 'both see 40 cards');
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    expect(cards.list(a.doc).map((c) => c.title).sort()).toEqual(cards.list(b.doc).map((c) => c.title).sort());
  });

  it('a late joiner gets everything committed so far', async () => {
    const room = await server.createPlan('Late');
    const a = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ana'));
    clients.push(a);
    await waitForSync(a);
    addCard(a.doc, createEditor('ana'), { title: 'first', status: 'todo', rank: 'i' });
    const c = connectClient(server.wsUrl, room, server.token(room, 'viewer', 'Cy'));
    clients.push(c);
    await waitFor(() => cards.list(c.doc).some((x) => x.title === 'first'), 'late joiner sees the card');
  });
});
