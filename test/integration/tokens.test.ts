import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signToken, verifyToken } from '../../server/auth/token.ts';
import { ROOT, startServer, type TestServer } from '../helpers/server.ts';

/** Opens a raw socket and reports the HTTP status of a refused upgrade (or 101). */
function upgradeStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error('no answer')), 5000);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.on('open', () => {
      clearTimeout(timer);
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.on('error', () => {});
  });
}

describe('tokens at the WebSocket upgrade', () => {
  let server: TestServer;
  let room: string;
  beforeAll(async () => {
    server = await startServer();
    room = await server.createPlan('Tokens');
  });
  afterAll(() => server.stop());

  const cases: [string, () => string, number, string][] = [
    ['missing token', () => `/${room}`, 401, 'missing'],
    ['malformed token', () => `/${room}?token=not-a-token`, 401, 'malformed'],
    ['bad signature', () => `/${room}?token=${signToken('another-secret-another-secret-xx', { sub: 'x', name: 'x', room, role: 'admin', exp: 2e9 })}`, 401, 'badSignature'],
    ['expired token', () => `/${room}?token=${server.token(room, 'editor', 'Old', -10)}`, 401, 'expired'],
    ['wrong room', () => `/${room}?token=${server.token('some-other-room', 'admin')}`, 403, 'wrongRoom'],
    ['unknown room', () => `/no-such-room?token=${server.token('*', 'admin')}`, 404, 'unknownRoom'],
    ['invalid room name', () => `/..%2Fetc?token=${server.token('*', 'admin')}`, 400, 'badRoom']
  ];
  for (const [name, path, status, code] of cases) {
    it(`refuses a ${name} with HTTP ${status} and no socket`, async () => {
      const res = await upgradeStatus(server.wsUrl + path());
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body).error).toBe(code);
    });
  }

  it('accepts a valid token, a room-prefix token for a sub-room, and a global admin token', async () => {
    expect((await upgradeStatus(`${server.wsUrl}/${room}?token=${server.token(room, 'viewer')}`)).status).toBe(101);
    expect((await upgradeStatus(`${server.wsUrl}/${room}?token=${server.token(`${room}/*`, 'editor')}`)).status).toBe(101);
    expect((await upgradeStatus(`${server.wsUrl}/${room}?token=${server.token('*', 'admin')}`)).status).toBe(101);
  });

  it('counts refusals in /metrics', async () => {
    const text = await (await fetch(server.url + '/metrics')).text();
    expect(text).toMatch(/plenary_auth_failures_total\{reason="expired"\} [1-9]/);
    expect(text).toMatch(/plenary_auth_failures_total\{reason="wrongRoom"\} [1-9]/);
  });

  it('npm run token prints a verifiable token as its last line', () => {
    const out = execFileSync('npx', ['tsx', 'server/cli/token.ts', room, 'facilitator', 'Fay', 'Lee'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: server.dataDir },
      stdio: ['ignore', 'pipe', 'ignore']
    }).toString();
    const token = out.trim().split('\n').at(-1)!;
    const v = verifyToken(server.secret, token);
    expect(v.ok && v.claims).toMatchObject({ room, role: 'facilitator', name: 'Fay Lee' });
  });
});
