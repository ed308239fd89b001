/**
 * Coming back after a revocation (README "People and access"): a browser whose person was revoked
 * may not rejoin through the same link (it presents its old session: 401 `revoked`), but may
 * through a NEW invitation an admin sends, even while it still holds the revoked session (a page
 * closed when the revocation happened never learnt of it). It comes back as a new person, with the
 * new invitation's role; the revoked person stays revoked, and the audit says both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.ts';
import { accept, api, invite, revokePerson, upgradeStatus } from '../helpers/access.ts';
import { connectClient, nextClose, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('rejoining after a revocation', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('not through the same link; through a new invitation, as a new person', async () => {
    const room = await server.createPlan('Rejoin');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const first = await invite(server.url, room, admin, { role: 'editor', label: 'Team chat' });
    const ana = await accept(server.url, first.code, 'Ana');
    const before = connectClient(server.wsUrl, room, ana.token);
    clients.push(before);
    await waitForSync(before);
    const closed = nextClose(before, 2_000);
    await revokePerson(server.url, room, admin, ana.person.id);
    expect((await closed).code).toBe(CLOSE.revoked.code);

    // The same link, from the same browser (it still sends its session): refused.
    const same = await api(server.url, 'POST', `/api/invitations/${first.code}/accept`, ana.token, { name: 'Ana' });
    expect(same).toMatchObject({ status: 401, json: { error: 'revoked' } });

    // A new invitation the admin sends: accepted, although the browser still sends the dead session.
    const second = await invite(server.url, room, admin, { role: 'viewer', label: 'For Ana again' });
    const back = await accept(server.url, second.code, 'Ana', ana.token);
    expect(back.person.id).not.toBe(ana.person.id);
    expect(back.person.role).toBe('viewer');
    const session = await api(server.url, 'GET', `/api/session?room=${room}`, back.token);
    expect(session).toMatchObject({ status: 200, json: { role: 'viewer', user: { name: 'Ana' } } });
    const after = connectClient(server.wsUrl, room, back.token);
    clients.push(after);
    await waitForSync(after);

    // The old session stays dead; the old person stays revoked; the audit tells the story.
    expect(await upgradeStatus(`${server.wsUrl}/${room}?token=${encodeURIComponent(ana.token)}`)).toBe(401);
    const people = (await api(server.url, 'GET', `/api/plans/${room}/people`, admin)).json.people as { id: string; revoked: boolean }[];
    expect(people.find((p) => p.id === ana.person.id)?.revoked).toBe(true);
    expect(people.find((p) => p.id === back.person.id)?.revoked).toBe(false);
    const audit = (await api(server.url, 'GET', `/api/plans/${room}/audit`, admin)).json.entries as { action: string; subject: string; detail: { invitationId?: string } }[];
    expect(audit.find((e) => e.action === 'joined' && e.subject === back.person.id)?.detail.invitationId).toBe(second.invitation.id);
    expect(audit.some((e) => e.action === 'revoked' && e.subject === ana.person.id)).toBe(true);

    // And the new person's browser opening the new link again stays that same new person.
    const again = await accept(server.url, second.code, 'Ana', back.token);
    expect(again.person.id).toBe(back.person.id);
  });
});
