/**
 * Target 2: a room's receive path, the way a Connection drives it (server/sync/connection.ts
 * `handle`: parseClientFrame, then room.receive; a ProtocolError closes that one connection).
 *
 * Each input gets a fresh real `Rooms` over a fresh memory store holding the checked-in fixture (a
 * plan with three cards, made by createPlanRoom, and a retro of it, made by createRetroRoom; see
 * make-seeds.ts), the real extensions (poker, retro), and 8 in-process peers: viewer, editor,
 * facilitator and admin in the plan and in the retro. The input decodes (room-ops.ts) into frames
 * from those peers, edits they make on their own replica and send, reconnects, and ticks that let
 * the group commit, the awareness flush and compaction run.
 *
 * A finding is:
 * - room.receive throwing anything but a ProtocolError;
 * - an uncaught exception or unhandled rejection while the input runs (timers: awareness flush,
 *   commit, compaction) — in the real server that ends the process;
 * - anything the server logs at level error (an extension that threw, a failed callback);
 * - a frame the server sends that a client cannot read (sync payloads are applied to the peer's
 *   replica, presence to its Awareness, private replies must be JSON);
 * - a room document that no longer round-trips through its own encoding, or whose committed state
 *   in the store is not what the room holds once everything is flushed.
 */
import * as decoding from 'lib0/decoding';
import { pino } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import * as protocol from '../../../shared/protocol.ts';
import { LIMITS, MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_PRIVATE, MESSAGE_SYNC, ProtocolError, readPrivateBody, type CloseName, type Role } from '../../../shared/protocol.ts';
import { EXTENSIONS } from '../../../server/extensions/index.ts';
import { createMetrics } from '../../../server/observability/metrics.ts';
import { createMemoryStore } from '../../../server/persistence/memory.ts';
import type { DocStore } from '../../../server/persistence/store.ts';
import type { Peer, Room } from '../../../server/sync/room.ts';
import { Rooms } from '../../../server/sync/rooms.ts';
import { FuzzFinding } from '../finding.ts';
import { OP, OP_KINDS, OpReader, PEERS } from '../room-ops.ts';
import { applyEdit } from '../edits.ts';
import fixture from '../fixtures/rooms.json' with { type: 'json' };

const ROLES: Role[] = ['viewer', 'editor', 'facilitator', 'admin'];
// A flush delay of 0 (a 1 ms timer): a tick's own 1 ms timer, set later, fires after the flush.
const limits = { ...LIMITS, awarenessFlushMs: 0 };
// The JSON bounds appeared with the hardening work; build against either version of the parser.
const bounds = (protocol as { jsonBounds?: (l: typeof limits) => unknown }).jsonBounds?.(limits);
const parse = (bytes: Uint8Array) => (protocol.parseClientFrame as (f: Uint8Array, b?: unknown) => protocol.ClientFrame)(bytes, bounds);
const EXTENSION_NAMES = ['poker', 'retro', 'nope'];
const MAX_OPS = 64;

const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const FIXTURE = fixture.rooms.map((r) => ({ ...r, data: fromBase64(r.data) }));
const PLAN = FIXTURE.find((r) => r.kind === 'plan')!;
const RETRO = FIXTURE.find((r) => r.kind === 'retro')!;

// One metrics registry for the whole run: a registry per input would leak default collectors.
const metrics = createMetrics();

/** Errors raised outside the fuzz function's own stack (timers, promises) during the current input. */
const escaped: unknown[] = [];
process.on('uncaughtException', (err) => escaped.push(err));
process.on('unhandledRejection', (err) => escaped.push(err));

class FuzzPeer implements Peer {
  static next = 0;
  readonly id = `p${++FuzzPeer.next}`;
  readonly awarenessIds = new Set<number>();
  toldReadOnly = false;
  readonly author: string;
  readonly name: string;
  readonly canWrite: boolean;
  readonly wantsAck: boolean;
  closed: CloseName | null = null;
  private replica: Y.Doc | null = null;
  private presence: awarenessProtocol.Awareness | null = null;

  constructor(
    readonly slot: number,
    readonly role: Role,
    readonly room: Room,
    private readonly onClose: (peer: FuzzPeer) => void
  ) {
    this.author = `u-${role}`;
    this.name = `Fuzz ${role}`;
    this.canWrite = role !== 'viewer';
    // The plan's viewer is a stock client that never asked for acks; everyone else did.
    this.wantsAck = slot !== 0;
  }

