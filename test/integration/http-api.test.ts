/** Health, Prometheus metrics, and the plan API: session, new plan, share links (invitations). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../server/auth/token.ts';
import { readMeta } from '../../shared/doc/plan.ts';
import { connectClient, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('HTTP API', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });
  const call = (path: string, token: string | null, body?: unknown) =>
    fetch(server.url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    });

  it('GET /healthz and /metrics answer', async () => {
    expect(await (await call('/healthz', null)).json()).toMatchObject({ ok: true });
    const text = await (await call('/metrics', null)).text();
    for (const name of ['plenary_sockets', 'plenary_rooms_loaded', 'plenary_bytes_in_total', 'plenary_bytes_out_total', 'plenary_store_seconds', 'plenary_auth_failures_total']) {
      expect(text).toContain(name);
    }
  });

  it('GET /api/session describes a valid token and refuses a bad one', async () => {
    const res = await call('/api/session', server.token('r1', 'editor', 'Ana'));
    expect(await res.json()).toMatchObject({ user: { name: 'Ana' }, room: 'r1', role: 'editor' });
    const bad = await call('/api/session', 'nope');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'malformed' });
    // With a room: does it exist, and does the token grant it?
    const room = await server.createPlan('Session');
    expect((await call(`/api/session?room=${room}`, server.token(room, 'viewer'))).status).toBe(200);
    expect((await call(`/api/session?room=${room}`, server.token('elsewhere', 'viewer'))).status).toBe(403);
    expect((await call('/api/session?room=missing-room', server.token('*', 'admin'))).status).toBe(404);
  });

  it('an admin creates a plan and gets an admin link that opens it', async () => {
    const res = await call('/api/plans', server.token('*', 'admin', 'Ada'), { name: 'Sensor ingest', timeZone: 'Asia/Kolkata' });
    expect(res.status).toBe(201);
    const { room, token, url } = (await res.json()) as { room: string; token: string; url: string };
    expect(room).toMatch(/^sensor-ingest-[0-9a-f]{6}$/);
    expect(url).toBe(`/p/${room}?token=${token}`);
    const client = connectClient(server.wsUrl, room, token);
    clients.push(client);
    await waitForSync(client);
    expect(readMeta(client.doc)).toMatchObject({ name: 'Sensor ingest', timeZone: 'Asia/Kolkata' });
  });

  it('refuses plan creation to non-admins and bad bodies', async () => {
    expect((await call('/api/plans', server.token('*', 'editor'), { name: 'x' })).status).toBe(403);
    expect((await call('/api/plans', server.token('*', 'admin'), { name: '' })).status).toBe(400);
    expect((await call('/api/plans', server.token('*', 'admin'), { name: 'x', timeZone: 'Mars/Olympus' })).status).toBe(400);
    const notJson = await fetch(server.url + '/api/plans', { method: 'POST', headers: { authorization: `Bearer ${server.token('*', 'admin')}` }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('share links are invitations with the chosen role and expiry, only for admins of that plan', async () => {
    const room = await server.createPlan('Share');
    // The minter's token outlives the link (a link never outlives its minter: minted-links.test.ts).
    const res = await call(`/api/plans/${room}/share`, server.token(`${room}/*`, 'admin', 'admin', 30 * 86_400), { role: 'viewer', expiresInDays: 1 });
    expect(res.status).toBe(201);
    const { url, code, exp, invitation } = (await res.json()) as { url: string; code: string; exp: number; invitation: { role: string; plan: string } };
    expect(url).toBe(`/join/${code}`);
    expect(invitation).toMatchObject({ role: 'viewer', plan: room });
    expect(exp - Date.now() / 1000).toBeGreaterThan(86_000);
    expect(exp - Date.now() / 1000).toBeLessThan(86_500);
    const accepted = await call(`/api/invitations/${code}/accept`, null, { name: 'Vera' });
    const { token } = (await accepted.json()) as { token: string };
    const v = verifyToken(server.secret, token);
    expect(v.ok && v.claims.role).toBe('viewer');
    expect((await call(`/api/plans/${room}/share`, server.token('other-plan/*', 'admin'), { role: 'viewer' })).status).toBe(403);
    expect((await call(`/api/plans/${room}/share`, server.token(room, 'editor'), { role: 'admin' })).status).toBe(403);
    expect((await call(`/api/plans/${room}/share`, server.token(room, 'admin'), { role: 'owner' })).status).toBe(400);
    expect((await call(`/api/plans/nope/share`, server.token('*', 'admin'), { role: 'viewer' })).status).toBe(404);
  });
});
