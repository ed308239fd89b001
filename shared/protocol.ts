/**
 * The Plenary wire protocol, in one file, imported by the server and the client.
 *
 * Plenary speaks the standard y-websocket protocol so a stock `WebsocketProvider` syncs unchanged:
 *
 *   client → server   [0 sync][0 step1][stateVector]        "here is what I have"
 *   server → client   [0 sync][1 step2][update]             "here is what you miss"
 *   server → client   [0 sync][0 step1][stateVector]        "now tell me what I miss"
 *   client → server   [0 sync][1 step2][update]
 *   both ways         [0 sync][2 update][update]            live edits
 *   both ways         [1 awareness][awareness update]       presence, carets
 *   client → server   [3 query-awareness]                   "send me everyone's presence"
 *   server → client   [2 auth][0 permission denied][reason] "your writes are dropped" (viewers)
 *
 * Plenary's own message types (≥ 100) are sent only to clients that asked for them in the URL
 * (`?ack=1`), so a stock client never receives a type it does not know:
 *
 *   server → client   [100 ack][serverTime][n][(clientId, clock) × n]
 *   both ways         [101 private][extension name][JSON]   a message for one server extension
 *                                                          (poker votes, retro cards) that must
 *                                                          not pass through the shared document
 *
 * An ack is sent after the sender's update is committed to the store. It carries, for every Yjs
 * client id in the acknowledged updates, the highest clock now durable, and the server's clock, so
 * a client can count its edits still pending and learn its clock offset.
 *
 * Every frame is parsed strictly: a truncated frame, trailing bytes, or an unknown type closes the
 * connection with a code from `CLOSE` below. Codes 4400–4499 mean "do not reconnect" to a stock
 * y-websocket client; 4500–4599 mean "try again later".
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { JsonBoundsError, parseBoundedJson, type JsonBounds } from './bounded-json.ts';

export const PROTOCOL_VERSION = 1;

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
export const MESSAGE_ACK = 100;
export const MESSAGE_PRIVATE = 101;

export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export const AUTH_PERMISSION_DENIED = 0;

/** URL query parameters the sync endpoint understands besides `token`. */
export const PARAM_TOKEN = 'token';
export const PARAM_ACK = 'ack';

/** Path prefix of the sync endpoint: `ws://host:port/sync/<room>`. */
export const SYNC_PATH = '/sync';

/** One close code per reason a server ends a connection. */
export const CLOSE = {
  goingAway: { code: 1001, reason: 'server going away' },
  malformedFrame: { code: 4400, reason: 'malformed or truncated frame' },
  tokenExpired: { code: 4401, reason: 'token expired' },
  forbidden: { code: 4403, reason: 'not allowed in this room' },
  unknownMessageType: { code: 4405, reason: 'unknown message type' },
  forbiddenWrite: { code: 4406, reason: 'your role may not change this part of the document' },
  frameTooLarge: { code: 4413, reason: 'frame too large' },
  awarenessTooLarge: { code: 4414, reason: 'presence payload too large' },
  documentTooLarge: { code: 4415, reason: 'document size limit reached' },
  invalidUpdate: { code: 4422, reason: 'update could not be applied' },
  messageRate: { code: 4429, reason: 'too many messages' },
  byteRate: { code: 4430, reason: 'too many bytes per second' },
  awarenessRate: { code: 4431, reason: 'presence updates too frequent' },
  impersonation: { code: 4432, reason: 'presence of another client' },
  clientIdTaken: { code: 4433, reason: 'this Yjs client id belongs to another person' },
  revoked: { code: 4434, reason: 'your access to this plan was revoked' },
  /** The person signed this session out (POST /api/session/sign-out): their other sessions live on. */
  signedOut: { code: 4435, reason: 'this session was signed out' },
  presenceInvalid: { code: 4416, reason: 'presence payload too deep, too wide or too long' },
  privateInvalid: { code: 4417, reason: 'private message too deep, too wide or too long' },
  tooManyConnections: { code: 4436, reason: 'too many open connections for this person' },
  privateRate: { code: 4437, reason: 'private requests too frequent' },
  internal: { code: 4500, reason: 'internal server error' },
  loadFailed: { code: 4503, reason: 'document could not be loaded, try again later' },
  slowConsumer: { code: 4508, reason: 'connection too slow to keep up' }
} as const;

export type CloseName = keyof typeof CLOSE;

