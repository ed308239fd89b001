/**
 * The chaos run (`npm run chaos`, also a section of `npm run bench`): for CHAOS_SECONDS (default 60)
 * one Plenary server (a child process, so a crash is seen as a crash) gets normal editing clients
 * and hostile ones at once, then the run checks that
 *
 *   - the server never crashed and still answers /healthz,
 *   - every normal client converged (same state as each other and as a fresh joiner),
 *   - nothing a normal client saw was lost: every edit the server acked (`?ack=1`, MESSAGE_ACK) and
 *     every update a normal client received is in the state a fresh client gets afterwards,
 *   - memory returned near idle once the rooms unloaded: RSS within 1.25x the idle RSS or 64 MiB
 *     above it (CHAOS.rssSlackBytes), and the JS heap after a forced GC within 1.25x the idle heap
 *     (nothing of the hostile clients retained).
 *
 * Normal clients: stock `WebsocketProvider`s (test/helpers/clients.ts) editing cards through the
 * typed accessors (add, retitle, move), with presence, from 127.0.0.1. Hostile clients: raw sockets
 * (test/helpers/raw.ts) from another loopback address (127.0.0.2, so the per-address cap applies
 * to them and not to the normal clients), with viewer and editor tokens, sending: random and
 * mutated frames, presence JSON nested 12,000 deep (~24 KB, under the presence size limit), very
 * wide and very long presence, deep private messages, message floods, oversized frames; readers
 * that never read and ask for a big room's full state; abrupt disconnects (mid-handshake, right
 * after a frame); reconnect storms on one token. Everything is bounded: the run's length, the
 * number of hostile sockets open at once, every loop and every wait; loopback only.
 *
 * A crash is recorded (with the end of the server's output) and the server is started again on the
 * same port and data folder (at most CONFIG.maxRestarts times), so the checks still run.
 *
 * CHAOS_SECONDS: length of the hostile phase. CHAOS_SEED: the PRNG seed (default 1). CHAOS_KINDS:
 * a comma-separated subset of the hostile kinds (default all).
 * CHAOS_SERVER_ROOT: run the server from another checkout (e.g. an older commit extracted with
 * `git archive`, with node_modules linked), to see what the run reports against it.
 * Progress goes to stderr, the one JSON report to stdout; the exit code is non-zero when a check fails.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { signToken } from '../../server/auth/token.ts';
import { addCard, cards, moveCard } from '../../shared/doc/cards.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { createPrng } from '../../shared/prng.ts';
import { rankBetween } from '../../shared/rank.ts';
import {
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncUpdate,
  LIMITS,
  MESSAGE_ACK,
  MESSAGE_PRIVATE,
  MESSAGE_QUERY_AWARENESS,
  readAckBody,
  type Role
} from '../../shared/protocol.ts';
import { DEFAULT_STATUSES } from '../../shared/schema.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { connectRaw, fetchRoomState, type RawClient } from '../helpers/raw.ts';
import { buildBigPlan } from './big-plan.ts';
import { killAllChildren, nextMessage, progress, rssBytes, ROOT, sleep, spawnTsChild, stopChild } from './proc.ts';
import { ALLOCATOR_ENV } from './servers.ts';
import { compactJson } from './report.ts';
import { round, summarize } from './stats.ts';

export const CHAOS = {
  seconds: Number(process.env.CHAOS_SECONDS ?? 60),
  seed: Number(process.env.CHAOS_SEED ?? 1),
  rooms: ['chaos-a', 'chaos-b', 'chaos-c'],
  /** A room whose full state is big (a 2,000-card plan): slow readers ask it for everything. */
  bigRoom: 'chaos-big',
  bigCards: 2_000,
  normalPerRoom: 3,
  /** Each normal client edits about this often (jittered ±50%). */
  editEveryMs: 300,
  presenceEveryMs: 1_000,
  hostileAddress: '127.0.0.2',
  /** Hostile actions running at once, and how often the scheduler tops them up. */
  hostileConcurrency: 24,
  hostileTickMs: 25,
  /** Short, so the rooms unload soon after the run and memory can be read at idle. */
  roomIdleMs: 2_000,
  maxRestarts: 3,
  drainMs: 20_000,
  nearIdleFactor: 1.25,
  /**
   * RSS may keep this much above idle after the peak and still count as returned: what V8 keeps of
   * compiled code and the allocator of its free lists (measured: +50-60 MiB after a 60 s run with a
   * peak of 2.3x idle, the JS heap back at idle; neither jemalloc nor malloc trimming changes it).
   * Retained objects are caught by the heap check, which has no such allowance.
   */
  rssSlackBytes: 64 * 1024 * 1024,
  settleSeconds: 30
};

