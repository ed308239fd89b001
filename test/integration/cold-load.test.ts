/**
 * Cold load of a stored room (issue 10): a newcomer asking for everything is answered from the
 * stored parts as soon as they are read and checked, before the room is built from them; whatever
 * changes before it joins reaches it as a diff. These pin the protocol, not the timing (measured by
 * `npm run bench:budget`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { initialRanks } from '../../shared/rank.ts';
import { decodeAck, encodeSyncStep1, encodeSyncUpdate } from '../../shared/protocol.ts';
import { waitFor } from '../helpers/clients.ts';
import { connectRaw, fetchRoomState, readSyncFrame, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const CARDS = 2_000;

/** Applies every sync step 2 and update a raw client received to a fresh doc. */
function mirror(r: RawClient): Y.Doc {
  const doc = new Y.Doc();
  for (const f of r.frames) {
    const sync = readSyncFrame(f);
    if (sync && sync.sub !== 0) Y.applyUpdate(doc, sync.payload);
  }
  return doc;
}

const subs = (r: RawClient) => r.frames.map(readSyncFrame).filter((s) => s !== null).map((s) => s!.sub);

describe('cold load', () => {
  let server: TestServer;
  const open: RawClient[] = [];
  beforeAll(async () => {
    server = await startServer({ env: { ROOM_IDLE_MS: '200' } });
  });
  afterAll(async () => {
    open.forEach((r) => r.terminate());
    await server.stop();
  });

  async function storedBigPlan(name: string): Promise<string> {
    const room = await server.createPlan(name);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await fetchRoomState(server.wsUrl, room, server.token(room, 'viewer')));
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (update = u));
    const editor = createEditor('seeder');
    const ranks = initialRanks(CARDS);
    doc.transact(() => {
      for (let i = 0; i < CARDS; i++) addCard(doc, editor, { title: `stored ${i}`, status: 'todo', rank: ranks[i] });
    }, editor.origin);
    const r = await connectRaw(server.wsUrl, room, server.token(room, 'editor', 'Seeder'), { ack: true });
    await r.joined();
    r.send(encodeSyncUpdate(update!));
    await r.waitFrames((fs) => fs.map(decodeAck).find((a) => a !== null), 'ack', 20_000);
    r.close();
    doc.destroy();
    // Restart: the room is only in the store now.
    await server.restart();
    // It left a checkpoint of everything as the server stopped: one part, answered at once.
    const stored = await server.server.store.load(room);
    expect(stored.checkpoint).not.toBeNull();
    expect(stored.updates).toEqual([]);
    return room;
  }

  async function newcomer(room: string, name: string): Promise<RawClient> {
    const r = await connectRaw(server.wsUrl, room, server.token(room, 'editor', name));
    open.push(r);
    r.send(encodeSyncStep1(new Uint8Array([0])));
    return r;
  }

  it('a newcomer asking for everything gets the stored state before the room is built (step 2 before the server step 1)', async () => {
    const room = await storedBigPlan('Cold');
    const r = await newcomer(room, 'Fresh');
    await r.waitFrames((fs) => fs.some((f) => readSyncFrame(f)?.sub === 0), 'the server step 1', 20_000);
    const order = subs(r);
    // The early answer: a step 2 (1) arrives first; the server's step 1 (0) comes with the join.
    expect(order[0]).toBe(1);
    expect(order).toContain(0);
    const got = mirror(r);
    expect(cards.list(got).filter((c) => c.title.startsWith('stored ')).length).toBe(CARDS);
    got.destroy();
  });

  it('two newcomers, one editing at once, both end with every card and the edit (the diff from the loaded state)', async () => {
    const room = await storedBigPlan('Cold two');
    const base = new Y.Doc();
    const [a, b] = await Promise.all([newcomer(room, 'Ana'), newcomer(room, 'Bo')]);
    // Ana edits right away, before her room has joined: the edit waits, then applies.
    const editor = createEditor('ana');
    let update: Uint8Array | null = null;
    base.on('update', (u: Uint8Array) => (update = u));
    addCard(base, editor, { title: 'typed during the load', status: 'todo', rank: 'zz' });
    a.send(encodeSyncUpdate(update!));
    const count = (r: RawClient, edit: boolean) => {
      const d = mirror(r);
      const ok = cards.list(d).filter((c) => c.title.startsWith('stored ')).length === CARDS && cards.list(d).some((c) => c.title === 'typed during the load') === edit;
      d.destroy();
      return ok;
    };
    await waitFor(() => count(b, true) || null, 'Bo sees every card and Ana\u2019s edit', 20_000);
    // The server does not echo Ana's own edit back to her.
    await waitFor(() => count(a, false) || null, 'Ana sees every stored card', 20_000);
    // Ana opened the cold room: answered from the store. Bo, a moment later, may find it built.
    expect(subs(a)[0]).toBe(1);
    base.destroy();
  });

  it('a returning client (non-empty state vector) is answered by the built room with only what it lacks', async () => {
    const room = await storedBigPlan('Cold returning');
    const first = await newcomer(room, 'First');
    await first.waitFrames(() => subs(first).includes(0) && subs(first).includes(1), 'joined and synced', 20_000);
    const local = mirror(first);
    first.close();
    // Let the room unload, then come back with the local state.
    await new Promise((res) => setTimeout(res, 600));
    const r = await connectRaw(server.wsUrl, room, server.token(room, 'editor', 'First'));
    open.push(r);
    r.send(encodeSyncStep1(Y.encodeStateVector(local)));
    await r.waitFrames((fs) => fs.some((f) => readSyncFrame(f)?.sub === 1), 'step 2', 20_000);
    const step2 = r.frames.map(readSyncFrame).find((s) => s?.sub === 1)!;
    // Only the difference: tiny next to the full state.
    expect(step2.payload.length).toBeLessThan(1_000);
    local.destroy();
  });
});