/** The close reason a client shows for a code, or null for codes Plenary does not define. */
export function describeClose(code: number): { name: CloseName; reason: string; permanent: boolean } | null {
  for (const [name, entry] of Object.entries(CLOSE)) {
    if (entry.code === code) return { name: name as CloseName, reason: entry.reason, permanent: isPermanentClose(code) };
  }
  return null;
}

/** Mirrors y-websocket's default: 4400–4499 are deliberate, reconnecting cannot fix them. */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}

/** Defaults of every limit; the server reads overrides from env vars (see server/config.ts). */
export const LIMITS = {
  maxFrameBytes: 8 * 1024 * 1024,
  messagesPerSecond: 400,
  messageBurst: 2000,
  bytesPerSecond: 8 * 1024 * 1024,
  byteBurst: 32 * 1024 * 1024,
  maxAwarenessBytes: 32 * 1024,
  // Stock clients echo every presence frame they receive, so a client's own rate is its cursor
  // moves plus one echo per flush (1000 / awarenessFlushMs): keep the limit above that.
  awarenessPerSecond: 100,
  awarenessBurst: 300,
  maxDocumentBytes: 64 * 1024 * 1024,
  sendHighWaterBytes: 16 * 1024 * 1024,
  awarenessFlushMs: 40,
  maxPrivateBytes: 64 * 1024,
  /** Bounds on JSON a client sends (presence states, private messages): see shared/bounded-json.ts. */
  maxJsonDepth: 16,
  maxJsonItems: 2000,
  maxJsonString: 8192,
  /** Private messages (poker votes, retro cards) per second per connection, and their burst. */
  privatePerSecond: 20,
  privateBurst: 60,
  /** Open sync connections per person (token subject) on one server, and per client address. */
  maxConnectionsPerSession: 20,
  maxConnectionsPerAddress: 200,
  /**
   * Updates larger than this are checked and applied across event-loop turns (a few ms each), so
   * one big import never stalls the other rooms of a server; smaller ones at once.
   */
  stepwiseUpdateBytes: 64 * 1024,
  /** Structs per slice when a large update is applied to the server's document in steps. */
  applySliceStructs: 1000
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };

/** Rooms are lower-case slugs, optionally one level deep: `gpu-buildout` or `gpu-buildout/retro-7`. */
export const ROOM_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}(\/[a-z0-9][a-z0-9_-]{0,62})?$/;

export function isValidRoom(room: string): boolean {
  return ROOM_PATTERN.test(room);
}

/**
 * A token's room scope: a room (`gpu-buildout`), a room and everything under it (`gpu-buildout/*`:
 * the plan and its retros), or every room (`*`).
 */
export function isValidScope(scope: string): boolean {
  return scope === '*' || isValidRoom(scope) || (scope.endsWith('/*') && isValidRoom(scope.slice(0, -2)));
}

export function scopeCovers(scope: string, room: string): boolean {
  if (scope === '*') return true;
  if (scope.endsWith('/*')) {
    const base = scope.slice(0, -2);
    return room === base || room.startsWith(base + '/');
  }
  return scope === room;
}

export const ROLES = ['viewer', 'editor', 'facilitator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function canWrite(role: Role): boolean {
  return role !== 'viewer';
}

/** A frame the server received, parsed. Payloads are views into the frame, not copies. */
export type ClientFrame =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'private'; extension: string; payload: unknown }
  | { type: 'auth'; payload: Uint8Array };

/** A named protocol failure: carries which close to send. */
export class ProtocolError extends Error {
  constructor(readonly close: CloseName, detail?: string) {
    super(detail ? `${CLOSE[close].reason}: ${detail}` : CLOSE[close].reason);
    this.name = 'ProtocolError';
  }
}

/** The JSON bounds of a set of limits. */
export const jsonBounds = (limits: Pick<Limits, 'maxJsonDepth' | 'maxJsonItems' | 'maxJsonString'>): JsonBounds => ({
  maxDepth: limits.maxJsonDepth,
  maxItems: limits.maxJsonItems,
  maxString: limits.maxJsonString
});

