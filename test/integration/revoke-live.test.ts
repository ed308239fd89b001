/**
 * Revocation takes effect on live sockets within 1 s: a revoked person's socket is closed with
 * CLOSE.revoked (4434, so a stock client stops reconnecting), the next upgrade and API call are
 * 401 `revoked`, and other people on the same group link stay connected. Revoking the invitation
 * revokes everyone who joined through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.ts';
import { accept, api, invite, peopleOnOneLink, revokePerson, upgradeStatus } from '../helpers/access.ts';
import { connectClient, nextClose, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('revocation on live sockets', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });
  const connect = (room: string, token: string) => {
    const c = connectClient(server.wsUrl, room, token);
    clients.push(c);
    return c;
  };

  it('revoking a person closes their socket with 4434 within 1 s; the others stay', async () => {
    const room = await server.createPlan('Revoke');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const { code, people: [ana, bo] } = await peopleOnOneLink(server.url, room, admin, 'editor', ['Ana', 'Bo']);
    expect(ana.person.id).not.toBe(bo.person.id);
    const a = connect(room, ana.token);
    const b = connect(room, bo.token);
    await Promise.all([waitForSync(a), waitForSync(b)]);

    const closed = nextClose(a, 2_000);
    const started = Date.now();
    await revokePerson(server.url, room, admin, ana.person.id);
    const close = await closed;
    expect(close.code).toBe(CLOSE.revoked.code);
    expect(Date.now() - started).toBeLessThan(1_000);
    // 4434 is "do not reconnect": the stock client stays down; a fresh upgrade is refused.
    await new Promise((r) => setTimeout(r, 300));
    expect(a.provider.wsconnected).toBe(false);
    expect(await upgradeStatus(`${server.wsUrl}/${room}?token=${ana.token}`)).toBe(401);
    const session = await api(server.url, 'GET', `/api/session?room=${room}`, ana.token);
    expect(session).toMatchObject({ status: 401, json: { error: 'revoked' } });
    expect(b.provider.wsconnected).toBe(true);
    // The same browser opening the group link again does not come back in as someone new.
    const again = await api(server.url, 'POST', `/api/invitations/${code}/accept`, ana.token, { name: 'Ana' });
    expect(again).toMatchObject({ status: 401, json: { error: 'revoked' } });
  });

  it('revoking the invitation revokes everyone who joined through it, live', async () => {
    const room = await server.createPlan('Revoke link');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const minted = await invite(server.url, room, admin, { role: 'viewer' });
    const cy = await accept(server.url, minted.code, 'Cy');
    const c = connect(room, cy.token);
    await waitForSync(c);
    const closed = nextClose(c, 2_000);
    const res = await api(server.url, 'DELETE', `/api/plans/${room}/invitations/${minted.invitation.id}`, admin);
    expect(res.status).toBe(200);
    expect(res.json.revokedPeople).toEqual([cy.person.id]);
    expect((await closed).code).toBe(CLOSE.revoked.code);
    expect((await api(server.url, 'POST', `/api/invitations/${minted.code}/accept`, null, { name: 'Late' })).json).toMatchObject({ error: 'invitationRevoked' });
    const audit = await api(server.url, 'GET', `/api/plans/${room}/audit`, admin);
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toEqual(['invitationRevoked', 'joined', 'invitationCreated']);
    await waitFor(async () => (await api(server.url, 'GET', `/api/plans/${room}/people`, admin)).json.people[0].revoked, 'listed as revoked');
  });
});
