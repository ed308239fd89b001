/** Logs are JSON lines with room and connection ids, and never contain a token. */
import { afterAll, describe, expect, it } from 'vitest';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { connectClient, nextClose, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { spawnServer, type SpawnedServer } from '../helpers/server.ts';

describe('logs', () => {
  let server: SpawnedServer;
  const clients: TestClient[] = [];
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server?.kill();
  });

  it('carry room and connection ids as JSON and never a token', async () => {
    server = await spawnServer({ env: { LOG_LEVEL: 'debug', MAX_FRAME_BYTES: '2000' } });
    const res = await fetch(server.url + '/api/plans', {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token('*', 'admin')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Logged' })
    });
    const { room, token: adminToken } = (await res.json()) as { room: string; token: string };
    const token = server.token(room, 'editor', 'Ana');
    const a = connectClient(server.wsUrl, room, token);
    clients.push(a);
    await waitForSync(a);
    const closed = nextClose(a);
    // An oversized edit gets this connection closed: a log line with its ids.
    addCard(a.doc, createEditor('ana'), { title: 'x'.repeat(5000), status: 'todo', rank: 'i' });
    await closed;
    a.provider.disconnect();
    await fetch(`${server.url}/api/session?token=${token}`);
    await waitFor(() => server.output().includes('closing connection'), 'close logged');
    const lines = server.output().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(2);
    const parsed = lines.map((l) => JSON.parse(l));
    const closeLine = parsed.find((l) => l.msg === 'closing connection');
    expect(closeLine).toMatchObject({ room, reason: 'frameTooLarge', user: 'u-ana' });
    expect(closeLine.conn).toMatch(/^c/);
    for (const t of [token, adminToken, token.split('.')[1]]) expect(server.output()).not.toContain(t);
  });
});