/** Parse one client frame strictly. Throws ProtocolError, never anything else. */
export function parseClientFrame(frame: Uint8Array, bounds: JsonBounds = jsonBounds(LIMITS)): ClientFrame {
  if (frame.length === 0) throw new ProtocolError('malformedFrame', 'empty frame');
  const decoder = decoding.createDecoder(frame);
  let parsed: ClientFrame;
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === SYNC_STEP1) parsed = { type: 'sync-step1', stateVector: payload };
        else if (sub === SYNC_STEP2) parsed = { type: 'sync-step2', update: payload };
        else if (sub === SYNC_UPDATE) parsed = { type: 'sync-update', update: payload };
        else throw new ProtocolError('unknownMessageType', `sync sub-type ${sub}`);
        break;
      }
      case MESSAGE_AWARENESS:
        parsed = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
        break;
      case MESSAGE_QUERY_AWARENESS:
        parsed = { type: 'query-awareness' };
        break;
      case MESSAGE_AUTH:
        parsed = { type: 'auth', payload: decoding.readTailAsUint8Array(decoder) };
        break;
      case MESSAGE_PRIVATE: {
        const extension = decoding.readVarString(decoder);
        if (extension.length > 64) throw new ProtocolError('privateInvalid', 'extension name too long');
        const json = decoding.readVarString(decoder);
        let payload: unknown;
        try {
          payload = parseBoundedJson(json, bounds);
        } catch (err) {
          if (err instanceof JsonBoundsError) throw new ProtocolError('privateInvalid', err.message);
          throw new ProtocolError('malformedFrame', 'private message is not JSON');
        }
        parsed = { type: 'private', extension, payload };
        break;
      }
      default:
        throw new ProtocolError('unknownMessageType', `type ${type}`);
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformedFrame', (err as Error).message);
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('malformedFrame', 'trailing bytes');
  return parsed;
}

function frame(type: number, sub: number | null, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  if (sub !== null) encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (stateVector: Uint8Array) => frame(MESSAGE_SYNC, SYNC_STEP1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array) => frame(MESSAGE_SYNC, SYNC_STEP2, update);
export const encodeSyncUpdate = (update: Uint8Array) => frame(MESSAGE_SYNC, SYNC_UPDATE, update);
export const encodeAwareness = (update: Uint8Array) => frame(MESSAGE_AWARENESS, null, update);

export function encodeQueryAwareness(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS);
  return encoding.toUint8Array(encoder);
}

/** y-protocols' auth message: a stock client logs the reason. */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  encoding.writeVarUint(encoder, AUTH_PERMISSION_DENIED);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}

export function decodePermissionDenied(frame: Uint8Array): string | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_AUTH) return null;
    if (decoding.readVarUint(decoder) !== AUTH_PERMISSION_DENIED) return null;
    return decoding.readVarString(decoder);
  } catch {
    return null;
  }
}

/** A private message for (or from) one server extension. */
export function encodePrivate(extension: string, payload: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_PRIVATE);
  encoding.writeVarString(encoder, extension);
  encoding.writeVarString(encoder, JSON.stringify(payload));
  return encoding.toUint8Array(encoder);
}

/**
 * Durability notices, a private message on the `store` channel to Plenary clients (ack=1): `held`
 * when the server's store stopped answering and this room's edits are kept in the server's memory
 * and on the devices, not yet durable and not acknowledged; `saved` once they are committed again.
 * The socket stays open through a store outage, so edits flow again without a reconnect.
 */
export const STORE_NOTICE = 'store';
export type StoreNotice = { type: 'durability'; state: 'held' | 'saved' };

export function isStoreNotice(v: unknown): v is StoreNotice {
  const m = v as StoreNotice | null;
  return m?.type === 'durability' && (m.state === 'held' || m.state === 'saved');
}

/** Reads a private message after its type byte (inside a client's message handler). */
export function readPrivateBody(decoder: decoding.Decoder): { extension: string; payload: unknown } | null {
  try {
    const extension = decoding.readVarString(decoder);
    return { extension, payload: JSON.parse(decoding.readVarString(decoder)) };
  } catch {
    return null;
  }
}

export type Ack = { serverTime: number; clocks: Map<number, number> };

export function encodeAck(ack: Ack): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_ACK);
  encoding.writeVarUint(encoder, ack.serverTime);
  encoding.writeVarUint(encoder, ack.clocks.size);
  for (const [client, clock] of ack.clocks) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

/** Reads an ack after its type byte has been read (the client's message handler has done so). */
export function readAckBody(decoder: decoding.Decoder): Ack {
  const serverTime = decoding.readVarUint(decoder);
  const n = decoding.readVarUint(decoder);
  const clocks = new Map<number, number>();
  for (let i = 0; i < n; i++) clocks.set(decoding.readVarUint(decoder), decoding.readVarUint(decoder));
  return { serverTime, clocks };
}

export function decodeAck(frame: Uint8Array): Ack | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_ACK) return null;
    return readAckBody(decoder);
  } catch {
    return null;
  }
}
