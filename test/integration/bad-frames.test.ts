/**
 * Hostile frames: every violation closes only the offending connection, with its own code from
 * CLOSE; afterwards stock clients in the same room and in another room still sync and converge,
 * /healthz answers, and after a restart the stored plan still loads with the good edits.
 *
 * One server for the whole file, with limits small enough to trip each one on purpose but roomy
 * enough for stock clients.
 */
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import {
  CLOSE,
  encodeAwareness,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  MESSAGE_AUTH,
  type CloseName
} from '../../shared/protocol.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectRaw, fetchRoomState, healthz, hex, mulberry32, randomBytes, unreadableStoredUpdates, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const KiB = 1024;
const LIMITS = {
  MAX_FRAME_BYTES: 64 * KiB,
  MAX_MESSAGES_PER_SECOND: 50,
  MAX_MESSAGE_BURST: 100,
  MAX_BYTES_PER_SECOND: 32 * KiB,
  MAX_BYTE_BURST: 400 * KiB,
  MAX_AWARENESS_BYTES: 1 * KiB,
  MAX_AWARENESS_PER_SECOND: 5,
  MAX_AWARENESS_BURST: 10,
  MAX_DOCUMENT_BYTES: 256 * KiB
};

const bytes = (...b: number[]) => new Uint8Array(b);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** A y-protocols awareness update for one client, built by hand so the JSON can be anything. */
function awarenessUpdate(clientId: number, clock: number, json: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, json);
  return encoding.toUint8Array(e);
}

/** An auth frame: parsed, then ignored by the room; a valid frame of any size for rate tests. */
const authFrame = (size: number) => concat(bytes(MESSAGE_AUTH), new Uint8Array(size - 1));

/** Real Yjs updates of about `size` bytes each, from one local doc. */
function textUpdates(n: number, size: number): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < n; i++) doc.getText('bulk').insert(0, String.fromCharCode(97 + (i % 26)).repeat(size));
  doc.destroy();
  return out;
}

/** Random bytes that Yjs cannot decode as an update (checked, so the case means what it says). */
function garbageUpdate(seed: number): Uint8Array {
  const rand = mulberry32(seed);
  for (;;) {
    const b = randomBytes(rand, 64);
    try {
      Y.decodeUpdate(b);
    } catch {
      return b;
    }
  }
}

/**
 * A Yjs update with no structs and a delete set holding one zero-length range: Y.decodeUpdate
 * accepts it, Y.applyUpdate throws ("Unexpected case" in writeDsLen). Found by frame-fuzz.
 */
function zeroLengthDeleteUpdate(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // no structs
  encoding.writeVarUint(e, 1); // delete set: one client
  encoding.writeVarUint(e, 774_072_219);
  encoding.writeVarUint(e, 1); // one range
  encoding.writeVarUint(e, 13); // clock
  encoding.writeVarUint(e, 0); // len 0
  const update = encoding.toUint8Array(e);
  Y.decodeUpdate(update); // precondition: decodes
  return update;
}

type Case = { name: string; expect: CloseName; frames: () => (Uint8Array | string)[] };

