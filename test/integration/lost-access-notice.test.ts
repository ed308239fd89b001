/**
 * A change notice that never arrives (the bus was down, a server was cut off) must not leave a
 * revoked person connected for as long as their socket lives: every heartbeat re-resolves each
 * personal socket's session through the registry (cached at most 10 s). Here the registry is
 * changed behind the server's back, so no notice is sent at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.ts';
import { accept, invite, peopleOnOneLink } from '../helpers/access.ts';
import { connectClient, nextClose, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('a lost access notice', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer({ env: { HEARTBEAT_MS: '500' } });
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('a person revoked without any notice is closed with 4434 by a later heartbeat; the other person stays', async () => {
    const room = await server.createPlan('Lost notice');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const { people: [ana, bo] } = await peopleOnOneLink(server.url, room, admin, 'editor', ['Ana', 'Bo']);
    const a = connectClient(server.wsUrl, room, ana.token);
    const b = connectClient(server.wsUrl, room, bo.token);
    clients.push(a, b);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    // Straight into the registry: nothing tells the sync server.
    await server.server.store.updatePerson(ana.person.id, { revokedAt: Date.now() });
    const close = await nextClose(a, 15_000);
    expect(close.code).toBe(CLOSE.revoked.code);
    expect(b.provider.wsconnected).toBe(true);
  }, 20_000);

  it('a role lowered without any notice takes effect on the live socket', async () => {
    const room = await server.createPlan('Lost role');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const { code } = await invite(server.url, room, admin, { role: 'editor' });
    const cy = await accept(server.url, code, 'Cy');
    const c = connectClient(server.wsUrl, room, cy.token);
    clients.push(c);
    await waitForSync(c);
    await server.server.store.updatePerson(cy.person.id, { role: 'viewer' });
    const conn = () => [...server.server.sync.connections].find((x) => x.author === cy.person.id);
    const deadline = Date.now() + 15_000;
    while (conn()?.role !== 'viewer' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(conn()?.role).toBe('viewer');
    expect(conn()?.canWrite).toBe(false);
  }, 20_000);
});
