/**
 * The load generator: a child process of its own (separate from the servers) holding hundreds of
 * raw y-websocket clients over `ws`. A stock WebsocketProvider per client (awareness, timers,
 * reconnect logic, a full Y.Doc applying every update) is too heavy for 500 clients in one process;
 * these speak the same wire protocol with lib0 encoding:
 *
 *   open → send [sync step1][state vector]; answer the server's step 1 with a step 2;
 *   "synced" when the server's step 2 arrives; live edits are [sync update] frames.
 *
 * Each client's writes come from a real Y.Doc (a Y.Map set under its own key with the send time
 * embedded), so the servers do real Yjs work on real updates.
 *
 * Driven over IPC by run.ts (see load-driver.ts): `{ id, op, args }` in, `{ id, ok, result | error }`
 * out. Every op is bounded in time. Progress goes to stderr.
 */
import fs from 'node:fs';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { signToken } from '../../server/auth/token.ts';
import { decodeAck, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, MESSAGE_ACK, MESSAGE_SYNC, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from '../../shared/protocol.ts';
import { round, summarize } from './stats.ts';
import { newPhase, Tracker } from './tracker.ts';
import { serveEventLoopDelay } from './event-loop.ts';

export type Target = { kind: 'plenary' | 'reference'; port: number; secret: string | null };

const tracker = new Tracker();
let nextUser = 0;
let unexpectedCloses = 0;
/** Plenary clients connect with ?ack=1 and get acks; the reference server sends none. */
let acksExpected = false;

function urlFor(target: Target, room: string): string {
  if (target.kind === 'reference') return `ws://127.0.0.1:${target.port}/${room}`;
  const n = ++nextUser;
  const token = signToken(target.secret!, { sub: `bench-${n}`, name: `Bench ${n}`, room, role: 'editor', exp: Math.floor(Date.now() / 1000) + 3600 });
  return `ws://127.0.0.1:${target.port}/sync/${room}?token=${encodeURIComponent(token)}&ack=1`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now();

class Client {
  readonly doc = new Y.Doc();
  private readonly map = this.doc.getMap<unknown>('bench');
  private readonly key = `w${this.doc.clientID}`;
  private ws: WebSocket | null = null;
  synced = false;
  closing = false;
  /** Set on the clients of a room: everyone in `peers` (this one included) shares one array. */
  peers: Client[] = [];
  /** Sends waiting for their ack: [end clock, send time] pairs, in order. */
  private ackQueue: number[] = [];
  private ackHead = 0;
  private seq = 0;
  /** Full-state mode (initial sync): apply the server's step 2 into `doc`. */
  applyStep2 = false;
  step2Bytes = 0;
  private onSynced: (() => void) | null = null;

  constructor(readonly room: string) {}

  get id(): number {
    return this.doc.clientID;
  }

  get open(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.synced && !this.closing;
  }

  /** Opens the socket; resolves with ms from open start to the server's step 2 (applied, in full-state mode). */
  connect(url: string, timeoutMs: number): Promise<{ ms: number; receivedMs: number }> {
    const t0 = now();
    let receivedAt = 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no sync within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.onSynced = null;
        this.ws?.terminate();
        reject(err);
      };
      this.onSynced = () => {
        clearTimeout(timer);
        this.onSynced = null;
        resolve({ ms: now() - t0, receivedMs: receivedAt - t0 });
      };
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      this.ws = ws;
      ws.binaryType = 'nodebuffer';
      ws.on('open', () => ws.send(encodeSyncStep1(Y.encodeStateVector(this.doc))));
      ws.on('message', (data: Buffer) => {
        if (data[1] === SYNC_STEP2 && data[0] === MESSAGE_SYNC && !this.synced) receivedAt = now();
        this.onMessage(data);
      });
      ws.on('error', (err) => {
        if (!this.synced) fail(err);
      });
      ws.on('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode} on upgrade`)));
      ws.on('close', (code, reason) => {
        if (!this.synced) return fail(new Error(`closed before sync: ${code} ${reason}`));
        if (!this.closing) {
          unexpectedCloses++;
          process.stderr.write(`client in ${this.room} closed by server: ${code} ${reason}\n`);
        }
        this.closing = true;
      });
    });
  }

  private onMessage(data: Buffer): void {
    const t = now();
    // Every message type the servers send (0, 1, 2, 100) and every sync sub-type is a one-byte varuint.
    const type = data[0];
    if (type === MESSAGE_SYNC) {
      const sub = data[1];
      if (sub === SYNC_UPDATE) return tracker.received(this.id, data, 2, t);
      if (sub === SYNC_STEP1) {
        const d = decoding.createDecoder(data);
        decoding.readVarUint(d);
        decoding.readVarUint(d);
        const sv = decoding.readVarUint8Array(d);
        this.ws!.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, sv)));
        return;
      }
      if (sub === SYNC_STEP2) {
        if (this.synced) return;
        if (this.applyStep2) {
          const d = decoding.createDecoder(data);
          decoding.readVarUint(d);
          decoding.readVarUint(d);
          const update = decoding.readVarUint8Array(d);
          this.step2Bytes = update.length;
          Y.applyUpdate(this.doc, update);
        }
        this.synced = true;
        this.onSynced?.();
      }
      return;
    }
    if (type === MESSAGE_ACK) {
      const ack = decodeAck(data);
      const durable = ack?.clocks.get(this.id);
      if (durable === undefined) return;
      const q = this.ackQueue;
      while (this.ackHead < q.length && q[this.ackHead] <= durable) {
        tracker.phase.acks.push(t - q[this.ackHead + 1]);
        this.ackHead += 2;
      }
      if (this.ackHead > 4096) {
        this.ackQueue = q.slice(this.ackHead);
        this.ackHead = 0;
      }
    }
    // Awareness (1) and auth (2) frames are not part of these measurements.
  }

  get pendingAcks(): number {
    return (this.ackQueue.length - this.ackHead) / 2;
  }

  /** One small real edit: set this client's key to { t, n } and send the update. */
  write(done: ((ms: number) => void) | null = null): { from: number; to: number } | null {
    if (!this.open) return null;
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array) => (update = u);
    this.doc.on('update', capture);
    const from = Y.getState(this.doc.store, this.id);
    this.map.set(this.key, { t: Date.now(), n: ++this.seq });
    const to = Y.getState(this.doc.store, this.id);
    this.doc.off('update', capture);
    const t = now();
    let expected = 0;
    for (const p of this.peers) if (p !== this && p.open) expected++;
    tracker.sent(this.id, from, to, expected, t, done);
    if (acksExpected) this.ackQueue.push(to, t);
    this.ws!.send(encodeSyncUpdate(update!));
    return { from, to };
  }

  /** Sends a prepared update as-is (seeding the reference server with the big plan). */
  sendRaw(frame: Uint8Array): void {
    this.ws!.send(frame);
  }

  close(): Promise<void> {
    this.closing = true;
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 3_000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close();
    });
  }

  destroy(): void {
    this.doc.destroy();
  }
}

