/** SIGTERM: every dirty room is flushed, sockets close with "going away", the process exits 0. */
import { afterAll, describe, expect, it } from 'vitest';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { CLOSE } from '../../shared/protocol.ts';
import { connectClient, nextClose, waitForSync, type TestClient } from '../helpers/clients.ts';
import { spawnServer, type SpawnedServer } from '../helpers/server.ts';

describe('SIGTERM', () => {
  const servers: SpawnedServer[] = [];
  const clients: TestClient[] = [];
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await Promise.all(servers.map((s) => s.kill()));
  });

  it('flushes, closes sockets with going away, exits 0, and a restart has every edit', async () => {
    const first = await spawnServer({ seed: true });
    servers.push(first);
    const room = 'demo-gpu-cluster';
    const a = connectClient(first.wsUrl, room, first.token(room, 'editor', 'Ana'));
    clients.push(a);
    await waitForSync(a);
    const before = cards.list(a.doc).length;
    expect(before).toBeGreaterThan(20);
    const closed = nextClose(a);
    const editor = createEditor('ana');
    for (let i = 0; i < 50; i++) addCard(a.doc, editor, { title: `late ${i}`, status: 'todo', rank: 'i' });
    // Give the frames time to reach the server, then ask it to stop.
    await new Promise((r) => setTimeout(r, 150));
    const exit = first.kill('SIGTERM');
    expect((await closed).code).toBe(CLOSE.goingAway.code);
    expect(await exit).toBe(0);
    a.provider.disconnect();

    const second = await spawnServer({ dataDir: first.dataDir, port: first.port });
    servers.push(second);
    const b = connectClient(second.wsUrl, room, second.token(room, 'viewer', 'Bo'));
    clients.push(b);
    await waitForSync(b);
    expect(cards.list(b.doc).length).toBe(before + 50);
  }, 40_000);
});
