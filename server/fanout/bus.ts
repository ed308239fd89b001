/**
 * The fan-out bus: how servers that share one store tell each other about committed updates, so a
 * room may be open on several servers at once. Single-server Plenary uses no bus at all.
 *
 * One hop per update: after its group commit, a server publishes the merged update of each room
 * it committed to, with its own id and a per-(server, room) sequence number. A receiver applies it
 * to its resident doc (not stored again: it is already durable) and fans it out locally. A gap in a
 * publisher's sequence (a lost message, a bus reconnect) is repaired by reloading the room from the
 * store and applying it: Yjs updates are idempotent, so the repair can only add what was missed.
 */
export type BusMessage = {
  /** Publishing server's id (random per process). */
  server: string;
  /** Per (server, room) sequence, starting at 1. */
  seq: number;
  update: Uint8Array;
  /**
   * Yjs client ids this batch claimed for their authors (server/sync/client-owners.ts): the
   * receiver learns them with the update, so a takeover is refused on every server at once.
   */
  owners?: [clientId: number, owner: string][];
  /**
   * An awareness update of this server's own peers (presence, cursors, presenter follow), relayed
   * so people on other servers see them (issue 12). Awareness is not durable and has no sequence:
   * a message carrying only awareness has seq 0 and an empty update, and never counts as a gap;
   * a lost one is made good by the client's own renewal (every 15 s).
   */
  awareness?: Uint8Array;
  /**
   * A room extension's word to its peers on other servers (server/extensions/host.ts): its shared
   * state changed, so each server shows the change to its own connections. Like awareness it has
   * seq 0 and an empty update; a lost notice is made good by the client's next request.
   */
  notice?: ExtensionNotice;
};

export type ExtensionNotice = {
  extension: string;
  /** The extension's own JSON; never a secret (the receiver reads the state from the store). */
  payload: unknown;
  /** The Yjs clocks the step wrote: the receiver acts on a document that has them. */
  mark: [client: number, clock: number][];
};

const isMark = (v: unknown): v is ExtensionNotice['mark'] => Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && Number.isInteger(p[0]) && Number.isInteger(p[1]));

function readNotice(v: unknown): ExtensionNotice | null {
  if (v === null || typeof v !== 'object') return null;
  const n = v as Partial<ExtensionNotice>;
  return typeof n.extension === 'string' && isMark(n.mark) ? { extension: n.extension, payload: n.payload ?? null, mark: n.mark } : null;
}

/**
 * An access change (issue 11): these people's registry rows changed (revoked, role, name). The
 * receiver re-reads them from the store and applies them to its live sockets. With `online`, the
 * publisher's whole list of people connected to it (server/sync/online.ts), replacing its last one.
 */
export type AccessMessage = {
  server: string;
  personIds: string[];
  online?: string[];
  /** Sessions signed out (POST /api/session/sign-out): forget them, close their sockets. */
  sessions?: string[];
  /** API keys revoked (issue 16): forget them at once. */
  apiKeys?: string[];
};

/** The bus's connection state, reported on every change (metrics, /healthz). */
export type BusStatus = {
  /** Connected and subscribed to every channel this server wants. */
  up: boolean;
  /** Up again after having been down (an outage ended, not the first connection). */
  reconnected: boolean;
};

export interface FanoutBus {
  readonly name: string;
  /** Whether messages flow right now; while false, servers serve their own clients alone. */
  readonly up: boolean;
  publish(room: string, message: BusMessage): Promise<void>;
  /** Delivers other publishers' messages for a room (a server never receives its own). */
  subscribe(room: string, self: string, handler: (message: BusMessage) => void): Promise<() => Promise<void>>;
  /** Called when the bus may have lost messages (e.g. after a reconnect): every room must repair. */
  onGap(handler: () => void): void;
  /** Called on every change of `up`. */
  onStatus(handler: (status: BusStatus) => void): void;
  /** Tells every other server that these people changed. */
  publishAccess(message: AccessMessage): Promise<void>;
  /** Delivers other servers' access messages. */
  onAccess(self: string, handler: (message: AccessMessage) => void): Promise<void>;
  close(): Promise<void>;
}