type Group = { clients: Client[]; byRoom: Map<string, Client[]> };
const groups = new Map<string, Group>();

function group(name: string): Group {
  let g = groups.get(name);
  if (!g) groups.set(name, (g = { clients: [], byRoom: new Map() }));
  return g;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ops

/** Adds `perRoom` clients to each of `rooms` in `group`; connects with at most `concurrency` at once. */
async function connect(args: { group: string; target: Target; rooms: string[]; perRoom: number; concurrency: number }) {
  const g = group(args.group);
  const fresh: Client[] = [];
  for (let i = 0; i < args.perRoom; i++) for (const room of args.rooms) fresh.push(new Client(room));
  let failed = 0;
  const t0 = now();
  const times = await pool(fresh, args.concurrency, async (c) => {
    try {
      return (await c.connect(urlFor(args.target, c.room), 30_000)).ms;
    } catch (err) {
      failed++;
      if (failed <= 5) process.stderr.write(`connect failed: ${(err as Error).message}\n`);
      return null;
    }
  });
  const totalMs = now() - t0;
  for (const c of fresh) {
    if (!c.synced) continue;
    g.clients.push(c);
    let peers = g.byRoom.get(c.room);
    if (!peers) g.byRoom.set(c.room, (peers = []));
    peers.push(c);
    c.peers = peers;
  }
  return {
    added: fresh.length - failed,
    failed,
    clients: g.clients.length,
    rooms: g.byRoom.size,
    totalMs: round(totalMs),
    perClientMs: summarize(times.filter((t): t is number => t !== null))
  };
}

/** One writer at a time: send, wait until every other client in its room has it, next writer. */
async function sequential(args: { group: string; seconds: number; maxSamples: number; gapMs: number; timeoutMs: number }) {
  const g = group(args.group);
  tracker.phase = newPhase();
  let timeouts = 0;
  const deadline = now() + args.seconds * 1000;
  let i = 0;
  while (now() < deadline && i < args.maxSamples) {
    const writer = g.clients[i++ % g.clients.length];
    if (!writer.open) continue;
    let sent: { from: number; to: number } | null = null;
    const delivered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), args.timeoutMs);
      sent = writer.write(() => {
        clearTimeout(timer);
        resolve(true);
      });
      if (!sent) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    if (!delivered && sent) {
      timeouts++;
      const { from, to } = sent as { from: number; to: number };
      for (let c = from; c < to; c++) tracker.forget(writer.id, c);
      tracker.phase.fanout.push(args.timeoutMs);
    }
    if (args.gapMs > 0) await sleep(args.gapMs);
  }
  const phase = tracker.phase;
  return { clients: g.clients.length, samples: phase.fanout.length, timeouts, fanoutMs: summarize(phase.fanout), acksMs: summarize(phase.acks) };
}

