/**
 * Seeded frame fuzzing. Valid frames (sync step 1/2/update with real Yjs updates, awareness,
 * query-awareness, auth) are mutated — bit flips, truncations, extensions, random type bytes,
 * random varints, valid sync envelopes around garbage or bit-flipped Yjs updates — and mixed with
 * pure random bytes, then sent over 20 concurrent lanes of raw connections (a lane reconnects after
 * each close). After every frame a sync step 1 asks the server for an answer, so each frame is
 * known to be processed (or the connection closed) before the next one.
 *
 * Checked: every close carries a client-fault code from CLOSE (never 1006/1011, never `internal`,
 * which means the server threw on client input), every frame gets an answer, the server stays up,
 * a control pair of stock clients in another room keeps converging throughout, a mirror client in
 * the fuzzed room can apply everything it is sent and ends equal to a fresh joiner, and every
 * update stored for the fuzzed room is readable.
 *
 * Reproduce with FUZZ_SEED=<seed> (printed in the suite name and in every failure).
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
import { connectRaw, fetchRoomState, healthz, hex, mirrorDoc, mulberry32, randomBytes, readSyncFrame, unreadableStoredUpdates, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed2024;
const FRAMES = process.env.FUZZ_FRAMES ? Number(process.env.FUZZ_FRAMES) : 400;
const LANES = 20;
const VIEWER_LANES = 4;
const ANSWER_TIMEOUT_MS = 3_000;

/** Closes a client can earn by what it sends. Anything else (1006, 1011, 4500 internal, …) is a server fault. */
const CLIENT_FAULTS: CloseName[] = [
  'malformedFrame',
  'unknownMessageType',
  'frameTooLarge',
  'awarenessTooLarge',
  'documentTooLarge',
  'invalidUpdate',
  'messageRate',
  'byteRate',
  'awarenessRate',
  'impersonation',
  // Lanes are different people writing from one generated Yjs client: the first to write owns it.
  'clientIdTaken'
];
const ALLOWED = new Map<number, CloseName>(CLIENT_FAULTS.map((n) => [CLOSE[n].code, n]));

type Fuzzed = { kind: string; frame: Uint8Array };

