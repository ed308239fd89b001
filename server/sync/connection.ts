/**
 * One WebSocket: limits, parsing, and handing frames to its room. Every violation closes this one
 * connection with a code from the shared CLOSE table; nothing a client sends can throw past here.
 */
import type { WebSocket } from 'ws';
import { CLOSE, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, jsonBounds, MESSAGE_PRIVATE, parseClientFrame, ProtocolError, type CloseName, type Limits } from '../../shared/protocol.ts';
import type { JsonBounds } from '../../shared/bounded-json.ts';
import type { Claims } from '../auth/token.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { TokenBucket } from './rate.ts';
import type { Peer, Room } from './room.ts';

let nextId = 0;

/** An update with no structs and no deletions. */
const EMPTY_UPDATE = Uint8Array.of(0, 0);
/** messageSync, step 1, a 1-byte state vector holding 0 clients. */
const isStep1ForEverything = (f: Uint8Array) => f.length === 4 && f[0] === 0 && f[1] === 0 && f[2] === 1 && f[3] === 0;

export class Connection implements Peer {
  readonly id = `c${(++nextId).toString(36)}`;
  readonly awarenessIds = new Set<number>();
  toldReadOnly = false;
  readonly author: string;
  /** Mutable: a role change in the access registry applies to the live socket (setAccess). */
  canWrite: boolean;
  role: Claims['role'];
  name: string;
  private room: Room | null = null;
  /** Frames that arrived while the room was loading; bounded by the rate limits. */
  private queued: Uint8Array[] = [];
  private closed = false;
  /** Sent the room's stored state before the room was built (see answerEarly). */
  private answeredEarly = false;
  private storedParts: readonly Uint8Array[] | null = null;
  private alive = true;
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  private readonly awarenessRate: TokenBucket;
  private readonly privateRate: TokenBucket;
  private readonly bounds: JsonBounds;
  private expiryTimer: NodeJS.Timeout | null = null;
  readonly log: Logger;

