/**
 * GET /api/session?room= answers what a browser cannot read from a refused WebSocket upgrade: with
 * this address at its socket cap the upgrade is refused with 429, and so is the probe, so the
 * client explains it ("too many connections from your network address") and retries with backoff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeStatus } from '../helpers/access.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('session probe', () => {
  let server: TestServer;
  let room: string;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer({ env: { MAX_CONNECTIONS_PER_ADDRESS: '1' } });
    room = await server.createPlan('Probe');
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });
  const probe = (token: string, withRoom = true) =>
    fetch(`${server.url}/api/session${withRoom ? `?room=${room}` : ''}`, { headers: { authorization: `Bearer ${token}` } });

  it('answers 429 tooManyConnectionsFromAddress while the address is at its cap, 200 again after', async () => {
    const token = server.token(room, 'editor', 'Ann');
    expect((await probe(token)).status).toBe(200);
    const first = connectClient(server.wsUrl, room, token);
    clients.push(first);
    await waitForSync(first);

    expect(await upgradeStatus(`${server.wsUrl}/${room}?token=${encodeURIComponent(token)}`)).toBe(429);
    const refused = await probe(token);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'tooManyConnectionsFromAddress' });
    // Without a room it describes the token alone, as before.
    expect((await probe(token, false)).status).toBe(200);

    first.destroy();
    await waitFor(async () => (await probe(token)).status === 200, 'the probe to admit the address again', 5_000);
  });
});
