/**
 * Signing out of a plan (POST /api/session/sign-out): the session's token stops working at once
 * (upgrade and API answer 401 `signedOut`), its live sockets close with CLOSE.signedOut (4435, "do
 * not reconnect") on this server and on another one sharing the store and bus, the same person's
 * other session (another browser) goes on, and the audit list says so. Signing out twice is fine;
 * an operator token (no session) cannot sign out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { createLocalBus } from '../../server/fanout/local.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { createPlanRoom } from '../../server/plans.ts';
import { startPlenary, type PlenaryServer } from '../../server/server.ts';
import { CLOSE } from '../../shared/protocol.ts';
import { accept, api, invite, upgradeStatus } from '../helpers/access.ts';
import { connectClient, nextClose, waitForSync, type TestClient } from '../helpers/clients.ts';
import { tempDataDir, tokenFor } from '../helpers/server.ts';

const clients: TestClient[] = [];
const servers: PlenaryServer[] = [];

beforeAll(async () => {
  // Two servers on one store and one bus, in this process: the sign-out happens on A, a socket of
  // the same session lives on B.
  const store = createMemoryStore();
  const bus = createLocalBus();
  const dataDir = tempDataDir();
  for (let i = 0; i < 2; i++) {
    const config = readConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, PLENARY_SECRET: 'sign-out-secret-0123456789abcdef' });
    servers.push(await startPlenary(config, { store, bus, log: createLogger('warn') }));
  }
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  for (const s of servers) await s.close();
});

const base = (s: PlenaryServer) => `http://127.0.0.1:${s.port}`;
const ws = (s: PlenaryServer) => `ws://127.0.0.1:${s.port}/sync`;
const connect = (s: PlenaryServer, room: string, token: string) => {
  const c = connectClient(ws(s), room, token);
  clients.push(c);
  return c;
};

describe('sign out of a plan', () => {
  it('ends that session everywhere at once; the person’s other session goes on', async () => {
    const [a, b] = servers;
    const room = await createPlanRoom(a.store, { name: 'Sign out' }, 'test');
    const admin = tokenFor(a.secret)(`${room}/*`, 'admin', 'Admin', 86_400);
    const { code } = await invite(base(a), room, admin, { role: 'editor' });
    const laptop = await accept(base(a), code, 'Ana');
    // The same person in a second browser: the link opened again with the session gives a new one.
    const phone = await accept(base(a), code, 'Ana', laptop.token);
    expect(phone.person.id).toBe(laptop.person.id);
    expect(phone.token).not.toBe(laptop.token);

    const here = connect(a, room, laptop.token);
    const there = connect(b, room, laptop.token);
    const other = connect(b, room, phone.token);
    await Promise.all([here, there, other].map((c) => waitForSync(c)));

    const closedHere = nextClose(here, 2_000);
    const closedThere = nextClose(there, 2_000);
    const started = Date.now();
    const out = await api(base(a), 'POST', '/api/session/sign-out', laptop.token);
    expect(out.status).toBe(200);
    expect(out.json.signedOut).toBe(true);
    expect((await closedHere).code).toBe(CLOSE.signedOut.code);
    expect((await closedThere).code).toBe(CLOSE.signedOut.code);
    expect(Date.now() - started).toBeLessThan(1_000);

    // The token stops working at once, on both servers; 4435 keeps the stock client down.
    for (const s of [a, b]) {
      expect(await upgradeStatus(`${ws(s)}/${room}?token=${encodeURIComponent(laptop.token)}`)).toBe(401);
      expect(await api(base(s), 'GET', `/api/session?room=${room}`, laptop.token)).toMatchObject({ status: 401, json: { error: 'signedOut' } });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(here.provider.wsconnected).toBe(false);
    expect(there.provider.wsconnected).toBe(false);

    // The other browser is untouched: still connected, still accepted, still an editor.
    expect(other.provider.wsconnected).toBe(true);
    expect(await api(base(b), 'GET', `/api/session?room=${room}`, phone.token)).toMatchObject({ status: 200, json: { role: 'editor' } });
    const people = await api(base(a), 'GET', `/api/plans/${room}/people`, admin);
    expect(people.json.people.find((p: { id: string }) => p.id === laptop.person.id)).toMatchObject({ revoked: false });

    // Said once in the audit list, by the person themselves; a second sign-out is harmless.
    expect((await api(base(a), 'POST', '/api/session/sign-out', laptop.token)).status).toBe(200);
    const audit = await api(base(a), 'GET', `/api/plans/${room}/audit`, admin);
    const entries = audit.json.entries.filter((e: { action: string }) => e.action === 'signedOut');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: laptop.person.id, actorName: 'Ana', subject: laptop.person.id });
  });

  it('refuses tokens without a session and bad tokens', async () => {
    const [a] = servers;
    const operator = tokenFor(a.secret)('*', 'admin', 'Operator');
    expect(await api(base(a), 'POST', '/api/session/sign-out', operator)).toMatchObject({ status: 400, json: { error: 'notPersonal' } });
    expect((await api(base(a), 'POST', '/api/session/sign-out', 'nope')).status).toBe(401);
    expect((await api(base(a), 'POST', '/api/session/sign-out', null)).status).toBe(401);
  });
});