  /**
   * The client's replica: starts as the fixture (as if from its offline store) and follows what the
   * server sends. Made on first use: most inputs never need most peers' replicas.
   */
  get doc(): Y.Doc {
    if (!this.replica) {
      this.replica = new Y.Doc();
      this.replica.clientID = 1000 + this.slot;
      Y.applyUpdate(this.replica, (this.room.kind === 'plan' ? PLAN : RETRO).data);
    }
    return this.replica;
  }

  get awareness(): awarenessProtocol.Awareness {
    if (!this.presence) {
      this.presence = new awarenessProtocol.Awareness(this.doc);
      this.presence.setLocalState(null);
    }
    return this.presence;
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    try {
      const d = decoding.createDecoder(frame);
      const type = decoding.readVarUint(d);
      if (type === MESSAGE_SYNC) {
        const sub = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (sub === 0) Y.decodeStateVector(payload);
        // A replica made only to read this would cost more than the room's own work: decode instead.
        else if (this.replica || sub === 1) Y.applyUpdate(this.doc, payload, 'server');
        else Y.decodeUpdate(payload);
      } else if (type === MESSAGE_AWARENESS) awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), 'server');
      else if (type === MESSAGE_PRIVATE) {
        if (readPrivateBody(d) === null) throw new Error('private reply is not readable JSON');
      } else if (type !== MESSAGE_AUTH && type !== protocol.MESSAGE_ACK) throw new Error(`unknown message type ${type}`);
    } catch (err) {
      throw new FuzzFinding(`server sent ${this.role} a frame a client cannot read (${Buffer.from(frame.subarray(0, 24)).toString('hex')})`, err);
    }
  }

  close(name: CloseName): void {
    if (this.closed) return;
    this.closed = name;
    this.onClose(this);
  }

  destroy(): void {
    this.presence?.destroy();
    this.replica?.destroy();
  }
}

/** The memory store holding the fixture rooms, as createPlanRoom/createRetroRoom left them. */
async function fixtureStore(): Promise<DocStore> {
  const store = createMemoryStore();
  for (const r of FIXTURE) {
    await store.append([{ room: r.room, data: r.data, receivedAt: r.createdAt, author: r.createdBy }]);
    await store.registerRoom({ room: r.room, kind: r.kind, createdAt: r.createdAt, createdBy: r.createdBy });
  }
  return store;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function docsEqual(a: Y.Doc, b: Y.Doc): boolean {
  return Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)));
}

function loadedDoc(loaded: Awaited<ReturnType<DocStore['load']>>): Y.Doc {
  const doc = new Y.Doc();
  if (loaded.checkpoint) Y.applyUpdate(doc, loaded.checkpoint.data);
  for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
  return doc;
}