const CASES: Case[] = [
  { name: 'empty frame', expect: 'malformedFrame', frames: () => [new Uint8Array(0)] },
  { name: 'text frame', expect: 'malformedFrame', frames: () => ['hello'] },
  { name: 'text frame holding a valid sync step 1', expect: 'malformedFrame', frames: () => [String.fromCharCode(0, 0, 1, 0)] },
  { name: 'truncated sync frame (payload shorter than its length)', expect: 'malformedFrame', frames: () => [bytes(0, 2, 10, 1, 2, 3)] },
  { name: 'truncated sync frame (no payload length)', expect: 'malformedFrame', frames: () => [bytes(0, 2)] },
  { name: 'truncated varint message type', expect: 'malformedFrame', frames: () => [bytes(0x80)] },
  { name: 'sync frame with only its type', expect: 'malformedFrame', frames: () => [bytes(0)] },
  { name: 'trailing bytes after query-awareness', expect: 'malformedFrame', frames: () => [concat(encodeQueryAwareness(), bytes(0))] },
  { name: 'trailing bytes after a valid sync step 1', expect: 'malformedFrame', frames: () => [concat(encodeSyncStep1(bytes(0)), bytes(7, 7))] },
  { name: 'unknown message type 7', expect: 'unknownMessageType', frames: () => [bytes(7)] },
  { name: 'unknown message type 99', expect: 'unknownMessageType', frames: () => [bytes(99)] },
  { name: 'server-only message type 100 (ack) from a client', expect: 'unknownMessageType', frames: () => [bytes(100, 0, 0)] },
  { name: 'unknown message type 300 (multi-byte varint)', expect: 'unknownMessageType', frames: () => [bytes(0xac, 0x02)] },
  { name: 'unknown sync sub-type 3', expect: 'unknownMessageType', frames: () => [bytes(0, 3, 0)] },
  { name: 'unknown sync sub-type 9 with payload', expect: 'unknownMessageType', frames: () => [bytes(0, 9, 2, 0, 0)] },
  { name: 'sync update of random bytes', expect: 'invalidUpdate', frames: () => [encodeSyncUpdate(garbageUpdate(1))] },
  { name: 'sync step 2 of random bytes', expect: 'invalidUpdate', frames: () => [encodeSyncStep2(garbageUpdate(2))] },
  { name: 'sync update whose delete set has a zero-length range', expect: 'invalidUpdate', frames: () => [encodeSyncUpdate(zeroLengthDeleteUpdate())] },
  { name: 'sync update with an empty payload', expect: 'invalidUpdate', frames: () => [encodeSyncUpdate(new Uint8Array(0))] },
  { name: 'step 1 with a truncated state vector', expect: 'malformedFrame', frames: () => [encodeSyncStep1(bytes(5))] },
  { name: 'step 1 with an unterminated varint state vector', expect: 'malformedFrame', frames: () => [encodeSyncStep1(bytes(1, 0x80))] },
  { name: 'step 1 with an empty state vector payload', expect: 'malformedFrame', frames: () => [encodeSyncStep1(new Uint8Array(0))] },
  { name: 'oversized frame (100 KiB > MAX_FRAME_BYTES 64 KiB)', expect: 'frameTooLarge', frames: () => [authFrame(100 * KiB)] },
  { name: 'oversized sync update', expect: 'frameTooLarge', frames: () => [encodeSyncUpdate(new Uint8Array(65 * KiB))] },
  { name: 'message flood (300 query-awareness > burst 100)', expect: 'messageRate', frames: () => Array.from({ length: 300 }, () => encodeQueryAwareness()) },
  { name: 'byte rate (8 × 60 KiB > byte burst 400 KiB)', expect: 'byteRate', frames: () => Array.from({ length: 8 }, () => authFrame(60 * KiB)) },
  {
    name: 'awareness payload over MAX_AWARENESS_BYTES',
    expect: 'awarenessTooLarge',
    frames: () => [encodeAwareness(awarenessUpdate(777_001, 1, JSON.stringify({ user: { name: 'x'.repeat(2 * KiB) } })))]
  },
  {
    name: 'awareness too frequent (30 updates > burst 10)',
    expect: 'awarenessRate',
    frames: () => Array.from({ length: 30 }, (_, i) => encodeAwareness(awarenessUpdate(777_002, i + 1, JSON.stringify({ cursor: i }))))
  },
  { name: 'malformed awareness JSON', expect: 'malformedFrame', frames: () => [encodeAwareness(awarenessUpdate(777_003, 1, '{"user": {'))] },
  { name: 'awareness update with trailing bytes', expect: 'malformedFrame', frames: () => [encodeAwareness(concat(awarenessUpdate(777_004, 1, '{}'), bytes(1)))] },
  { name: 'awareness update claiming more states than it holds', expect: 'malformedFrame', frames: () => [encodeAwareness(bytes(5, 1, 1, 2, 0x7b, 0x7d))] }
];