const MiB = 1024 * 1024;
const mib = (b: number | null | undefined) => (b === null || b === undefined ? null : round(b / MiB, 1));
const allRooms = [...CHAOS.rooms, CHAOS.bigRoom];
const rand = createPrng(CHAOS.seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

// ---------------------------------------------------------------------------------------------
// The server child

type Crash = { /** Seconds since the hostile phase began (negative: before it). */ atSecond: number; code: number | null; signal: string | null; outputTail: string[] };

class ChaosServer {
  child: ChildProcess | null = null;
  pid = 0;
  readonly crashes: Crash[] = [];
  private tail: string[] = [];
  private stopping = false;
  restarting: Promise<void> | null = null;
  constructor(
    readonly port: number,
    readonly dataDir: string,
    readonly secret: string,
    readonly root: string,
    /** When the hostile phase began (crash times are counted from it). */
    public t0: number
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  get wsUrl() {
    return `ws://127.0.0.1:${this.port}/sync`;
  }
  get up() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawnTsChild(path.join(this.root, 'test/bench/plenary-child.ts'), {
      name: 'plenary',
      nodeArgs: ['--expose-gc'],
      env: {
        HOST: '127.0.0.1',
        PORT: String(this.port),
        DATA_DIR: this.dataDir,
        PLENARY_SECRET: this.secret,
        LOG_LEVEL: 'warn',
        ROOM_IDLE_MS: String(CHAOS.roomIdleMs),
        SEED_DEMO: '0',
        ...ALLOCATOR_ENV
      }
    });
    // The end of the server's output, to say why it died.
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (d: string) => {
        for (const line of String(d).split('\n')) if (line.trim()) this.tail.push(line.slice(0, 400));
        if (this.tail.length > 40) this.tail.splice(0, this.tail.length - 40);
      });
    }
    this.child = child;
    const ready = await nextMessage<{ pid: number }>(child, (m) => m?.type === 'ready', 30_000, 'chaos server start');
    this.pid = ready.pid;
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      const crash = { atSecond: round((performance.now() - this.t0) / 1000, 1)!, code, signal, outputTail: this.tail.slice(-15) };
      this.crashes.push(crash);
      progress(`SERVER CRASHED (exit ${code ?? signal}) at ${crash.atSecond} s: ${crash.outputTail.slice(-3).join(' | ')}`);
      if (this.crashes.length <= CHAOS.maxRestarts) {
        this.restarting = this.start().then(
          () => progress(`server restarted (pid ${this.pid})`),
          (err) => progress(`server restart failed: ${err}`)
        );
      }
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child) await stopChild(this.child, 'SIGTERM', 10_000);
  }

  token(room: string, role: Role, sub: string): string {
    return signToken(this.secret, { sub, name: sub, room, role, exp: Math.floor(Date.now() / 1000) + 3600 });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function metricsText(server: ChaosServer): Promise<string | null> {
  try {
    const res = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(3_000) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

/** Every sample of one metric in the Prometheus text, by its label set. */
function samples(text: string | null, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text) return out;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.eE+-]+)$`, 'gm'))) out[m[1] ?? ''] = Number(m[2]);
  return out;
}

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k.replace(/^[a-z]+="([^"]*)"$/, '$1')] = d;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Normal clients

type Edit = { clock: number; at: number; card: string; title: string | null; kind: 'add' | 'retitle' | 'move' };

class NormalClient {
  readonly client: TestClient;
  readonly editor: Editor;
  readonly own: string[] = [];
  readonly edits: Edit[] = [];
  ackedClock = 0;
  ackedEdits = 0;
  readonly ackMs: number[] = [];
  readonly closes: number[] = [];
  nextEditAt = 0;
  nextPresenceAt = 0;
  private ackHead = 0;

  constructor(
    readonly server: ChaosServer,
    readonly room: string,
    readonly name: string
  ) {
    this.client = connectClient(server.wsUrl, room, server.token(room, 'editor', name), { ack: true });
    this.editor = createEditor(name);
    const provider = this.client.provider;
    provider.messageHandlers[MESSAGE_ACK] = (_encoder: unknown, decoder: decoding.Decoder) => this.onAck(readAckBody(decoder).clocks);
    provider.on('connection-close', (event: { code: number } | null) => this.closes.push(event?.code ?? 0));
  }

  get doc() {
    return this.client.doc;
  }
  get synced() {
    return this.client.provider.synced;
  }
  get unacked() {
    return this.edits.length - this.ackHead;
  }
  pendingEdits(): Edit[] {
    return this.edits.slice(this.ackHead);
  }

  private onAck(clocks: Map<number, number>): void {
    const durable = clocks.get(this.doc.clientID);
    if (durable === undefined) return;
    const t = performance.now();
    if (durable > this.ackedClock) this.ackedClock = durable;
    while (this.ackHead < this.edits.length && this.edits[this.ackHead].clock <= durable) {
      this.ackMs.push(t - this.edits[this.ackHead].at);
      this.ackHead++;
      this.ackedEdits++;
    }
  }

  /** One edit through the typed accessors: add a card, retitle or move one of its own. */
  edit(): void {
    const before = Y.getState(this.doc.store, this.doc.clientID);
    const roll = rand();
    let card: string;
    let title: string | null = null;
    let kind: Edit['kind'] = 'move';
    if (this.own.length === 0 || roll < 0.45) {
      title = `${this.name} card ${this.own.length}`;
      card = addCard(this.doc, this.editor, { title, status: pick(DEFAULT_STATUSES).id, rank: rankBetween(null, null) });
      this.own.push(card);
      kind = 'add';
    } else if (roll < 0.75) {
      card = pick(this.own);
      title = `${this.name} retitled ${this.edits.length}`;
      cards.update(this.doc, this.editor, card, { title });
      kind = 'retitle';
    } else {
      card = pick(this.own);
      moveCard(this.doc, this.editor, card, { status: pick(DEFAULT_STATUSES).id });
    }
    // A move to the column the card is in already writes nothing: no clock to wait an ack for.
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    if (clock > before) this.edits.push({ clock, at: performance.now(), card, title, kind });
  }

  presence(): void {
    this.client.provider.awareness.setLocalStateField('cursor', { card: this.own.at(-1) ?? null, at: Date.now() });
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile clients

const KINDS = [
  'randomFrames',
  'mutatedUpdate',
  'deepPresence',
  'widePresence',
  'longPresence',
  'deepPrivate',
  'flood',
  'oversizedFrame',
  'slowReader',
  'abruptDisconnect',
  'halfHandshake',
  'reconnectStorm'
] as const;
type Kind = (typeof KINDS)[number];
/** Relative frequency of each kind; the expensive ones (megabytes sent or buffered) are rare. */
const WEIGHTS: Record<Kind, number> = {
  randomFrames: 10,
  mutatedUpdate: 8,
  deepPresence: 4,
  widePresence: 3,
  longPresence: 2,
  deepPrivate: 3,
  flood: 2,
  oversizedFrame: 0.3,
  slowReader: 1,
  abruptDisconnect: 5,
  halfHandshake: 2,
  reconnectStorm: 0.6
};
/** CHAOS_KINDS=a,b: only these kinds of hostile client (to find which one a failure comes from); `none`: no hostile client. */
const ONLY = process.env.CHAOS_KINDS ? new Set(process.env.CHAOS_KINDS.split(',').map((k) => k.trim())) : null;
for (const k of ONLY ?? []) if (k !== 'none' && !(KINDS as readonly string[]).includes(k)) throw new Error(`CHAOS_KINDS: unknown kind ${k} (kinds: ${KINDS.join(', ')})`);
if (ONLY) for (const k of KINDS) if (!ONLY.has(k)) WEIGHTS[k] = 0;
const WEIGHT_TOTAL = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);

type KindStats = { actions: number; framesSent: number; bytesSent: number; closes: Record<string, number> };
const stats = Object.fromEntries(KINDS.map((k) => [k, { actions: 0, framesSent: 0, bytesSent: 0, closes: {} }])) as Record<Kind, KindStats>;
const openHostile = new Set<RawClient>();
const hostileSockets = new Set<net.Socket>();
let hostileConnections = 0;

function noteClose(kind: Kind, what: string): void {
  stats[kind].closes[what] = (stats[kind].closes[what] ?? 0) + 1;
}

function pickKind(): Kind {
  let r = rand() * WEIGHT_TOTAL;
  for (const k of KINDS) if ((r -= WEIGHTS[k]) < 0) return k;
  return 'randomFrames';
}

const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

function awarenessFrame(clientId: number, clock: number, json: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, json);
  return encodeAwareness(encoding.toUint8Array(e));
}

function privateFrame(extension: string, json: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_PRIVATE);
  encoding.writeVarString(e, extension);
  encoding.writeVarString(e, json);
  return encoding.toUint8Array(e);
}

function randomFrame(): Uint8Array {
  const n = int(1, rand() < 0.8 ? 64 : 4_000);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  // Often a valid type (and sync sub-type) first, so the bytes reach the parsers behind it.
  if (rand() < 0.6) b[0] = pick([0, 0, 0, 1, 1, 2, 3, 100, 101]);
  if (b[0] === 0 && n > 1 && rand() < 0.7) b[1] = int(0, 2);
  return b;
}

/** A valid card-creating update against an empty doc, with a few bytes changed. */
function mutatedUpdate(): Uint8Array {
  const doc = new Y.Doc();
  let update: Uint8Array = new Uint8Array();
  doc.on('update', (u: Uint8Array) => (update = u));
  addCard(doc, createEditor('mallory'), { title: 'x'.repeat(int(1, 200)), status: 'todo', rank: 'i' });
  doc.destroy();
  const bytes = new Uint8Array(update);
  const flips = int(1, 6);
  for (let i = 0; i < flips; i++) bytes[int(0, bytes.length - 1)] = Math.floor(rand() * 256);
  if (rand() < 0.2) return encodeSyncUpdate(bytes.subarray(0, int(1, bytes.length)));
  return encodeSyncUpdate(bytes);
}

type Ctx = { server: ChaosServer; deadline: number };

async function hostileOpen(ctx: Ctx, kind: Kind, room: string, role: Role, sub: string): Promise<RawClient | null> {
  hostileConnections++;
  try {
    const raw = await connectRaw(ctx.server.wsUrl, room, ctx.server.token(room, role, sub), { timeoutMs: 5_000, ws: { localAddress: CHAOS.hostileAddress, perMessageDeflate: false } });
    openHostile.add(raw);
    void raw.waitClose(600_000).then(
      () => openHostile.delete(raw),
      () => undefined
    );
    return raw;
  } catch (err) {
    const m = /HTTP (\d+)/.exec(String(err));
    noteClose(kind, m ? `http ${m[1]}` : /closed before open \((\d+)\)/.exec(String(err))?.[1] ?? 'connect failed');
    return null;
  }
}

function send(kind: Kind, raw: RawClient, frame: Uint8Array): void {
  if (!raw.isOpen) return;
  stats[kind].framesSent++;
  stats[kind].bytesSent += frame.length;
  raw.send(frame);
}

/** Waits (bounded) for the server to close; records the code, or 'still open' and ends it. */
async function finish(kind: Kind, raw: RawClient, waitMs: number): Promise<void> {
  try {
    const info = await raw.waitClose(waitMs);
    noteClose(kind, String(info.code));
  } catch {
    noteClose(kind, 'still open');
  }
  raw.terminate();
  openHostile.delete(raw);
}

const hostileRoom = () => (rand() < 0.85 ? pick(allRooms) : 'chaos-nowhere');
const hostileRole = (): Role => (rand() < 0.5 ? 'viewer' : 'editor');
let hostileSeq = 0;

async function runHostile(ctx: Ctx, kind: Kind): Promise<void> {
  stats[kind].actions++;
  const sub = `mallory-${++hostileSeq}`;
  switch (kind) {
    case 'randomFrames':
    case 'mutatedUpdate': {
      const raw = await hostileOpen(ctx, kind, hostileRoom(), kind === 'mutatedUpdate' ? 'editor' : hostileRole(), sub);
      if (!raw) return;
      const n = int(1, 8);
      for (let i = 0; i < n && raw.isOpen; i++) {
        send(kind, raw, kind === 'randomFrames' ? randomFrame() : mutatedUpdate());
        await sleep(int(0, 30));
      }
      return finish(kind, raw, 1_000);
    }
    case 'deepPresence':
    case 'widePresence':
    case 'longPresence': {
      const raw = await hostileOpen(ctx, kind, pick(allRooms), 'viewer', sub);
      if (!raw) return;
      const json =
        kind === 'deepPresence'
          ? deepJson(12_000)
          : kind === 'widePresence'
            ? JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i % 10])))
            : JSON.stringify({ user: { name: 'x'.repeat(30_000) } });
      send(kind, raw, awarenessFrame(int(1, 2 ** 31), int(1, 1_000), json));
      return finish(kind, raw, 6_000);
    }
    case 'deepPrivate': {
      const raw = await hostileOpen(ctx, kind, pick(allRooms), hostileRole(), sub);
      if (!raw) return;
      const depth = pick([12_000, 20_000, 30_000]);
      send(kind, raw, privateFrame(pick(['poker', 'retro', 'nope']), rand() < 0.5 ? deepJson(depth) : '{"a":'.repeat(depth / 4) + '1' + '}'.repeat(depth / 4)));
      return finish(kind, raw, 3_000);
    }
    case 'flood': {
      const raw = await hostileOpen(ctx, kind, pick(allRooms), hostileRole(), sub);
      if (!raw) return;
      const frame = pick([new Uint8Array([MESSAGE_QUERY_AWARENESS]), encodeSyncStep1(new Uint8Array([0])), awarenessFrame(int(1, 2 ** 31), 1, '{}')]);
      for (let i = 0; i < 5_000 && raw.isOpen; i++) {
        send(kind, raw, frame);
        if (i % 500 === 499) await sleep(1);
      }
      return finish(kind, raw, 3_000);
    }
    case 'oversizedFrame': {
      const raw = await hostileOpen(ctx, kind, pick(CHAOS.rooms), 'editor', sub);
      if (!raw) return;
      const frame = new Uint8Array(LIMITS.maxFrameBytes + 1024);
      frame[0] = 0;
      frame[1] = 2;
      send(kind, raw, frame);
      return finish(kind, raw, 5_000);
    }
    case 'slowReader': {
      const raw = await hostileOpen(ctx, kind, CHAOS.bigRoom, 'viewer', sub);
      if (!raw) return;
      // Stop reading, then ask for the big room's full state again and again.
      (raw.ws as unknown as { _socket: net.Socket })._socket.pause();
      const asks = int(10, 30);
      for (let i = 0; i < asks && raw.isOpen; i++) {
        send(kind, raw, encodeSyncStep1(new Uint8Array([0])));
        await sleep(50);
      }
      await sleep(Math.min(int(2_000, 8_000), Math.max(0, ctx.deadline - performance.now())));
      (raw.ws as unknown as { _socket: net.Socket })._socket.resume();
      return finish(kind, raw, 3_000);
    }
    case 'abruptDisconnect': {
      const raw = await hostileOpen(ctx, kind, pick(allRooms), hostileRole(), sub);
      if (!raw) return;
      send(kind, raw, pick([encodeSyncStep1(new Uint8Array([0])), mutatedUpdate(), awarenessFrame(int(1, 2 ** 31), 1, '{"cursor":1}')]));
      if (rand() < 0.5) await sleep(int(0, 20));
      noteClose(kind, 'terminated by client');
      raw.terminate();
      openHostile.delete(raw);
      return;
    }
    case 'halfHandshake': {
      // A TCP connection that sends part of an upgrade request (or of a frame header) and vanishes.
      hostileConnections++;
      const socket = net.connect({ host: '127.0.0.1', port: ctx.server.port, localAddress: CHAOS.hostileAddress });
      hostileSockets.add(socket);
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2_000);
        socket.once('connect', () => {
          clearTimeout(t);
          resolve();
        });
      });
      const key = cryptoRandomBytes(16).toString('base64');
      const room = pick(allRooms);
      const request = `GET /sync/${room}?token=${ctx.server.token(room, 'viewer', sub)} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
      const cut = rand() < 0.5 ? int(1, request.length - 1) : request.length;
      socket.write(request.slice(0, cut));
      stats[kind].framesSent++;
      stats[kind].bytesSent += cut;
      if (cut === request.length) socket.write(Buffer.from([0x82, 0xfe, 0x10])); // a frame header cut short
      await sleep(int(0, 300));
      socket.destroy();
      hostileSockets.delete(socket);
      noteClose(kind, cut === request.length ? 'destroyed after a partial frame' : 'destroyed mid-handshake');
      return;
    }
    case 'reconnectStorm': {
      // One person's token, many sockets at once, dropped and opened again.
      const room = pick(allRooms);
      for (let round = 0; round < 3 && performance.now() < ctx.deadline; round++) {
        const opened = await Promise.all(Array.from({ length: 40 }, () => hostileOpen(ctx, kind, room, 'editor', sub)));
        for (const raw of opened) {
          if (!raw) continue;
          send(kind, raw, encodeSyncStep1(new Uint8Array([0])));
        }
        await sleep(int(50, 300));
        for (const raw of opened) {
          if (!raw) continue;
          noteClose(kind, raw.closeInfo ? String(raw.closeInfo.code) : 'terminated by client');
          raw.terminate();
          openHostile.delete(raw);
        }
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Registers the rooms with the store code of the server under test (its schema version may differ). */
async function prepareData(root: string, dataDir: string): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const { openSqliteStore } = (await import(path.join(root, 'server/persistence/sqlite.ts'))) as typeof import('../../server/persistence/sqlite.ts');
  const { createPlanRoom, storeNewRoom } = (await import(path.join(root, 'server/plans.ts'))) as typeof import('../../server/plans.ts');
  const store = openSqliteStore(path.join(dataDir, 'plenary.db'));
  try {
    for (const room of CHAOS.rooms) await createPlanRoom(store, { name: room, room }, 'chaos');
    const big = buildBigPlan(CHAOS.bigCards);
    await storeNewRoom(store, CHAOS.bigRoom, 'plan', big, 'chaos');
    big.destroy();
  } finally {
    await store.close();
  }
}

async function healthz(server: ChaosServer, timeoutMs = 3_000): Promise<{ ok: boolean; ms: number }> {
  const t = performance.now();
  try {
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return { ok: res.ok, ms: performance.now() - t };
  } catch {
    return { ok: false, ms: performance.now() - t };
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
}

const svOf = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));
const cardsJson = (doc: Y.Doc) =>
  JSON.stringify(
    cards
      .list(doc)
      .map((c) => ({ id: c.id, title: c.title, status: c.status, rank: c.rank, history: c.history.length }))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
  );

