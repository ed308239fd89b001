/**
 * A role change applies to live sockets in place: an editor made viewer can no longer write (the
 * next update is dropped, not stored), a viewer made editor can, without reconnecting; a Plenary
 * client (ack=1) is told with a private `access` message carrying the new role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { accept, invite, setRole, withInbox } from '../helpers/access.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { fetchRoomState } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('role changes on live sockets', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  const storedTitles = async (room: string, token: string) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await fetchRoomState(server.wsUrl, room, token));
    const t = cards.list(doc).map((c) => c.title);
    doc.destroy();
    return t;
  };

  it('a downgraded editor can no longer write; an upgraded viewer can; both are told', async () => {
    const room = await server.createPlan('Roles');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const editors = await invite(server.url, room, admin, { role: 'editor' });
    const viewers = await invite(server.url, room, admin, { role: 'viewer' });
    const ed = await accept(server.url, editors.code, 'Edda');
    const vi = await accept(server.url, viewers.code, 'Vic');
    const e = withInbox(connectClient(server.wsUrl, room, ed.token, { ack: true }));
    const v = withInbox(connectClient(server.wsUrl, room, vi.token, { ack: true }));
    clients.push(e, v);
    await Promise.all([waitForSync(e), waitForSync(v)]);

    addCard(e.doc, createEditor(ed.person.id), { title: 'while editor', status: 'todo', rank: 'a' });
    await waitFor(async () => (await storedTitles(room, admin)).includes('while editor'), 'the editor’s card stored');

    const started = Date.now();
    await setRole(server.url, room, admin, ed.person.id, 'viewer');
    await setRole(server.url, room, admin, vi.person.id, 'editor');
    await waitFor(() => e.inbox.some((m) => m.extension === 'access' && m.payload.role === 'viewer'), 'the editor told of viewer', 1_000);
    await waitFor(() => v.inbox.some((m) => m.extension === 'access' && m.payload.role === 'editor'), 'the viewer told of editor', 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);

    addCard(e.doc, createEditor(ed.person.id), { title: 'after downgrade', status: 'todo', rank: 'b' });
    addCard(v.doc, createEditor(vi.person.id), { title: 'after upgrade', status: 'todo', rank: 'c' });
    await waitFor(async () => (await storedTitles(room, admin)).includes('after upgrade'), 'the upgraded viewer’s card stored');
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedTitles(room, admin)).not.toContain('after downgrade');
    // Same sockets throughout: nobody had to reconnect.
    expect(e.provider.wsconnected && v.provider.wsconnected).toBe(true);
    const session = await fetch(`${server.url}/api/session?room=${room}`, { headers: { authorization: `Bearer ${ed.token}` } });
    expect(await session.json()).toMatchObject({ role: 'viewer', personal: true, user: { id: ed.person.id, name: 'Edda' } });
  });
});
