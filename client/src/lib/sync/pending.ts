/**
 * Counts this client's edits that the server has not yet made durable.
 *
 * Every local transaction (a doc 'update' whose origin is not the provider or the local store) is
 * remembered with the end of the clock range it wrote for `doc.clientID` (exclusive, like a state
 * vector entry). The server's ack (message type 100) carries, per client id, the same kind of end
 * clock for what it has committed; an edit is settled once the acked clock reaches its end.
 * Settling by clock rather than by counting acks is what keeps the number right across reconnects:
 * after a reconnect the sync handshake resends everything at once and one ack covers it.
 *
 * A transaction that only deletes writes no new clock (Yjs keeps deletions in a delete set), so it
 * has nothing to compare; it is settled by the first ack that arrives after it could have been
 * sent, which on one ordered socket means the server committed at least up to it.
 *
 * The count lives in memory: after a reload, edits made offline in an earlier page are still in
 * IndexedDB and still sync, but under that page's old client id, so they are not counted here.
 */
import type * as Y from 'yjs';

type Entry = { end: number | null; generation: number };

export class PendingEdits {
  #entries: Entry[] = [];
  #acked = 0;
  /** Bumped on every open socket: a clock-less edit waits for an ack from a later generation. */
  #generation = 0;
  #connected = false;
  #onUpdate: (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction) => void;

  constructor(
    private readonly doc: Y.Doc,
    isRemote: (origin: unknown) => boolean,
    private readonly onChange: (count: number) => void
  ) {
    this.#onUpdate = (_update, origin, _doc, tr) => {
      if (isRemote(origin)) return;
      const id = this.doc.clientID;
      const before = tr.beforeState.get(id) ?? 0;
      const after = tr.afterState.get(id) ?? 0;
      const end = after > before ? after : null;
      if (end !== null && end <= this.#acked) return;
      this.#entries.push({ end, generation: this.#connected ? this.#generation : this.#generation + 1 });
      this.onChange(this.count);
    };
    doc.on('update', this.#onUpdate);
  }

  get count(): number {
    return this.#entries.length;
  }

  /** The socket opened (or closed): clock-less edits made while closed wait for the next socket. */
  setConnected(connected: boolean): void {
    if (connected && !this.#connected) this.#generation++;
    this.#connected = connected;
  }

  /** Applies an ack's clocks: for our client id, the end of the clock range now durable. */
  ack(clocks: Map<number, number>): void {
    const clock = clocks.get(this.doc.clientID);
    if (clock !== undefined && clock > this.#acked) this.#acked = clock;
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) =>
      e.end === null ? e.generation > this.#generation || !this.#connected : e.end > this.#acked
    );
    if (this.#entries.length !== before) this.onChange(this.count);
  }

  destroy(): void {
    this.doc.off('update', this.#onUpdate);
  }
}