export async function fuzz(data: Uint8Array): Promise<void> {
  escaped.length = 0;
  const errors: string[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
  let clock = PLAN.createdAt + 86_400_000;
  const store = await fixtureStore();
  const rooms = new Rooms({
    store,
    limits,
    log,
    metrics,
    roomIdleMs: 3_600_000,
    // Small, so a few commits reach compaction.
    compactEntries: 8,
    compactBytes: 1 << 20,
    retentionDays: 0,
    extensions: EXTENSIONS,
    serverId: 'fuzz',
    now: () => clock
  });
  const plan = await rooms.acquire(PLAN.room, 'plan');
  const retro = await rooms.acquire(RETRO.room, 'retro');
  const peers: FuzzPeer[] = [];
  const gone: FuzzPeer[] = [];
  // Connection.detach: leave the room, then the server releases it.
  const onClose = (p: FuzzPeer) => {
    p.room.leave(p);
    rooms.released(p.room);
  };
  const connect = (slot: number) => {
    const room = slot < 4 ? plan : retro;
    const peer = new FuzzPeer(slot, ROLES[slot % 4], room, onClose);
    if (peers[slot]) gone.push(peers[slot]);
    peers[slot] = peer;
    if (!room.destroyed) room.join(peer);
    return peer;
  };
  const tick = async () => {
    // Updates queued behind a first write's claim, or a large one in steps, finish first.
    for (const room of [plan, retro]) await room.settled();
    await rooms.commit.flush();
    await sleep(1);
    for (const room of [plan, retro]) await room.settled();
    await rooms.commit.flush();
    clock += 1000;
  };
  const check = (where: string) => {
    if (escaped.length) throw new FuzzFinding(`uncaught error (${where})`, escaped[0]);
    if (errors.length) throw new FuzzFinding(`server logged an error (${where})`, new Error(errors[0].slice(0, 2000)));
  };

  try {
    for (let slot = 0; slot < PEERS; slot++) connect(slot);
    const input = new OpReader(data);
    for (let n = 0; n < MAX_OPS && !input.done; n++) {
      const header = input.byte()!;
      const kind = (header >> 3) % OP_KINDS;
      let peer = peers[header & 7];
      if (kind === OP.tick) {
        await tick();
        check('tick');
        continue;
      }
      if (peer.closed || kind === OP.rejoin) {
        if (!peer.closed) peer.close('goingAway');
        peer = connect(peer.slot);
        if (kind === OP.rejoin) continue;
      }
      // null: the input ended mid-operation; undefined: nothing to send.
      let frame: Uint8Array | null | undefined;
      switch (kind) {
        case OP.raw:
          frame = input.blob();
          break;
        case OP.step1:
        case OP.step2:
        case OP.update:
        case OP.awareness: {
          const payload = input.blob();
          const encode = [protocol.encodeSyncStep1, protocol.encodeSyncStep2, protocol.encodeSyncUpdate, protocol.encodeAwareness][kind - OP.step1];
          frame = payload && encode(payload);
          break;
        }
        case OP.queryAwareness:
          frame = protocol.encodeQueryAwareness();
          break;
        case OP.private: {
          const ext = input.byte();
          const json = input.blob();
          if (ext === null || json === null) frame = null;
          else frame = privateFrame(EXTENSION_NAMES[ext] ?? String.fromCharCode(ext), json);
          break;
        }
        default: {
          const what = input.byte();
          const text = input.blob();
          frame = what === null || text === null ? null : applyEdit(peer.doc, peer.room.kind, what, new TextDecoder().decode(text));
        }
      }
      if (frame === null) break;
      if (frame) receive(peer, frame);
      check(`op ${n}`);
    }
    await tick();
    check('final tick');
    for (const room of [plan, retro]) {
      if (room.destroyed) continue;
      const copy = new Y.Doc();
      try {
        Y.applyUpdate(copy, room.encodeState());
        if (!docsEqual(copy, room.doc)) throw new FuzzFinding(`${room.kind} doc does not round-trip through its own encoding`);
      } catch (err) {
        throw err instanceof FuzzFinding ? err : new FuzzFinding(`${room.kind} doc cannot be encoded and read back`, err);
      } finally {
        copy.destroy();
      }
      if (room.uncommitted) throw new FuzzFinding(`${room.kind} still has uncommitted updates after a flush`);
      const stored = loadedDoc(await store.load(room.name));
      try {
        if (!docsEqual(stored, room.doc)) throw new FuzzFinding(`${room.kind}: the store's committed state differs from the room's doc`);
      } finally {
        stored.destroy();
      }
    }
    await rooms.shutdown();
    await sleep(0);
    check('shutdown');
  } finally {
    for (const p of [...peers, ...gone]) p?.destroy();
    if (!plan.destroyed || !retro.destroyed) await rooms.shutdown().catch(() => {});
  }
}

/** Connection.handle without the rate limits: the size cap on private messages, parse, receive. */
function receive(peer: FuzzPeer, bytes: Uint8Array): void {
  try {
    if (bytes[0] === MESSAGE_PRIVATE && bytes.length > limits.maxPrivateBytes) throw new ProtocolError('frameTooLarge', 'private message');
    const frame = parse(bytes);
    peer.room.receive(peer, frame);
  } catch (err) {
    if (err instanceof FuzzFinding) throw err;
    if (err instanceof ProtocolError) return peer.close(err.close);
    throw new FuzzFinding(`room.receive threw (${peer.role} in the ${peer.room.kind})`, err);
  }
}

function privateFrame(extension: string, json: Uint8Array): Uint8Array {
  const ext = new TextEncoder().encode(extension);
  const out: number[] = [MESSAGE_PRIVATE];
  const varUint = (n: number) => {
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
  };
  varUint(ext.length);
  out.push(...ext);
  varUint(json.length);
  for (const b of json) out.push(b);
  return Uint8Array.from(out);
}