  constructor(
    private readonly ws: WebSocket,
    readonly claims: Claims,
    readonly roomName: string,
    readonly wantsAck: boolean,
    /** The client's network address, for the per-address connection cap. */
    readonly address: string,
    private readonly limits: Limits,
    private readonly metrics: Metrics,
    log: Logger,
    private readonly onClosed: (conn: Connection) => void
  ) {
    this.author = claims.sub;
    this.role = claims.role;
    this.name = claims.name;
    this.canWrite = claims.role !== 'viewer';
    this.log = log.child({ conn: this.id, room: roomName, user: claims.sub, role: claims.role });
    this.messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    this.bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst);
    this.awarenessRate = new TokenBucket(limits.awarenessPerSecond, limits.awarenessBurst);
    this.privateRate = new TokenBucket(limits.privatePerSecond, limits.privateBurst);
    this.bounds = jsonBounds(limits);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data, isBinary) => this.guard('socket', () => this.onMessage(data as Buffer, isBinary)));
    ws.on('close', () => this.guard('socket', () => this.onSocketClosed()));
    ws.on('error', (err) => this.log.debug({ err }, 'socket error'));
    ws.on('pong', () => (this.alive = true));
    metrics.sockets.inc();
    // A token expiring mid-session ends the session (the client may come back with a fresh one).
    const ms = claims.exp * 1000 - Date.now();
    this.expiryTimer = setTimeout(() => this.guard('expiry', () => this.close('tokenExpired')), Math.min(Math.max(ms, 0), 2 ** 31 - 1));
    this.expiryTimer.unref?.();
  }

  /**
   * The registry changed this person's role or name: the room reads role and canWrite per frame, so
   * the next frame is judged by the new role. A viewer made editor may be told "read-only" again.
   */
  setAccess(role: Claims['role'], name: string): void {
    if (role !== this.role) this.toldReadOnly = false;
    this.role = role;
    this.canWrite = role !== 'viewer';
    this.name = name;
  }

  /**
   * The room is still being built from its stored parts: if this client asked for everything (a
   * sync step 1 with an empty state vector, what a fresh page sends), it is answered with the parts
   * now. Stock clients apply a step 2 and updates whenever they come.
   */
  answerEarly(parts: readonly Uint8Array[]): void {
    if (this.closed || this.room || this.answeredEarly) return;
    const at = this.queued.findIndex(isStep1ForEverything);
    // Not asked yet: the question may still come while the room is being built.
    if (at < 0) {
      this.storedParts = parts;
      return;
    }
    this.queued.splice(at, 1);
    this.storedParts = null;
    this.answeredEarly = true;
    this.send(encodeSyncStep2(parts[0] ?? EMPTY_UPDATE));
    for (const part of parts.slice(1)) this.send(encodeSyncUpdate(part));
  }

  /** The room finished loading: join, then replay what arrived meanwhile. */
  attach(room: Room): void {
    if (this.closed) return;
    this.room = room;
    this.storedParts = null;
    room.join(this);
    // Answered from the stored parts: what changed since (bus deliveries, the schema upgrade) comes
    // as the answer to the step 1 it would have sent had it seen the room's loaded state.
    if (this.answeredEarly && room.loadedStateVector) this.handle(encodeSyncStep1(room.loadedStateVector));
    const queued = this.queued;
    this.queued = [];
    for (const frame of queued) if (!this.closed) this.handle(frame);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    this.metrics.bytesIn.inc(data.length);
    if (!isBinary) return this.close('malformedFrame', 'text frame');
    if (data.length > this.limits.maxFrameBytes) return this.close('frameTooLarge', `${data.length} bytes`);
    if (!this.messages.take(1)) return this.close('messageRate');
    if (!this.bytes.take(data.length)) return this.close('byteRate');
    const frame = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (this.room) this.handle(frame);
    else {
      this.queued.push(frame);
      if (this.storedParts && isStep1ForEverything(frame)) this.answerEarly(this.storedParts);
    }
  }

  private handle(bytes: Uint8Array): void {
    try {
      if (bytes[0] === MESSAGE_PRIVATE && bytes.length > this.limits.maxPrivateBytes) throw new ProtocolError('frameTooLarge', 'private message');
      const frame = parseClientFrame(bytes, this.bounds);
      if (frame.type === 'awareness' && !this.awarenessRate.take(1)) throw new ProtocolError('awarenessRate');
      if (frame.type === 'private' && !this.privateRate.take(1)) throw new ProtocolError('privateRate');
      this.room!.receive(this, frame);
    } catch (err) {
      if (err instanceof ProtocolError) return this.close(err.close, err.message);
      // A bug of ours, not the client's: log it, close this one connection, keep the room.
      this.log.error({ err }, 'unexpected error handling a frame');
      this.close('internal');
    }
  }

  /**
   * The boundary of this connection's callbacks (socket events, timers, heartbeats): a throw is
   * logged and counted, and this connection alone is cut off; the room and the process go on.
   */
  guard(kind: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.metrics.callbackErrors.inc({ kind });
      this.log.error({ err, kind }, 'connection callback failed; terminating the connection');
      try {
        if (!this.closed) this.detach();
      } catch (detachErr) {
        this.log.error({ err: detachErr }, 'detaching a failed connection failed');
      }
      this.ws.terminate();
    }
  }

  /** A person's session from the access registry (not an operator token). */
  get personal(): boolean {
    return this.claims.sid !== undefined;
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    // A peer that cannot keep up is closed rather than buffered without bound.
    // Only a backlog counts: one frame larger than the mark (a big document's initial sync) is fine.
    const queued = this.ws.bufferedAmount;
    if (queued > 0 && queued + frame.length > this.limits.sendHighWaterBytes) return this.close('slowConsumer');
    this.ws.send(frame, { binary: true });
    this.metrics.bytesOut.inc(frame.length);
  }

  close(name: CloseName, detail?: string): void {
    if (this.closed) return;
    const { code, reason } = CLOSE[name];
    if (name !== 'goingAway') {
      this.metrics.closes.inc({ reason: name });
      this.log.info({ code, reason: name, detail }, 'closing connection');
    }
    this.detach();
    this.ws.close(code, reason);
    // A peer that does not complete the closing handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2_000).unref?.();
  }

  /** Liveness: called by the server's heartbeat; a socket that missed a pong is terminated. */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.log.info('no pong; terminating');
      this.detach();
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  private onSocketClosed(): void {
    this.detach();
  }

  private detach(): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = [];
    this.storedParts = null;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.metrics.sockets.dec();
    this.room?.leave(this);
    this.onClosed(this);
  }

  get currentRoom(): Room | null {
    return this.room;
  }
}