/**
 * Open-loop traffic: `rate` updates/s in aggregate, round-robin over every client of the group,
 * for `seconds`; then waits up to `drainMs` for the last deliveries and acks. Updates not delivered
 * to every other client by then count as undelivered, with their age as a lower bound.
 */
async function traffic(args: { group: string; rate: number; seconds: number; drainMs: number }) {
  const g = group(args.group);
  tracker.phase = newPhase();
  const closesBefore = unexpectedCloses;
  const t0 = now();
  const end = t0 + args.seconds * 1000;
  let sent = 0;
  let k = 0;
  let maxLagMs = 0;
  while (now() < end) {
    const t = now();
    const due = Math.min(Math.floor(((t - t0) / 1000) * args.rate), Math.ceil(args.seconds * args.rate));
    maxLagMs = Math.max(maxLagMs, due > sent ? ((due - sent) / args.rate) * 1000 : 0);
    let guard = g.clients.length * 2;
    while (sent < due && guard-- > 0) {
      const writer = g.clients[k++ % g.clients.length];
      if (writer.write()) sent++;
    }
    await sleep(2);
  }
  const sendMs = now() - t0;
  const drainDeadline = now() + args.drainMs;
  const wantsAcks = acksExpected;
  const pendingAcks = () => g.clients.some((c) => c.pendingAcks > 0);
  while (now() < drainDeadline && (tracker.outstanding > 0 || (wantsAcks && pendingAcks()))) await sleep(10);
  const undelivered = tracker.expireAll(now());
  let unacked = 0;
  if (wantsAcks) for (const c of g.clients) unacked += c.pendingAcks;
  const phase = tracker.phase;
  return {
    rate: args.rate,
    clients: g.clients.length,
    rooms: g.byRoom.size,
    sent,
    achievedRate: round(sent / (sendMs / 1000), 1),
    senderMaxLagMs: round(maxLagMs),
    undelivered,
    fanoutMs: summarize(phase.fanout),
    acksMs: wantsAcks ? summarize(phase.acks) : null,
    unacked: wantsAcks ? unacked : null,
    framesReceived: phase.framesIn,
    closedByServer: unexpectedCloses - closesBefore
  };
}