/** All frames, generated up front from the seed, so the sequence never depends on timing. */
function generateFrames(seed: number, n: number): Fuzzed[] {
  const rand = mulberry32(seed);
  const int = (max: number) => Math.floor(rand() * max);
  const pick = <T>(xs: T[]) => xs[int(xs.length)];
  const chain = new Y.Doc(); // a doc whose updates build on each other (some arrive before their deps)
  chain.clientID = 1 + int(2 ** 30);
  let awarenessClock = 0;
  const awarenessId = 1 + int(2 ** 30);

  const editOnce = (doc: Y.Doc): Uint8Array => {
    let update: Uint8Array | null = null;
    const grab = (u: Uint8Array) => (update = u);
    doc.on('update', grab);
    const text = doc.getText(pick(['notes', 'title', 't']));
    switch (int(5)) {
      case 0:
        doc.getMap(pick(['meta', 'm', 'cards'])).set(`k${int(20)}`, pick([int(1000), `v${int(100)}`, { x: int(9) }, null, [1, 2]]));
        break;
      case 1:
        text.insert(int(text.length + 1), `s${int(1e6)}`);
        break;
      case 2:
        if (text.length > 1) text.delete(int(text.length - 1), 1);
        else text.insert(0, 'seed');
        break;
      case 3:
        doc.getArray('arr').insert(0, [int(100), `a${int(100)}`]);
        break;
      default: {
        const m = new Y.Map<unknown>();
        m.set('n', int(100));
        doc.getMap('nested').set(`n${int(10)}`, m);
      }
    }
    doc.off('update', grab);
    return update ?? Y.encodeStateAsUpdate(doc);
  };
  const freshUpdate = () => {
    const d = new Y.Doc();
    d.clientID = 1 + int(2 ** 30);
    const u = editOnce(d);
    d.destroy();
    return u;
  };
  const yjsUpdate = () => (rand() < 0.5 ? freshUpdate() : editOnce(chain));
  /** A many-struct update (origins, deletes, formatting, nested types) from a fresh client. */
  const richUpdate = () => {
    const d = new Y.Doc();
    d.clientID = 1 + int(2 ** 30);
    const t = d.getText('t');
    t.insert(0, `abcdef${int(100)}`);
    t.delete(1 + int(2), 2);
    t.insert(2, 'XY');
    t.format(0, 2, { bold: true });
    d.getMap('m').set('a', 'hello');
    d.getArray('arr').insert(0, [1, 2, { x: int(9) }]);
    const nested = new Y.Map<unknown>();
    d.getMap('m').set('n', nested);
    nested.set('k', new Y.Array());
    d.getArray('arr').delete(int(2), 1);
    d.getMap('m').set('a', 'bye');
    for (let i = int(4); i > 0; i--) editOnce(d);
    const u = Y.encodeStateAsUpdate(d);
    d.destroy();
    return u;
  };
  /** Bit flips, or bytes set to small values (lengths, counts, info bits are small numbers). */
  const corrupt = (b: Uint8Array) => {
    const out = b.slice();
    for (let i = 1 + int(3); i > 0; i--) {
      const at = int(out.length);
      if (rand() < 0.5) out[at] ^= 1 << int(8);
      else out[at] = int(8);
    }
    return out;
  };
  const awarenessPayload = () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, awarenessId);
    encoding.writeVarUint(e, ++awarenessClock);
    encoding.writeVarString(e, JSON.stringify(pick([{ cursor: int(100) }, { user: { name: `f${int(9)}` } }, null, {}])));
    return encoding.toUint8Array(e);
  };
  const stateVector = () => {
    if (rand() < 0.5) return Y.encodeStateVector(chain);
    const e = encoding.createEncoder();
    const k = int(4);
    encoding.writeVarUint(e, k);
    for (let i = 0; i < k; i++) {
      encoding.writeVarUint(e, int(2 ** 31));
      encoding.writeVarUint(e, int(1000));
    }
    return encoding.toUint8Array(e);
  };
  const validFrame = (): Uint8Array => {
    switch (int(7)) {
      case 0:
        return encodeSyncStep1(stateVector());
      case 1:
        return encodeSyncStep2(yjsUpdate());
      case 2:
      case 3:
        return encodeSyncUpdate(yjsUpdate());
      case 4:
        return encodeAwareness(awarenessPayload());
      case 5:
        return encodeQueryAwareness();
      default:
        return new Uint8Array([MESSAGE_AUTH, ...randomBytes(rand, int(8))]);
    }
  };
  const randomVarint = () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, pick([int(128), int(2 ** 14), int(2 ** 32), 2 ** 31, 2 ** 53 - 1, int(2 ** 53)]));
    const b = encoding.toUint8Array(e);
    // Sometimes an unterminated or over-long varint.
    if (rand() < 0.2) return new Uint8Array([...b.slice(0, -1), 0x80 | b[b.length - 1]]);
    if (rand() < 0.1) return new Uint8Array(Array.from({ length: 10 + int(4) }, () => 0xff));
    return b;
  };
  const flipBits = (b: Uint8Array, flips: number) => {
    const out = b.slice();
    if (out.length === 0) return out;
    for (let i = 0; i < flips; i++) out[int(out.length)] ^= 1 << int(8);
    return out;
  };
  const splice = (b: Uint8Array, at: number, remove: number, insert: Uint8Array) =>
    new Uint8Array([...b.slice(0, at), ...insert, ...b.slice(Math.min(b.length, at + remove))]);

  const mutations: [weight: number, kind: string, make: () => Uint8Array][] = [
    [8, 'valid', validFrame],
    [14, 'bit flips', () => flipBits(validFrame(), 1 + int(4))],
    [8, 'truncated', () => {
      const b = validFrame();
      return b.slice(0, int(b.length));
    }],
    [8, 'extended', () => new Uint8Array([...validFrame(), ...randomBytes(rand, 1 + int(16))])],
    [8, 'random type', () => {
      const b = validFrame();
      return rand() < 0.5 ? new Uint8Array([int(256), ...b.slice(1)]) : splice(b, 0, 1, randomVarint());
    }],
    [8, 'random varint', () => {
      const b = validFrame();
      const at = int(b.length + 1);
      return splice(b, at, rand() < 0.5 ? 0 : 1 + int(3), randomVarint());
    }],
    [10, 'garbage in a sync envelope', () => {
      const payload = randomBytes(rand, int(80));
      return pick([encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, encodeSyncUpdate])(payload);
    }],
    [10, 'bit-flipped Yjs update in a sync envelope', () => pick([encodeSyncStep2, encodeSyncUpdate])(flipBits(yjsUpdate(), 1 + int(3)))],
    [24, 'corrupted many-struct Yjs update in a sync envelope', () => pick([encodeSyncStep2, encodeSyncUpdate])(corrupt(richUpdate()))],
    [6, 'bit-flipped awareness in an envelope', () => encodeAwareness(flipBits(awarenessPayload(), 1 + int(3)))],
    [12, 'random bytes', () => randomBytes(rand, int(48))]
  ];
  const total = mutations.reduce((s, [w]) => s + w, 0);
  const frames: Fuzzed[] = [];
  for (let i = 0; i < n; i++) {
    let r = rand() * total;
    const [, kind, make] = mutations.find(([w]) => (r -= w) < 0) ?? mutations[0];
    frames.push({ kind, frame: make() });
  }
  chain.destroy();
  return frames;
}

