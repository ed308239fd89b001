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
};

export interface FanoutBus {
  readonly name: string;
  publish(room: string, message: BusMessage): Promise<void>;
  /** Delivers other publishers' messages for a room (a server never receives its own). */
  subscribe(room: string, self: string, handler: (message: BusMessage) => void): Promise<() => Promise<void>>;
  /** Called when the bus may have lost messages (e.g. after a reconnect): every room must repair. */
  onGap(handler: () => void): void;
  close(): Promise<void>;
}

/** Binary framing shared by bus implementations: [server id length][server id][seq f64][update]. */
export function encodeBusMessage(m: BusMessage): Buffer {
  const id = Buffer.from(m.server, 'utf8');
  const out = Buffer.allocUnsafe(1 + id.length + 8 + m.update.length);
  out[0] = id.length;
  id.copy(out, 1);
  out.writeDoubleBE(m.seq, 1 + id.length);
  out.set(m.update, 1 + id.length + 8);
  return out;
}

export function decodeBusMessage(buf: Buffer): BusMessage | null {
  if (buf.length < 9 || buf.length < 1 + buf[0] + 8) return null;
  const n = buf[0];
  return {
    server: buf.subarray(1, 1 + n).toString('utf8'),
    seq: buf.readDoubleBE(1 + n),
    update: new Uint8Array(buf.subarray(1 + n + 8))
  };
}