async function closeGroup(args: { group: string }) {
  const g = groups.get(args.group);
  if (!g) return { closed: 0 };
  groups.delete(args.group);
  await pool(g.clients, 100, (c) => c.close());
  for (const c of g.clients) c.destroy();
  // Acks still queued on closed clients would never come; drop them with the clients.
  return { closed: g.clients.length };
}

/**
 * Fresh clients join one after another; each is timed from socket open start until the server's
 * step 2 is received and applied to its empty Y.Doc. The first `warmup` joins are reported apart.
 */
async function initialSync(args: { target: Target; room: string; joiners: number; warmup: number; expectCards: number }) {
  const joined: Client[] = [];
  const applied: number[] = [];
  const received: number[] = [];
  const warm: number[] = [];
  let bytes = 0;
  let cardsSeen = -1;
  try {
    for (let i = 0; i < args.warmup + args.joiners; i++) {
      const c = new Client(args.room);
      c.applyStep2 = true;
      joined.push(c);
      const { ms, receivedMs } = await c.connect(urlFor(args.target, args.room), 60_000);
      cardsSeen = c.doc.getMap('cards').size;
      if (cardsSeen !== args.expectCards) throw new Error(`joiner ${i} got ${cardsSeen} cards, expected ${args.expectCards}`);
      bytes = c.step2Bytes;
      if (i < args.warmup) warm.push(ms);
      else {
        applied.push(ms);
        received.push(receivedMs);
      }
      // Keep the joiner connected (like a real tab) but free its copy of the document.
      c.doc.destroy();
    }
  } finally {
    await pool(joined, 50, (c) => c.close());
  }
  return {
    cards: cardsSeen,
    step2Bytes: bytes,
    warmupMs: warm.map((x) => round(x)),
    joiners: applied.length,
    syncedMs: summarize(applied),
    step2ReceivedMs: summarize(received)
  };
}

/** Reference server only: one client sends the whole plan, then probes until a fresh joiner sees it. */
async function seed(args: { target: Target; room: string; file: string; expectCards: number }) {
  const state = new Uint8Array(fs.readFileSync(args.file));
  const seeder = new Client(args.room);
  await seeder.connect(urlFor(args.target, args.room), 30_000);
  const t0 = now();
  seeder.sendRaw(encodeSyncUpdate(state));
  let cards = -1;
  for (let attempt = 0; attempt < 30 && cards !== args.expectCards; attempt++) {
    const probe = new Client(args.room);
    probe.applyStep2 = true;
    try {
      await probe.connect(urlFor(args.target, args.room), 30_000);
      cards = probe.doc.getMap('cards').size;
    } finally {
      await probe.close();
      probe.destroy();
    }
    if (cards !== args.expectCards) await sleep(200);
  }
  await seeder.close();
  seeder.destroy();
  if (cards !== args.expectCards) throw new Error(`seeding failed: probe saw ${cards} cards`);
  return { seededMs: round(now() - t0), bytes: state.length };
}

const OPS: Record<string, (args: any) => Promise<unknown>> = {
  connect,
  sequential,
  traffic,
  close: closeGroup,
  initialSync,
  seed,
  async configure(args: { acks: boolean }) {
    acksExpected = args.acks;
    tracker.phase = newPhase();
    return { acks: acksExpected };
  }
};

process.on('message', async (msg: { id: number; op: string; args: unknown }) => {
  const fn = OPS[msg.op];
  try {
    if (!fn) throw new Error(`unknown op ${msg.op}`);
    const result = await fn(msg.args);
    process.send!({ id: msg.id, ok: true, result });
  } catch (err) {
    process.send!({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});
// The parent went away: nothing left to do.
process.on('disconnect', () => process.exit(0));
serveEventLoopDelay();
process.send!({ type: 'ready', pid: process.pid });