const BARRIER = encodeSyncStep1(new Uint8Array([0])); // "send me everything": always answered with a step 2
const isStep2 = (f: Uint8Array) => readSyncFrame(f)?.sub === 1;

describe(`frame fuzz (seed ${SEED}; reproduce with FUZZ_SEED=${SEED})`, () => {
  let server: TestServer;
  let fuzzRoom: string;
  let controlRoom: string;
  const clients: TestClient[] = [];
  const raws: RawClient[] = [];

  beforeAll(async () => {
    server = await startServer();
    fuzzRoom = await server.createPlan('Fuzzed');
    controlRoom = await server.createPlan('Control');
  });
  afterAll(async () => {
    raws.forEach((r) => r.terminate());
    clients.forEach((c) => c.destroy());
    await server?.stop();
  });

  it(`${FRAMES} mutated and random frames: only client-fault closes, server up, rooms consistent`, async () => {
    const frames = generateFrames(SEED, FRAMES);
    const failures: string[] = [];
    const closesByName = new Map<string, number>();
    let connections = 0;
    let stillOpen = 0;

    // Control: two stock clients in another room keep converging while the fuzzing runs.
    const k1 = connectClient(server.wsUrl, controlRoom, server.token(controlRoom, 'editor', 'Ctl One'));
    const k2 = connectClient(server.wsUrl, controlRoom, server.token(controlRoom, 'editor', 'Ctl Two'));
    clients.push(k1, k2);
    await Promise.all([waitForSync(k1), waitForSync(k2)]);
    // Mirror: a reader in the fuzzed room that applies everything it is sent, recording failures.
    const mirrorRaw = await connectRaw(server.wsUrl, fuzzRoom, server.token(fuzzRoom, 'viewer', 'Mirror'));
    raws.push(mirrorRaw);
    await mirrorRaw.joined();
    const mirror = mirrorDoc(mirrorRaw);
    await waitFor(() => mirror.doc.getMap('meta').size > 0, 'mirror has the plan', 5_000);

    let fuzzing = true;
    let controlRounds = 0;
    const control = (async () => {
      const editors = [createEditor('ctl-one'), createEditor('ctl-two')];
      while (fuzzing) {
        const [from, to] = controlRounds % 2 === 0 ? [k1, k2] : [k2, k1];
        const title = `control-${controlRounds}`;
        addCard(from.doc, editors[controlRounds % 2], { title, status: 'todo', rank: `r${String(controlRounds).padStart(5, '0')}` });
        try {
          await waitFor(() => cards.list(to.doc).some((c) => c.title === title), `control card ${title}`, 3_000);
          if (controlRounds % 5 === 0) await healthz(server.url);
        } catch (err) {
          failures.push(`control room: ${(err as Error).message}`);
          return;
        }
        controlRounds++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const lane = async (index: number) => {
      const mine = frames.filter((_, i) => i % LANES === index);
      const role = index < VIEWER_LANES ? 'viewer' : 'editor';
      const token = server.token(fuzzRoom, role, `fuzz-${index}`);
      let conn: RawClient | null = null;
      let barriers = 0;
      let sentHere: Fuzzed[] = [];
      for (const f of mine) {
        if (!conn || conn.closeInfo) {
          conn = await connectRaw(server.wsUrl, fuzzRoom, token);
          raws.push(conn);
          connections++;
          await conn.joined();
          barriers = 0;
          sentHere = [];
        }
        const c: RawClient = conn;
        sentHere.push(f);
        c.send(f.frame);
        c.send(BARRIER);
        barriers++;
        try {
          await c.waitFrames(() => c.closeInfo || c.frames.filter(isStep2).length >= barriers, 'an answer', ANSWER_TIMEOUT_MS);
        } catch {
          if (!c.closeInfo) {
            failures.push(`lane ${index}: no answer within ${ANSWER_TIMEOUT_MS} ms after ${f.kind} frame ${hex(f.frame)}`);
            c.terminate();
            continue;
          }
        }
        if (c.closeInfo) {
          const { code, reason } = c.closeInfo;
          const name = ALLOWED.get(code);
          closesByName.set(name ?? String(code), (closesByName.get(name ?? String(code)) ?? 0) + 1);
          if (!name || CLOSE[name].reason !== reason) {
            const recent = sentHere.slice(-2).map((s) => `${s.kind}: ${hex(s.frame)}`).join(' | then | ');
            failures.push(`lane ${index} (${role}): closed ${code} "${reason}" after ${recent}`);
          }
        }
      }
      if (conn && !conn.closeInfo) stillOpen++;
    };
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    fuzzing = false;
    await control;

    const summary = `seed ${SEED}: ${FRAMES} frames, ${connections} connections, ${stillOpen} lanes still open, closes ${JSON.stringify(Object.fromEntries(closesByName))}, ${controlRounds} control rounds`;
    console.log(`frame fuzz — ${summary}`);

    // The server is up and the control room still converges.
    expect((await healthz(server.url)).ok, summary).toBe(true);
    expect(controlRounds, summary).toBeGreaterThan(0);
    const finalCard = 'control-final';
    addCard(k2.doc, createEditor('ctl-two'), { title: finalCard, status: 'todo', rank: 'z' });
    await waitFor(() => cards.list(k1.doc).some((c) => c.title === finalCard), 'control room converges after fuzzing', 5_000);
    expect(Y.encodeStateVector(k1.doc), summary).toEqual(Y.encodeStateVector(k2.doc));

    // The mirror in the fuzzed room ends equal to a fresh joiner, and applied everything it got.
    expect(mirrorRaw.isOpen, `mirror still connected (${summary})`).toBe(true);
    await waitFor(async () => !server.server.rooms.get(fuzzRoom)?.uncommitted, 'fuzzed room committed', 5_000);
    let fresh: Y.Doc | null = null;
    let freshError: string | null = null;
    try {
      const state = await fetchRoomState(server.wsUrl, fuzzRoom, server.token(fuzzRoom, 'viewer', 'Fresh'));
      fresh = new Y.Doc();
      Y.applyUpdate(fresh, state);
    } catch (err) {
      freshError = String(err);
    }
    if (fresh) {
      const f = fresh;
      await waitFor(() => Y.equalSnapshots(Y.snapshot(mirror.doc), Y.snapshot(f)), 'mirror equals a fresh joiner', 5_000).catch(() => undefined);
    }
    const equal = fresh ? Y.equalSnapshots(Y.snapshot(mirror.doc), Y.snapshot(fresh)) : false;
    fresh?.destroy();
    const stored = unreadableStoredUpdates(await server.server.store.load(fuzzRoom));

    expect(
      { failures, mirrorErrors: mirror.errors, freshError, mirrorEqualsFreshJoiner: equal, unreadableStored: stored },
      summary
    ).toEqual({ failures: [], mirrorErrors: [], freshError: null, mirrorEqualsFreshJoiner: true, unreadableStored: [] });
    mirror.doc.destroy();
  });
});
