/**
 * Roles are enforced on the server: a client that writes a root its role may not write is closed
 * with forbiddenWrite and nothing of it is stored; the server writes such roots for a client that
 * asks over a private message, and replies go only to the asker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { ExtensionRefusal, type RoomExtension } from '../../server/extensions/extension.ts';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { CLOSE, encodePrivate, MESSAGE_PRIVATE, readPrivateBody } from '../../shared/protocol.ts';
import { connectClient, nextClose, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** A test extension: a facilitator may pin a note into the server-only `poker` root. */
const pinExtension: RoomExtension = {
  name: 'pin',
  kinds: ['plan'],
  onMessage(ctx, peer, payload) {
    if (peer.role !== 'facilitator' && peer.role !== 'admin') throw new ExtensionRefusal('only a facilitator may pin');
    const note = (payload as { note?: unknown }).note;
    if (typeof note !== 'string') throw new ExtensionRefusal('a note is needed');
    const editor = ctx.editorFor(peer);
    ctx.doc.transact(() => {
      const entry = new Y.Map<unknown>();
      ctx.doc.getMap('poker').set('pinned', entry);
      entry.set('note', note);
      entry.set('by', peer.userId);
    }, editor.origin);
    ctx.reply(peer, { ok: true });
  }
};

function privateInbox(client: TestClient): unknown[] {
  const inbox: unknown[] = [];
  client.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => inbox.push(readPrivateBody(d)?.payload);
  return inbox;
}

describe('write policy and private messages', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer({ extensions: [pinExtension] });
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });
  const join = (room: string, role: 'editor' | 'facilitator', name: string, ack = false) => {
    const c = connectClient(server.wsUrl, room, server.token(room, role, name), { ack });
    clients.push(c);
    return c;
  };

  it('an editor writing the server-only root is closed with forbiddenWrite and nothing is stored', async () => {
    const room = await server.createPlan('Policy');
    const bad = join(room, 'editor', 'Mallory');
    const good = join(room, 'editor', 'Ana');
    await Promise.all([waitForSync(bad), waitForSync(good)]);
    const closed = nextClose(bad);
    bad.doc.getMap('poker').set('forged', { vote: 13 });
    expect(await closed).toMatchObject({ code: CLOSE.forbiddenWrite.code });
    bad.provider.disconnect();
    // The room carries on for everyone else.
    addCard(good.doc, createEditor('ana'), { title: 'still fine', status: 'todo', rank: 'i' });
    const fresh = join(room, 'editor', 'Fresh');
    await waitFor(() => cards.list(fresh.doc).length === 1, 'fresh joiner sees the good edit');
    expect(fresh.doc.getMap('poker').has('forged')).toBe(false);
    const stored = await server.server.store.loadHistory(room);
    expect(stored.updates.every((u) => u.author !== 'u-mallory')).toBe(true);
  });

  it('the server writes the restricted root for a facilitator who asks; nested edits and deletions by others are refused', async () => {
    const room = await server.createPlan('Pins');
    const fac = join(room, 'facilitator', 'Fay', true);
    const stock = join(room, 'editor', 'Stock');
    const other = join(room, 'editor', 'Eve', true);
    const facInbox = privateInbox(fac);
    const otherInbox = privateInbox(other);
    const stockTypes: number[] = [];
    await Promise.all([waitForSync(fac), waitForSync(stock), waitForSync(other)]);
    stock.provider.ws!.addEventListener('message', (e: { data: ArrayBuffer }) => stockTypes.push(new Uint8Array(e.data)[0]));

    // An editor asking is refused, with the reason, to that editor only.
    other.provider.ws!.send(encodePrivate('pin', { note: 'mine' }) as Uint8Array<ArrayBuffer>);
    await waitFor(() => otherInbox.length === 1, 'refusal');
    expect(otherInbox[0]).toEqual({ error: 'only a facilitator may pin' });

    fac.provider.ws!.send(encodePrivate('pin', { note: 'decided: 8 points' }) as Uint8Array<ArrayBuffer>);
    await waitFor(() => facInbox.length === 1, 'facilitator reply');
    expect(facInbox[0]).toEqual({ ok: true });
    await waitFor(() => (stock.doc.getMap('poker').get('pinned') as Y.Map<unknown> | undefined)?.get('note') === 'decided: 8 points', 'pin visible to all');
    expect(otherInbox.length).toBe(1);
    expect(stockTypes.every((t) => t <= 3)).toBe(true);

    // A nested change inside the server-written map, and a deletion of it, are both refused.
    for (const attempt of [
      (d: Y.Doc) => (d.getMap('poker').get('pinned') as Y.Map<unknown>).set('note', 'tampered'),
      (d: Y.Doc) => d.getMap('poker').delete('pinned')
    ]) {
      const mallory = join(room, 'editor', 'Mallory');
      await waitForSync(mallory);
      await waitFor(() => mallory.doc.getMap('poker').has('pinned'), 'mallory has the pin');
      const closed = nextClose(mallory);
      attempt(mallory.doc);
      expect((await closed).code).toBe(CLOSE.forbiddenWrite.code);
      mallory.provider.disconnect();
    }
    const check = join(room, 'editor', 'Check');
    await waitForSync(check);
    expect((check.doc.getMap('poker').get('pinned') as Y.Map<unknown>).get('note')).toBe('decided: 8 points');
  });
});
