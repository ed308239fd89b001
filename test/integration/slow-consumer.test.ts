/**
 * A reader that stops reading is closed with slowConsumer (4508) once the server would buffer more
 * than SEND_HIGH_WATER_BYTES for it, instead of buffering without bound; everyone else carries on.
 *
 * The slow reader is a raw client whose TCP socket is paused: it never reads the close frame, so
 * the close is observed on the server side (its connection set and the policy-close metric).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncUpdate } from '../../shared/protocol.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectRaw, healthz, metricValue, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const KiB = 1024;
const HIGH_WATER = 256 * KiB;
// 60 KiB: even if a stalled event loop lets the group commit merge four of them into one frame,
// that frame stays under the mark (see the last test for frames over it).
const UPDATE = 60 * KiB;
const MAX_UPDATES = 400; // 24 MB: far beyond what loopback socket buffers absorb
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('slow consumer', () => {
  let server: TestServer;
  let room: string;
  let reader: TestClient;
  const clients: TestClient[] = [];
  const raws: RawClient[] = [];
  const client = (name: string, role: 'editor' | 'viewer') => {
    const c = connectClient(server.wsUrl, room, server.token(room, role, name));
    clients.push(c);
    return c;
  };
  const slowCloses = () => metricValue(server.url, 'plenary_policy_closes_total', { reason: 'slowConsumer' });
  const connectedUsers = () => [...server.server.sync.connections].map((c) => c.claims.sub).sort();

  beforeAll(async () => {
    server = await startServer({
      env: {
        SEND_HIGH_WATER_BYTES: String(HIGH_WATER),
        MAX_BYTES_PER_SECOND: String(256 * 1024 * KiB),
        MAX_BYTE_BURST: String(256 * 1024 * KiB),
        MAX_DOCUMENT_BYTES: String(256 * 1024 * KiB),
        // Keep checkpoints of the multi-megabyte doc out of the way.
        COMPACT_BYTES: String(1024 * 1024 * KiB),
        COMPACT_ENTRIES: '100000'
      }
    });
    room = await server.createPlan('Firehose');
  });
  afterAll(async () => {
    raws.forEach((r) => r.terminate());
    clients.forEach((c) => c.destroy());
    await server?.stop();
  });

  it('closes the reader that stopped reading; the writer and a normal reader converge', async () => {
    const writer = client('Writer', 'editor');
    reader = client('Reader', 'viewer');
    let writerCloses = 0;
    let readerCloses = 0;
    writer.provider.on('connection-close', () => writerCloses++);
    reader.provider.on('connection-close', () => readerCloses++);
    await Promise.all([waitForSync(writer), waitForSync(reader)]);

    const slow = await connectRaw(server.wsUrl, room, server.token(room, 'viewer', 'Slow'));
    raws.push(slow);
    await slow.joined();
    expect(connectedUsers()).toEqual(['u-reader', 'u-slow', 'u-writer']);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const text = writer.doc.getText('bulk');
    let sent = 0;
    let closedAfter = -1;
    while (sent < MAX_UPDATES) {
      text.insert(text.length, String.fromCharCode(97 + (sent % 26)).repeat(UPDATE));
      sent++;
      // One update per event-loop turn or so: a normal reader's queue never nears the mark.
      await sleep(4);
      if (closedAfter < 0 && sent % 5 === 0 && !connectedUsers().includes('u-slow')) closedAfter = sent;
      if (closedAfter >= 0 && sent >= closedAfter + 5) break;
    }
    expect(closedAfter, `slow reader still connected after ${sent} updates of ${UPDATE} bytes`).toBeGreaterThan(0);
    expect(await slowCloses()).toBe(1);
    expect(connectedUsers()).toEqual(['u-reader', 'u-writer']);

    const expected = text.length;
    await waitFor(() => reader.doc.getText('bulk').length === expected, `reader receives all ${sent} updates`, 10_000);
    expect(reader.doc.getText('bulk').toString() === text.toString()).toBe(true);
    expect({ writerCloses, readerCloses }).toEqual({ writerCloses: 0, readerCloses: 0 });
    expect(writer.provider.wsconnected && reader.provider.wsconnected).toBe(true);
    expect((await healthz(server.url)).sockets).toBe(2);

    // Once it reads again, the slow client finds its connection gone (close frame or cut off).
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.waitClose(10_000);
    expect([4508, 1006]).toContain(closed.code);
  });

  // The two cases below are single frames bigger than the high-water mark, sent to a peer with
  // nothing buffered: such a peer keeps up, and must get them (with the defaults, 16 MiB mark and
  // 64 MiB document limit, a document over 16 MiB could otherwise never be opened by anyone).

  it('a late joiner syncs a document larger than SEND_HIGH_WATER_BYTES', async () => {
    const before = await slowCloses();
    const stored = server.server.rooms.get(room)!.encodeState().length;
    expect(stored).toBeGreaterThan(HIGH_WATER);
    const late = client('Late reader', 'viewer');
    const closes: number[] = [];
    late.provider.on('connection-close', (e: { code: number } | null) => closes.push(e?.code ?? 0));
    await waitFor(() => late.provider.synced || closes.length > 0, 'late reader synced or closed', 5_000);
    const synced = late.provider.synced;
    const closedWith = [...closes];
    // A stock client retries after 4508: stop it so it does not skew the next test's metric.
    late.destroy();
    clients.splice(clients.indexOf(late), 1);
    expect({ synced, closes: closedWith, slowConsumerCloses: (await slowCloses()) - before }).toEqual({
      synced: true,
      closes: [],
      slowConsumerCloses: 0
    });
  });

  it('one update larger than SEND_HIGH_WATER_BYTES reaches a reader that keeps up', async () => {
    expect(reader?.provider.wsconnected, 'reader of the first test still connected').toBe(true);
    const before = await slowCloses();
    const closes: number[] = [];
    reader.provider.on('connection-close', (e: { code: number } | null) => closes.push(e?.code ?? 0));
    const w = await connectRaw(server.wsUrl, room, server.token(room, 'editor', 'Big writer'));
    raws.push(w);
    await w.joined();
    const doc = new Y.Doc();
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (update = u));
    doc.getText('big').insert(0, 'Z'.repeat(2 * HIGH_WATER));
    doc.destroy();
    w.send(encodeSyncUpdate(update!));
    await waitFor(() => reader.doc.getText('big').length === 2 * HIGH_WATER || closes.length > 0, 'large update reached the reader or it was closed', 5_000);
    expect({ received: reader.doc.getText('big').length, closes, slowConsumerCloses: (await slowCloses()) - before }).toEqual({
      received: 2 * HIGH_WATER,
      closes: [],
      slowConsumerCloses: 0
    });
  });
});
