/** Durability acks go only to clients that asked, after the commit, with the committed clocks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { decodeAck, encodeSyncStep1, encodeSyncUpdate, MESSAGE_ACK, readAckBody } from '../../shared/protocol.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

function raw(url: string): Promise<{ ws: WebSocket; frames: Uint8Array[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Uint8Array[] = [];
    ws.binaryType = 'nodebuffer';
    ws.on('message', (d) => frames.push(new Uint8Array(d as Buffer)));
    ws.on('open', () => resolve({ ws, frames }));
    ws.on('error', reject);
  });
}

describe('acks', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('an opted-in client gets an ack whose clock covers its update, after the update is in the store', async () => {
    const room = await server.createPlan('Acks');
    const { ws, frames } = await raw(`${server.wsUrl}/${room}?token=${server.token(room, 'editor')}&ack=1`);
    const doc = new Y.Doc();
    ws.send(encodeSyncStep1(Y.encodeStateVector(doc)));
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (update = u));
    addCard(doc, createEditor('raw'), { title: 'acked', status: 'todo', rank: 'i' });
    const before = Date.now();
    ws.send(encodeSyncUpdate(update!));
    const ack = await waitFor(() => frames.map(decodeAck).find((a) => a !== null), 'an ack');
    const clock = Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID)!;
    expect(ack.clocks.get(doc.clientID)).toBe(clock);
    expect(Math.abs(ack.serverTime - before)).toBeLessThan(5_000);
    const stored = await server.server.store.load(room);
    expect(stored.updates.some((u) => u.author === 'u-editor')).toBe(true);
    ws.close();
    doc.destroy();
  });

  it('a stock client that did not ask never receives a Plenary message type', async () => {
    const room = await server.createPlan('Stock');
    const stock = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Stock'));
    const other = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Other'), { ack: true });
    clients.push(stock, other);
    const types: number[] = [];
    let acks = 0;
    other.provider.messageHandlers[MESSAGE_ACK] = (_e: unknown, d: decoding.Decoder) => {
      readAckBody(d);
      acks++;
    };
    stock.provider.on('status', () => {});
    // Record the type of every frame the stock client's socket receives.
    await waitFor(() => stock.provider.ws, 'socket');
    stock.provider.ws!.addEventListener('message', (e: { data: ArrayBuffer }) => types.push(new Uint8Array(e.data)[0]));
    await Promise.all([waitForSync(stock), waitForSync(other)]);
    addCard(stock.doc, createEditor('s'), { title: 's', status: 'todo', rank: 'a' });
    addCard(other.doc, createEditor('o'), { title: 'o', status: 'todo', rank: 'b' });
    await waitFor(() => acks > 0 && types.length > 0, 'traffic');
    await new Promise((r) => setTimeout(r, 200));
    expect(types.every((t) => t <= 3)).toBe(true);
  });
});
