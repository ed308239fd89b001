/**
 * A raw sync client for hostile-input tests: a bare `ws` WebSocket on `/sync/<room>?token=…` that
 * records every frame it receives, sends arbitrary bytes (binary or text), and reports the close
 * code and reason. Every wait is bounded.
 *
 * Also: a protocol-speaking mirror (`mirrorDoc`) that keeps a Y.Doc in step with the room and
 * records, instead of throwing, any update it cannot apply; a one-shot fresh joiner
 * (`fetchRoomState`); and a Prometheus metric reader.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  encodeSyncStep1,
  encodeSyncStep2,
  MESSAGE_AWARENESS,
  MESSAGE_SYNC,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE
} from '../../shared/protocol.ts';
import * as decoding from 'lib0/decoding';
import { createPrng } from '../../shared/prng.ts';

export type CloseInfo = { code: number; reason: string };

export type RawClient = {
  readonly ws: WebSocket;
  /** Every binary frame received, in order (copies). */
  readonly frames: Uint8Array[];
  /** Every text frame received. */
  readonly texts: string[];
  /** Set once the socket closed. */
  readonly closeInfo: CloseInfo | null;
  readonly isOpen: boolean;
  /** Sends bytes as one binary frame, or a string as one text frame. No-op once closed. */
  send(data: Uint8Array | string): void;
  /** Resolves with the close code/reason; rejects after `timeoutMs`. */
  waitClose(timeoutMs?: number): Promise<CloseInfo>;
  /** Resolves once `check(frames)` is truthy; rejects on timeout, or on close unless `allowClosed`. */
  waitFrames<T>(check: (frames: Uint8Array[]) => T | null | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  /** Waits for the server's opening sync step 1: the connection has joined its room. */
  joined(timeoutMs?: number): Promise<void>;
  /** Number of frames received whose first bytes equal `prefix`. */
  count(prefix: number[]): number;
  /** Called for every binary frame as it arrives. */
  onFrame(listener: (frame: Uint8Array) => void): void;
  close(): void;
  terminate(): void;
};

const startsWith = (frame: Uint8Array, prefix: number[]) => prefix.every((b, i) => frame[i] === b);

export type RawOptions = { ack?: boolean; timeoutMs?: number; ws?: WebSocket.ClientOptions };

