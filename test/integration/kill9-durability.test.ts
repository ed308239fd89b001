/**
 * kill -9 under continuous edits: every update any client saw from another client, and every
 * update the server acknowledged, is in the store after a restart on the same data folder.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { MESSAGE_ACK, readAckBody } from '../../shared/protocol.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { spawnServer, type SpawnedServer } from '../helpers/server.ts';

type Writer = { client: TestClient; written: { title: string; clock: number }[]; ackedClock: number; seen: Set<string>; timer?: NodeJS.Timeout };

function ownClock(doc: Y.Doc): number {
  return Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0;
}

describe('kill -9', () => {
  const servers: SpawnedServer[] = [];
  const everyone: Writer[] = [];
  afterAll(async () => {
    everyone.forEach((w) => w.client.destroy());
    await Promise.all(servers.map((s) => s.kill()));
  });

  it.each(['process', 'power'])('loses no update that a client saw or that was acknowledged (DURABILITY=%s)', async (durability) => {
    const writers: Writer[] = [];
    const first = await spawnServer({ env: { DURABILITY: durability } });
    servers.push(first);
    const res = await fetch(first.url + '/api/plans', {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token('*', 'admin')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Durability' })
    });
    const { room } = (await res.json()) as { room: string };

    for (let i = 0; i < 3; i++) {
      const client = connectClient(first.wsUrl, room, first.token(room, 'editor', `W${i}`), { ack: true });
      const w: Writer = { client, written: [], ackedClock: 0, seen: new Set() };
      // Plenary's ack (type 100) is only sent because this client asked for it with ack=1.
      client.provider.messageHandlers[MESSAGE_ACK] = (_enc: unknown, decoder: decoding.Decoder) => {
        const ack = readAckBody(decoder);
        w.ackedClock = Math.max(w.ackedClock, ack.clocks.get(client.doc.clientID) ?? 0);
      };
      client.doc.on('update', (_u: Uint8Array, origin: unknown) => {
        if (origin === client.provider) for (const c of cards.list(client.doc)) if (!c.title.startsWith(`W${i}-`)) w.seen.add(c.title);
      });
      writers.push(w);
      everyone.push(w);
    }
    await Promise.all(writers.map((w) => waitForSync(w.client)));
    writers.forEach((w, i) => {
      const editor = createEditor(`w${i}`);
      let n = 0;
      w.timer = setInterval(() => {
        const title = `W${i}-${n++}`;
        addCard(w.client.doc, editor, { title, status: 'todo', rank: 'i' });
        w.written.push({ title, clock: ownClock(w.client.doc) });
      }, 5);
    });
    await waitFor(() => writers.every((w) => w.ackedClock > 0 && w.seen.size > 20), 'edits flowing and acknowledged', 15_000);
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));

    await first.kill('SIGKILL');
    writers.forEach((w) => clearInterval(w.timer));
    // Clients must not resend after the crash: what survives is what the store had.
    writers.forEach((w) => w.client.provider.disconnect());
    const mustSurvive = new Set<string>();
    for (const w of writers) {
      w.seen.forEach((t) => mustSurvive.add(t));
      for (const { title, clock } of w.written) if (clock <= w.ackedClock) mustSurvive.add(title);
    }
    expect(mustSurvive.size).toBeGreaterThan(60);

    const second = await spawnServer({ dataDir: first.dataDir, port: first.port, env: { DURABILITY: durability } });
    servers.push(second);
    const reader = connectClient(second.wsUrl, room, second.token(room, 'viewer', 'Reader'));
    everyone.push({ client: reader, written: [], ackedClock: 0, seen: new Set() });
    await waitForSync(reader);
    const stored = new Set(cards.list(reader.doc).map((c) => c.title));
    const lost = [...mustSurvive].filter((t) => !stored.has(t));
    expect(lost).toEqual([]);
  }, 60_000);
});
