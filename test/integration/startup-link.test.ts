/**
 * `npm start` prints a one-time admin invitation (24 h, 1 use) to the demo plan, never a token:
 * the line in the logs is worthless once someone has opened it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { accept, api } from '../helpers/access.ts';
import { spawnServer, type SpawnedServer } from '../helpers/server.ts';

describe('the startup link', () => {
  let server: SpawnedServer | null = null;
  afterAll(async () => {
    await server?.kill('SIGTERM');
  });

  it('is a one-use admin invitation valid for a day', async () => {
    server = await spawnServer({ seed: true });
    const s = server;
    const deadline = Date.now() + 10_000;
    while (!/\/join\/[A-Za-z0-9_-]{43}/.test(s.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const out = s.output();
    expect(out).not.toContain('token=');
    const code = /\/join\/([A-Za-z0-9_-]{43})/.exec(out)![1];
    const info = await api(s.url, 'GET', `/api/invitations/${code}`, null);
    expect(info.json.role).toBe('admin');
    expect(info.json.expiresAt - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(info.json.expiresAt - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    const first = await accept(s.url, code, 'Operator');
    expect(first.person.role).toBe('admin');
    expect(first.room).toBe(info.json.plan.room);
    expect((await api(s.url, 'POST', `/api/invitations/${code}/accept`, null, { name: 'Someone else' })).status).toBe(410);
  });
});