export async function runChaos() {
  const started = performance.now();
  const loadAverageAtStart = os.loadavg().map((x) => round(x));
  const root = process.env.CHAOS_SERVER_ROOT ? path.resolve(process.env.CHAOS_SERVER_ROOT) : ROOT;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plenary-chaos-'));
  const dataDir = path.join(tmp, 'data');
  await prepareData(root, dataDir);
  const server = new ChaosServer(await freePort(), dataDir, cryptoRandomBytes(32).toString('base64url'), root, started);
  const uncaught: string[] = [];
  const onUncaught = (err: unknown) => {
    // A normal client (stock provider) threw from a socket handler: that counts against the run.
    uncaught.push(String((err as Error)?.stack ?? err).slice(0, 500));
  };
  process.on('uncaughtException', onUncaught);
  // Every stock provider adds a process 'exit' listener.
  process.setMaxListeners(100);
  const normal: NormalClient[] = [];
  try {
    await server.start();
    progress(`chaos: server up on port ${server.port} (pid ${server.pid}, code from ${root}); ${CHAOS.seconds} s of chaos, seed ${CHAOS.seed}`);
    await sleep(2_000);
    const idleRss = rssBytes(server.pid);
    const metricsBefore = await metricsText(server);

    for (const room of allRooms) for (let i = 0; i < CHAOS.normalPerRoom; i++) normal.push(new NormalClient(server, room, `${room}-user${i}`));
    if (!(await waitUntil(() => normal.every((c) => c.synced), 30_000))) throw new Error('normal clients did not sync');
    progress(`chaos: ${normal.length} normal clients synced in ${allRooms.length} rooms; idle RSS was ${mib(idleRss)} MiB`);

    // The chaos phase.
    const chaosStart = performance.now();
    server.t0 = chaosStart;
    const ctx: Ctx = { server, deadline: chaosStart + CHAOS.seconds * 1000 };
    let peakRss = idleRss ?? 0;
    const health: number[] = [];
    let healthFailures = 0;
    let active = 0;
    let lastReport = chaosStart;
    let nextProgress = chaosStart + 10_000;
    const hostileErrors: string[] = [];
    while (performance.now() < ctx.deadline) {
      const t = performance.now();
      while (active < CHAOS.hostileConcurrency && server.up && WEIGHT_TOTAL > 0) {
        const kind = pickKind();
        active++;
        void runHostile(ctx, kind)
          .catch((err) => {
            if (hostileErrors.length < 10) hostileErrors.push(`${kind}: ${String(err).slice(0, 200)}`);
          })
          .finally(() => active--);
      }
      for (const c of normal) {
        if (t >= c.nextEditAt) {
          c.edit();
          c.nextEditAt = t + CHAOS.editEveryMs * (0.5 + rand());
        }
        if (t >= c.nextPresenceAt) {
          c.presence();
          c.nextPresenceAt = t + CHAOS.presenceEveryMs * (0.5 + rand());
        }
      }
      if (t - lastReport >= 500) {
        lastReport = t;
        const rss = server.up ? rssBytes(server.pid) : null;
        if (rss !== null && rss > peakRss) peakRss = rss;
        void healthz(server, 2_000).then((h) => (h.ok ? health.push(h.ms) : healthFailures++));
      }
      if (t >= nextProgress) {
        nextProgress += 10_000;
        const frames = KINDS.reduce((n, k) => n + stats[k].framesSent, 0);
        progress(`chaos: ${round((t - chaosStart) / 1000, 0)} s, ${hostileConnections} hostile connections, ${frames} hostile frames, crashes ${server.crashes.length}, RSS ${mib(rssBytes(server.pid))} MiB`);
      }
      await sleep(CHAOS.hostileTickMs);
    }
    const chaosEnd = performance.now();
    const chaosSeconds = (chaosEnd - chaosStart) / 1000;
    progress('chaos: hostile phase over; waiting for the hostile actions to end');
    await waitUntil(() => active === 0, 15_000);
    for (const raw of openHostile) raw.terminate();
    for (const s of hostileSockets) s.destroy();
    await server.restarting;

    // Drain and converge.
    const drained = await waitUntil(() => normal.every((c) => c.synced && c.unacked === 0), CHAOS.drainMs);
    const syncedAtDrain = new Map(normal.map((c) => [c, c.synced]));
    const seenByNormal = normal.map((c) => svOf(c.doc));
    const serverUp = server.up && (await healthz(server)).ok;
    const fresh = new Map<string, Y.Doc>();
    let converged = drained && serverUp;
    const convergence: Record<string, { clients: number; equalStateVectors: boolean; equalCards: boolean; cards: number }> = {};
    for (const room of allRooms) {
      const inRoom = normal.filter((c) => c.room === room);
      const same = await waitUntil(() => inRoom.every((c) => Buffer.from(Y.encodeStateVector(c.doc)).equals(Buffer.from(Y.encodeStateVector(inRoom[0].doc)))), 10_000);
      const doc = new Y.Doc();
      try {
        Y.applyUpdate(doc, await fetchRoomState(server.wsUrl, room, server.token(room, 'viewer', 'auditor'), 15_000));
      } catch (err) {
        progress(`chaos: fresh client of ${room} failed: ${err}`);
        converged = false;
      }
      fresh.set(room, doc);
      const want = cardsJson(doc);
      const equalCards = inRoom.every((c) => cardsJson(c.doc) === want);
      const equalSv = same && inRoom.every((c) => Buffer.from(Y.encodeStateVector(c.doc)).equals(Buffer.from(Y.encodeStateVector(doc))));
      convergence[room] = { clients: inRoom.length, equalStateVectors: equalSv, equalCards, cards: cards.list(doc).length };
      if (!equalSv || !equalCards) converged = false;
    }

    // Nothing a normal client saw may be missing from what a fresh client gets.
    let lostUpdates = 0;
    let lostCards = 0;
    let missingSeen = 0;
    const lostDetail: string[] = [];
    normal.forEach((c, i) => {
      const doc = fresh.get(c.room)!;
      const have = svOf(doc).get(c.doc.clientID) ?? 0;
      const lost = c.edits.filter((e) => e.clock <= c.ackedClock && e.clock > have).length;
      lostUpdates += lost;
      if (lost && lostDetail.length < 10) lostDetail.push(`${c.name}: ${lost} acked edits beyond the fresh state (acked clock ${c.ackedClock}, fresh has ${have})`);
      for (const [client, clock] of seenByNormal[i]) if ((svOf(doc).get(client) ?? 0) < clock) missingSeen++;
    });
    lostCards = new Set(normal.flatMap((c) => c.edits.filter((e) => e.clock <= c.ackedClock && !cards.get(fresh.get(c.room)!, e.card)).map((e) => e.card))).size;
    const metricsAfter = await metricsText(server);

    // Everyone leaves; memory once the rooms unloaded.
    for (const c of normal) c.client.destroy();
    const unloaded = await waitUntil(async () => samples(await metricsText(server), 'plenary_rooms_loaded')[''] === 0, CHAOS.roomIdleMs + 20_000, 250);
    const rssLimit = idleRss !== null ? Math.max(idleRss * CHAOS.nearIdleFactor, idleRss + CHAOS.rssSlackBytes) : null;
    let afterRss: number | null = null;
    let nearIdleAfterSeconds: number | null = null;
    const settleStart = performance.now();
    for (let s = 0; s <= CHAOS.settleSeconds; s++) {
      afterRss = server.up ? rssBytes(server.pid) : null;
      if (afterRss !== null && rssLimit !== null && afterRss <= rssLimit) {
        nearIdleAfterSeconds = round((performance.now() - settleStart) / 1000, 1);
        break;
      }
      await sleep(1_000);
    }

    // Diagnostic only, after the reading above: a forced full GC tells retained memory from garbage.
    let afterGc: { rss: number; heapUsed: number; heapTotal?: number; external?: number; arrayBuffers?: number } | null = null;
    if (server.up && server.child) {
      const done = nextMessage<{ rss: number; heapUsed: number; heapTotal?: number; external?: number; arrayBuffers?: number }>(server.child, (m) => m?.type === 'gc-done', 10_000, 'forced GC').catch(() => null);
      server.child.send({ type: 'gc' });
      afterGc = await done;
    }
    const closeCodesNormal: Record<string, number> = {};
    for (const c of normal) for (const code of c.closes) closeCodesNormal[code] = (closeCodesNormal[code] ?? 0) + 1;
    const hostileFrames = Object.fromEntries(KINDS.map((k) => [k, stats[k].framesSent]));
    const totalHostileFrames = KINDS.reduce((n, k) => n + stats[k].framesSent, 0);
    const crashes = server.crashes.length;
    const memoryNearIdle = nearIdleAfterSeconds !== null && unloaded;
    const idleHeap = samples(metricsBefore, 'plenary_process_nodejs_heap_size_used_bytes')[''] ?? null;
    const heapLimit = idleHeap === null ? null : idleHeap * CHAOS.nearIdleFactor;
    const checks = {
      crashes: { value: crashes, pass: crashes === 0 },
      serverUpAfterwards: { value: serverUp, pass: serverUp },
      lostUpdates: { value: lostUpdates + missingSeen, pass: lostUpdates + missingSeen === 0 && lostCards === 0 },
      converged: { value: converged, pass: converged },
      normalClientsNeverThrew: { value: uncaught.length, pass: uncaught.length === 0 },
      memoryNearIdle: { value: { idleMiB: mib(idleRss), afterMiB: mib(afterRss), limitMiB: mib(rssLimit), roomsUnloaded: unloaded }, pass: memoryNearIdle },
      // RSS also counts pages the allocator keeps after a peak; the JS heap after a full GC tells
      // whether anything (rooms, buffers, presence of gone clients) is still referenced.
      noHeapRetained: {
        value: { idleHeapUsedMiB: mib(idleHeap), heapUsedAfterForcedGcMiB: mib(afterGc?.heapUsed), limitMiB: mib(heapLimit) },
        pass: afterGc !== null && heapLimit !== null && afterGc.heapUsed <= heapLimit
      }
    };
    const report = {
      benchmark: 'plenary chaos run',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart, loadAverageAtEnd: os.loadavg().map((x) => round(x)) },
      serverCode: root === ROOT ? 'this checkout' : root,
      config: { ...CHAOS, hostileKinds: KINDS.filter((k) => WEIGHTS[k] > 0) },
      chaosSeconds: round(chaosSeconds, 1),
      clients: { normal: normal.length, hostileConnections, hostileActions: Object.fromEntries(KINDS.map((k) => [k, stats[k].actions])) },
      hostileFramesSent: { total: totalHostileFrames, perKind: hostileFrames, bytesPerKind: Object.fromEntries(KINDS.map((k) => [k, stats[k].bytesSent])) },
      closeCodesSeen: { perKind: Object.fromEntries(KINDS.map((k) => [k, stats[k].closes])), normalClients: closeCodesNormal },
      serverPolicyCloses: delta(samples(metricsBefore, 'plenary_policy_closes_total'), samples(metricsAfter, 'plenary_policy_closes_total')),
      serverCallbackErrors: delta(samples(metricsBefore, 'plenary_callback_errors_total'), samples(metricsAfter, 'plenary_callback_errors_total')),
      crashes,
      crashDetails: server.crashes,
      lostUpdates: lostUpdates + missingSeen,
      lostDetail: { ackedEditsMissing: lostUpdates, cardsOfAckedEditsMissing: lostCards, receivedUpdatesMissing: missingSeen, examples: lostDetail },
      converged,
      convergence,
      normalEdits: {
        made: normal.reduce((n, c) => n + c.edits.length, 0),
        acked: normal.reduce((n, c) => n + c.ackedEdits, 0),
        unackedAtEnd: normal.reduce((n, c) => n + c.unacked, 0),
        unackedDetail: normal
          .filter((c) => c.unacked > 0)
          .map((c) => ({
            client: c.name,
            yjsClient: c.doc.clientID,
            syncedAtDrain: syncedAtDrain.get(c),
            ackedClock: c.ackedClock,
            freshClock: svOf(fresh.get(c.room)!).get(c.doc.clientID) ?? 0,
            unacked: c.pendingEdits().map((e) => ({ clock: e.clock, secondsBeforeEnd: round((chaosEnd - e.at) / 1000, 1), kind: e.kind }))
          })),
        ackMs: summarize(normal.flatMap((c) => c.ackMs))
      },
      healthzDuringChaos: { ...summarize(health), failures: healthFailures },
      rss: { idleMiB: mib(idleRss), peakMiB: mib(peakRss), afterUnloadMiB: mib(afterRss), nearIdleFactor: CHAOS.nearIdleFactor, nearIdleAfterSeconds, roomsUnloaded: unloaded, diagnosticAfterForcedGc: afterGc && {
          rssMiB: mib(afterGc.rss),
          heapUsedMiB: mib(afterGc.heapUsed),
          heapTotalMiB: mib(afterGc.heapTotal),
          externalMiB: mib(afterGc.external),
          arrayBuffersMiB: mib(afterGc.arrayBuffers),
          idleHeapUsedMiB: mib(idleHeap),
          note: 'taken after the RSS reading (the server never forces a GC itself); heap used near idle with RSS high means memory the allocator kept, not objects retained'
        } },
      normalClientErrors: uncaught.slice(0, 10),
      harnessErrors: hostileErrors,
      checks,
      pass: Object.values(checks).every((c) => c.pass),
      durationSeconds: round((performance.now() - started) / 1000, 1)
    };
    for (const d of fresh.values()) d.destroy();
    return report;
  } finally {
    for (const c of normal) c.client.destroy();
    for (const raw of openHostile) raw.terminate();
    await server.stop();
    process.off('uncaughtException', onUncaught);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const hardMs = (CHAOS.seconds + 180) * 1000;
  const hard = setTimeout(() => {
    progress(`chaos: hard timeout of ${hardMs / 1000} s reached; killing everything`);
    killAllChildren();
    process.exit(1);
  }, hardMs);
  hard.unref();
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (killAllChildren(), process.exit(130)));
  runChaos().then(
    (report) => {
      process.stdout.write(compactJson(report) + '\n');
      progress(`chaos: ${report.pass ? 'PASS' : 'FAIL'} (crashes ${report.crashes}, lost updates ${report.lostUpdates}, converged ${report.converged})`);
      process.exit(report.pass ? 0 : 1);
    },
    (err) => {
      progress(`chaos failed: ${(err as Error).stack ?? err}`);
      killAllChildren();
      process.exit(1);
    }
  );
}