describe('bad frames close only the offending connection', () => {
  let server: TestServer;
  let roomA: string;
  let roomB: string;
  const clients: TestClient[] = [];
  const raws: RawClient[] = [];
  let good: TestClient;
  let goodCloses = 0;
  const goodTitles: string[] = [];
  const ana = createEditor('good-ana');

  const raw = async (room: string, name = 'mallory') => {
    const r = await connectRaw(server.wsUrl, room, server.token(room, 'editor', name));
    raws.push(r);
    return r;
  };
  const client = (room: string, name: string, role: 'editor' | 'viewer' = 'editor') => {
    const c = connectClient(server.wsUrl, room, server.token(room, role, name));
    clients.push(c);
    return c;
  };
  const addGood = (c: TestClient, editor = ana, n = 3) => {
    for (let i = 0; i < n; i++) {
      const title = `good-${goodTitles.length}`;
      goodTitles.push(title);
      addCard(c.doc, editor, { title, status: 'todo', rank: `r${String(goodTitles.length).padStart(4, '0')}` });
    }
  };
  const titles = (doc: Y.Doc) => cards.list(doc).map((c) => c.title).sort();

  beforeAll(async () => {
    server = await startServer({ env: Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])) });
    roomA = await server.createPlan('Hostile');
    roomB = await server.createPlan('Bystander');
    good = client(roomA, 'Good Ana');
    good.provider.on('connection-close', () => goodCloses++);
    await waitForSync(good);
    addGood(good);
  });

  afterAll(async () => {
    raws.forEach((r) => r.terminate());
    clients.forEach((c) => c.destroy());
    await server?.stop();
  });

  it.each(CASES)('$name → $expect', async (c) => {
    const bystander = await raw(roomA, 'bystander');
    await bystander.joined();
    const r = await raw(roomA);
    await r.joined();
    for (const f of c.frames()) r.send(f);
    const closed = await r.waitClose();
    expect(closed, `${c.name}: close`).toEqual(CLOSE[c.expect]);
    // Only that connection: the raw bystander and the stock client in the room stay open.
    expect(bystander.isOpen, 'bystander still open').toBe(true);
    const seen = bystander.frames.length;
    bystander.send(encodeQueryAwareness());
    await bystander.waitFrames((fs) => fs.length > seen, 'bystander still answered');
    bystander.close();
    expect(good.provider.wsconnected, 'good client still connected').toBe(true);
    expect(goodCloses, 'good client never closed').toBe(0);
  });

  it('frames sent before the room finished loading are checked the same way', async () => {
    const room = await server.createPlan('Cold');
    // No join wait: the frame is queued while the room loads, then replayed and refused.
    const r = await raw(room);
    r.send(bytes(99));
    expect(await r.waitClose()).toEqual(CLOSE.unknownMessageType);
  });

  it('a document growing past MAX_DOCUMENT_BYTES → documentTooLarge, and what fit is kept', async () => {
    const room = await server.createPlan('Big');
    const r = await raw(room);
    await r.joined();
    const updates = textUpdates(8, 50 * KiB); // 8 × 50 KiB = 400 KiB > 256 KiB, each frame < 64 KiB
    for (const u of updates) r.send(encodeSyncUpdate(u));
    expect(await r.waitClose()).toEqual(CLOSE.documentTooLarge);
    // The room still serves joins, with the updates that fit (whole ones, nothing torn).
    const state = await fetchRoomState(server.wsUrl, room, server.token(room, 'viewer', 'v'));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const len = doc.getText('bulk').length;
    doc.destroy();
    expect(len % (50 * KiB)).toBe(0);
    expect(len).toBeGreaterThanOrEqual(3 * 50 * KiB);
    expect(len).toBeLessThan(LIMITS.MAX_DOCUMENT_BYTES);
    // A stock client there still syncs (reads), and a further write closes it with the same code.
    const reader = client(room, 'Reader');
    await waitForSync(reader);
    expect(reader.doc.getText('bulk').length).toBe(len);
  });

  it('an update that decodes but fails to integrate → invalidUpdate, nothing partial committed or relayed', async () => {
    // A real update with one byte changed: Y.decodeUpdate accepts it, Y.applyUpdate throws halfway
    // (after integrating the first structs), and the part that did integrate cannot be applied by
    // anyone else ("Unexpected case").
    const base = new Y.Doc();
    base.clientID = 4242;
    base.getMap('m').set('a', 'hello');
    base.getArray('arr').insert(0, [1, 2, { x: 1 }]);
    base.getText('t').insert(0, 'abcdef');
    base.getText('t').delete(1, 2);
    const nested = new Y.Map();
    base.getMap('m').set('n', nested);
    nested.set('k', new Y.Array());
    const update = Y.encodeStateAsUpdate(base);
    base.destroy();
    update[46] = 0;
    // Preconditions, so the case means what it says.
    expect(() => Y.decodeUpdate(update)).not.toThrow();
    const probe = new Y.Doc();
    expect(() => Y.applyUpdate(probe, update)).toThrow();
    probe.destroy();

    const room = await server.createPlan('Torn');
    const watcher = await raw(room, 'watcher');
    await watcher.joined();
    const before = watcher.frames.length;
    const r = await raw(room);
    await r.joined();
    r.send(encodeSyncUpdate(update));
    const closed = await r.waitClose();
    // Let any commit and fan-out of a partial update happen before looking.
    await new Promise((res) => setTimeout(res, 200));
    const relayed = watcher.frames.slice(before).filter((f) => f[0] === 0).map((f) => hex(f));
    const stored = unreadableStoredUpdates(await server.server.store.load(room));
    const state = await fetchRoomState(server.wsUrl, room, server.token(room, 'viewer', 'v'));
    let joinError: string | null = null;
    const fresh = new Y.Doc();
    try {
      Y.applyUpdate(fresh, state);
    } catch (err) {
      joinError = String(err);
    }
    fresh.destroy();
    expect({ closed, relayed, stored, joinError }).toEqual({ closed: CLOSE.invalidUpdate, relayed: [], stored: [], joinError: null });
  });

  it('afterwards stock clients still sync and converge, in the same room and in another', async () => {
    expect(good.provider.wsconnected).toBe(true);
    const late = client(roomA, 'Good Bo');
    await waitForSync(late);
    addGood(good);
    addGood(late, createEditor('good-bo'));
    await waitFor(() => titles(good.doc).join() === titles(late.doc).join() && goodTitles.every((t) => titles(late.doc).includes(t)), 'room A converges');
    expect(Y.encodeStateVector(good.doc)).toEqual(Y.encodeStateVector(late.doc));

    const b1 = client(roomB, 'Cy');
    const b2 = client(roomB, 'Di');
    await Promise.all([waitForSync(b1), waitForSync(b2)]);
    addCard(b1.doc, createEditor('cy'), { title: 'b-from-cy', status: 'todo', rank: 'a' });
    addCard(b2.doc, createEditor('di'), { title: 'b-from-di', status: 'todo', rank: 'b' });
    await waitFor(() => titles(b1.doc).length === 2 && titles(b2.doc).join() === titles(b1.doc).join(), 'room B converges');

    const health = await healthz(server.url);
    expect(health.ok).toBe(true);
    expect(goodCloses).toBe(0);
  });

  it('after a restart the stored plan loads with the good edits, and nothing stored is unreadable', async () => {
    const expected = titles(good.doc);
    expect(expected).toEqual(expect.arrayContaining(goodTitles));
    // Let the last commits land, then stop every client before the restart.
    await waitFor(async () => !server.server.rooms.get(roomA)?.uncommitted, 'room A committed');
    clients.splice(0).forEach((c) => c.destroy());
    await server.restart();
    expect(unreadableStoredUpdates(await server.server.store.load(roomA))).toEqual([]);
    expect(unreadableStoredUpdates(await server.server.store.load(roomB))).toEqual([]);
    const again = client(roomA, 'Good Ana');
    await waitForSync(again);
    await waitFor(() => titles(again.doc).length === expected.length, 'restarted plan has every card', 5_000).catch(() => undefined);
    expect(titles(again.doc)).toEqual(expected);
    expect((await healthz(server.url)).ok).toBe(true);
  });
});