/** Opens a raw client and resolves once the socket is open (rejects on refusal or timeout). */
export function connectRaw(wsUrl: string, room: string, token: string, options: RawOptions = {}): Promise<RawClient> {
  const params = new URLSearchParams({ token });
  if (options.ack) params.set('ack', '1');
  const ws = new WebSocket(`${wsUrl}/${room}?${params}`, { perMessageDeflate: false, ...options.ws });
  ws.binaryType = 'nodebuffer';
  const frames: Uint8Array[] = [];
  const texts: string[] = [];
  const listeners: ((frame: Uint8Array) => void)[] = [];
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  let closeInfo: CloseInfo | null = null;
  const closed = new Promise<CloseInfo>((resolve) => {
    ws.on('close', (code, reason) => {
      closeInfo = { code, reason: reason.toString() };
      resolve(closeInfo);
      wake();
    });
  });
  ws.on('error', () => {
    /* reported through 'close' (1006) or the open rejection */
  });
  ws.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!isBinary) {
      texts.push(buf.toString());
    } else {
      const frame = new Uint8Array(buf); // a copy, never a view into ws's buffers
      frames.push(frame);
      for (const l of listeners) l(frame);
    }
    wake();
  });

  const client: RawClient = {
    ws,
    frames,
    texts,
    get closeInfo() {
      return closeInfo;
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    send(data) {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (typeof data === 'string') ws.send(data, { binary: false });
      else ws.send(data, { binary: true });
    },
    waitClose(timeoutMs = 5_000) {
      return Promise.race([
        closed,
        new Promise<CloseInfo>((_, reject) => {
          const t = setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms (received ${frames.length} frames)`)), timeoutMs);
          void closed.then(() => clearTimeout(t));
        })
      ]);
    },
    waitFrames(check, what, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(poll);
          fn();
        };
        const poll = () => {
          let v: ReturnType<typeof check>;
          try {
            v = check(frames);
          } catch (err) {
            return done(() => reject(err));
          }
          if (v) return done(() => resolve(v as Parameters<typeof resolve>[0]));
          if (closeInfo) return done(() => reject(new Error(`closed (${closeInfo!.code} ${closeInfo!.reason}) while waiting for ${what}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
        waiters.add(poll);
        poll();
      });
    },
    async joined(timeoutMs = 5_000) {
      await client.waitFrames((f) => f.some((x) => startsWith(x, [MESSAGE_SYNC, SYNC_STEP1])), 'server sync step 1', timeoutMs);
    },
    count(prefix) {
      return frames.filter((f) => startsWith(f, prefix)).length;
    },
    onFrame(listener) {
      listeners.push(listener);
    },
    close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
    },
    terminate() {
      ws.terminate();
    }
  };

  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`raw client: no open within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(client);
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`raw client: upgrade refused with HTTP ${res.statusCode}`));
    });
    void closed.then((info) => {
      clearTimeout(timer);
      reject(new Error(`raw client: closed before open (${info.code})`));
    });
  });
}

/** A sync frame's sub-type and payload, or null for anything else (or an unreadable frame). */
export function readSyncFrame(frame: Uint8Array): { sub: number; payload: Uint8Array } | null {
  try {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== MESSAGE_SYNC) return null;
    const sub = decoding.readVarUint(d);
    return { sub, payload: decoding.readVarUint8Array(d) };
  } catch {
    return null;
  }
}

export const isAwarenessFrame = (frame: Uint8Array) => frame[0] === MESSAGE_AWARENESS;

/** Payload of an awareness frame (the y-protocols awareness update), or null. */
export function readAwarenessFrame(frame: Uint8Array): Uint8Array | null {
  try {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== MESSAGE_AWARENESS) return null;
    return decoding.readVarUint8Array(d);
  } catch {
    return null;
  }
}

export type Mirror = {
  doc: Y.Doc;
  /** Updates from the server that could not be applied: what a stock client would have thrown on. */
  errors: { frame: string; error: string }[];
};

/**
 * Keeps `doc` in step with the room over a raw client, like a stock provider would: answers the
 * server's step 1 with a step 2, asks for the server's state, and applies every step 2 and update —
 * but records failures instead of throwing them from a socket handler. Local doc changes are not
 * sent (the mirror is read-only).
 */
export function mirrorDoc(raw: RawClient, doc = new Y.Doc()): Mirror {
  const mirror: Mirror = { doc, errors: [] };
  const handle = (frame: Uint8Array) => {
    const sync = readSyncFrame(frame);
    if (!sync) return;
    if (sync.sub === SYNC_STEP1) {
      try {
        raw.send(encodeSyncStep2(Y.encodeStateAsUpdate(doc, sync.payload)));
      } catch (err) {
        mirror.errors.push({ frame: hex(frame, 200), error: `answering step 1: ${err}` });
      }
      return;
    }
    if (sync.sub === SYNC_STEP2 || sync.sub === SYNC_UPDATE) {
      try {
        Y.applyUpdate(doc, sync.payload, 'server');
      } catch (err) {
        mirror.errors.push({ frame: hex(frame, 200), error: String(err) });
      }
    }
  };
  raw.frames.forEach(handle);
  raw.onFrame(handle);
  raw.send(encodeSyncStep1(Y.encodeStateVector(doc)));
  return mirror;
}

/**
 * A fresh joiner: connects, asks for the full state with an empty state vector, and returns the
 * step 2 payload it got (the bytes any new client would apply).
 */
export async function fetchRoomState(wsUrl: string, room: string, token: string, timeoutMs = 5_000): Promise<Uint8Array> {
  const raw = await connectRaw(wsUrl, room, token, { timeoutMs });
  try {
    raw.send(encodeSyncStep1(new Uint8Array([0]))); // an empty state vector: "send me everything"
    const frame = await raw.waitFrames((fs) => fs.find((f) => readSyncFrame(f)?.sub === SYNC_STEP2), 'step 2 with the room state', timeoutMs);
    return readSyncFrame(frame)!.payload;
  } finally {
    raw.terminate();
  }
}

/** Applies every update of a stored room (checkpoint, then each log entry on its own) to a fresh doc; lists the ones that fail. */
export function unreadableStoredUpdates(loaded: { checkpoint: { data: Uint8Array } | null; updates: { id: number; data: Uint8Array }[] }): string[] {
  const doc = new Y.Doc();
  const bad: string[] = [];
  try {
    if (loaded.checkpoint) {
      try {
        Y.applyUpdate(doc, loaded.checkpoint.data);
      } catch (err) {
        bad.push(`checkpoint: ${err}`);
      }
    }
    for (const u of loaded.updates) {
      try {
        Y.decodeUpdate(u.data);
        Y.applyUpdate(doc, u.data);
      } catch (err) {
        bad.push(`update ${u.id} (${Buffer.from(u.data.subarray(0, 64)).toString('hex')}…): ${err}`);
      }
    }
  } finally {
    doc.destroy();
  }
  return bad;
}

/** Reads one sample of a Prometheus metric from `${url}/metrics` (0 when absent). */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

/** GET /healthz with a bounded wait; the parsed body, or throws. */
export async function healthz(url: string): Promise<{ ok: boolean; rooms: number; sockets: number }> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
  return (await res.json()) as { ok: boolean; rooms: number; sockets: number };
}

/** Seeded PRNG for fuzzing and reproducible payloads: the project's one generator. */
export const mulberry32 = createPrng;

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

export const hex = (b: Uint8Array, max = 80) => Buffer.from(b.subarray(0, max)).toString('hex') + (b.length > max ? `…(${b.length} bytes)` : '');
