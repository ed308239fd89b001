/**
 * Nothing widens itself: an invitation (and the session it issues) never exceeds the minter's role,
 * expiry or scope. The old hole: a 1-hour admin token for room A minted a 3,650-day admin link
 * for `A/*`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../server/auth/token.ts';
import { accept, api, invite } from '../helpers/access.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('minted links never widen', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('a 1-hour admin token for room A mints links that end within that hour, for A only', async () => {
    const room = await server.createPlan('Narrow');
    const hour = server.token(room, 'admin', 'Hour', 3_600);
    const minted = await invite(server.url, room, hour, { role: 'admin', expiresInDays: 365 });
    const limit = Date.now() + 3_600_000 + 1_000;
    expect(minted.invitation.expiresAt).toBeLessThanOrEqual(limit);
    expect(minted.invitation.sessionUntil).toBeLessThanOrEqual(limit);
    // The minter's scope was the room alone, not its retros.
    expect(minted.invitation.scope).toBe(room);
    const joined = await accept(server.url, minted.code, 'Newcomer');
    const v = verifyToken(server.secret, joined.token);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.claims.room).toBe(room);
    expect(v.claims.exp * 1000).toBeLessThanOrEqual(limit);
    // The newcomer's own invitations are bounded by the newcomer's session, so by the hour too.
    const second = await invite(server.url, room, joined.token, { role: 'viewer', expiresInDays: 30 });
    expect(second.invitation.expiresAt).toBeLessThanOrEqual(limit);
    expect(second.invitation.scope).toBe(room);
  });

  it('a plan-wide admin mints plan-wide links; nobody mints above their role or outside their scope', async () => {
    const room = await server.createPlan('Wide');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 30 * 86_400);
    const minted = await invite(server.url, room, admin, { role: 'editor', expiresInDays: 7 });
    expect(minted.invitation.scope).toBe(`${room}/*`);
    expect(minted.invitation.expiresAt - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
    // Non-admins cannot mint; another plan's admin cannot; an unknown role is refused.
    expect((await api(server.url, 'POST', `/api/plans/${room}/invitations`, server.token(room, 'facilitator'), { role: 'viewer' })).status).toBe(403);
    expect((await api(server.url, 'POST', `/api/plans/${room}/invitations`, server.token('other/*', 'admin'), { role: 'viewer' })).status).toBe(403);
    expect((await api(server.url, 'POST', `/api/plans/${room}/invitations`, admin, { role: 'owner' })).status).toBe(400);
    expect((await api(server.url, 'POST', `/api/plans/${room}/invitations`, admin, { role: 'viewer', expiresInDays: 3650 })).status).toBe(400);
    // A person demoted to editor can no longer mint, even with the admin session they were given.
    const adminLink = await invite(server.url, room, admin, { role: 'admin' });
    const sam = await accept(server.url, adminLink.code, 'Sam');
    expect((await api(server.url, 'PATCH', `/api/plans/${room}/people/${sam.person.id}`, admin, { role: 'editor' })).status).toBe(200);
    expect((await api(server.url, 'POST', `/api/plans/${room}/invitations`, sam.token, { role: 'admin' })).json).toMatchObject({ error: 'role' });
  });

  it('a one-use link works once; the code is the secret and is stored only as a hash', async () => {
    const room = await server.createPlan('Once');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const { code, invitation } = await invite(server.url, room, admin, { role: 'admin', maxUses: 1 });
    expect((await api(server.url, 'GET', `/api/invitations/${code}`, null)).json).toMatchObject({ plan: { room, name: 'Once' }, role: 'admin' });
    await accept(server.url, code, 'First');
    const second = await api(server.url, 'POST', `/api/invitations/${code}/accept`, null, { name: 'Second' });
    expect(second).toMatchObject({ status: 410, json: { error: 'invitationUsedUp' } });
    expect((await api(server.url, 'GET', `/api/invitations/${code}`, null)).status).toBe(410);
    expect((await api(server.url, 'GET', `/api/invitations/not-a-code`, null)).status).toBe(404);
    const listed = await api(server.url, 'GET', `/api/plans/${room}/invitations`, admin);
    expect(JSON.stringify(listed.json)).not.toContain(code);
    expect(listed.json.invitations.find((i: { id: string }) => i.id === invitation.id)).toMatchObject({ uses: 1, maxUses: 1 });
  });
});