export function encodeAccessMessage(m: AccessMessage): string {
  return JSON.stringify({ server: m.server, personIds: m.personIds, ...(m.online ? { online: m.online } : {}), ...(m.sessions ? { sessions: m.sessions } : {}) });
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((p) => typeof p === 'string');

export function decodeAccessMessage(text: string): AccessMessage | null {
  try {
    const v = JSON.parse(text) as AccessMessage;
    if (typeof v?.server !== 'string' || !strings(v.personIds)) return null;
    if ((v.online !== undefined && !strings(v.online)) || (v.sessions !== undefined && !strings(v.sessions))) return null;
    return { server: v.server, personIds: v.personIds, ...(v.online ? { online: v.online } : {}), ...(v.sessions ? { sessions: v.sessions } : {}) };
  } catch {
    return null;
  }
}

/**
 * Binary framing shared by bus implementations:
 * [server id length][server id][seq f64][extras JSON length u32][extras JSON][update]. The extras
 * are the owners array, or, with awareness or a notice, { o: owners?, a: awareness as base64?, n: notice? }.
 */
export function encodeBusMessage(m: BusMessage): Buffer {
  const id = Buffer.from(m.server, 'utf8');
  const extras =
    m.awareness || m.notice
      ? {
          ...(m.owners?.length ? { o: m.owners } : {}),
          ...(m.awareness ? { a: Buffer.from(m.awareness.buffer, m.awareness.byteOffset, m.awareness.byteLength).toString('base64') } : {}),
          ...(m.notice ? { n: m.notice } : {})
        }
      : m.owners?.length
      ? m.owners
      : null;
  const owners = extras ? Buffer.from(JSON.stringify(extras), 'utf8') : Buffer.alloc(0);
  const head = 1 + id.length + 8 + 4;
  const out = Buffer.allocUnsafe(head + owners.length + m.update.length);
  out[0] = id.length;
  id.copy(out, 1);
  out.writeDoubleBE(m.seq, 1 + id.length);
  out.writeUInt32BE(owners.length, 1 + id.length + 8);
  owners.copy(out, head);
  out.set(m.update, head + owners.length);
  return out;
}

export function decodeBusMessage(buf: Buffer): BusMessage | null {
  if (buf.length < 13 || buf.length < 1 + buf[0] + 12) return null;
  const n = buf[0];
  const head = 1 + n + 12;
  const ownersLength = buf.readUInt32BE(1 + n + 8);
  if (buf.length < head + ownersLength) return null;
  let owners: [number, string][] | undefined;
  let awareness: Uint8Array | undefined;
  let notice: ExtensionNotice | undefined;
  if (ownersLength > 0) {
    try {
      let parsed = JSON.parse(buf.subarray(head, head + ownersLength).toString('utf8')) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const x = parsed as { o?: unknown; a?: unknown; n?: unknown };
        if ((x.a === undefined && x.n === undefined) || (x.a !== undefined && typeof x.a !== 'string')) return null;
        if (typeof x.a === 'string') awareness = new Uint8Array(Buffer.from(x.a, 'base64'));
        if (x.n !== undefined) {
          const n = readNotice(x.n);
          if (!n) return null;
          notice = n;
        }
        parsed = x.o ?? [];
      }
      if (!Array.isArray(parsed) || !parsed.every((o) => Array.isArray(o) && typeof o[0] === 'number' && typeof o[1] === 'string')) return null;
      if (parsed.length) owners = parsed as [number, string][];
    } catch {
      return null;
    }
  }
  return {
    server: buf.subarray(1, 1 + n).toString('utf8'),
    seq: buf.readDoubleBE(1 + n),
    update: new Uint8Array(buf.subarray(head + ownersLength)),
    ...(owners ? { owners } : {}),
    ...(awareness ? { awareness } : {}),
    ...(notice ? { notice } : {})
  };
}
