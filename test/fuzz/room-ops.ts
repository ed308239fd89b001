/**
 * The byte format of the room target's inputs: a sequence of operations, each one a header byte
 * (low 3 bits: which of the 8 peers acts; the rest: what it does) and its arguments. The decoder
 * never fails: whatever the fuzzer writes decodes to some sequence, and running out of bytes ends
 * it. The seed generator writes inputs with the encoder below, so seeds are real handshakes and
 * requests, and mutations of them stay close to what a client could send.
 */

export const OP = {
  /** Bytes handed to parseClientFrame as they are (the parser's errors are part of the path). */
  raw: 0,
  step1: 1,
  step2: 2,
  update: 3,
  awareness: 4,
  queryAwareness: 5,
  /** A private message: extension (0 poker, 1 retro, 2 'nope', else a string), then JSON text. */
  private: 6,
  /** Let the group commit, the awareness flush and other timers run. */
  tick: 7,
  /** The peer's connection closes and a new one of the same person joins. */
  rejoin: 8,
  /** The peer edits its replica with the typed accessors and sends the update (see room target). */
  edit: 9
} as const;
export const OP_KINDS = 10;

/** 8 peers: [plan viewer, editor, facilitator, admin, retro viewer, editor, facilitator, admin]. */
export const PEERS = 8;

export class OpWriter {
  private readonly bytes: number[] = [];

  private varUint(n: number): void {
    while (n > 0x7f) {
      this.bytes.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    this.bytes.push(n);
  }

  private blob(b: Uint8Array): void {
    this.varUint(b.length);
    for (const x of b) this.bytes.push(x);
  }

  op(kind: number, peer: number, args: Uint8Array[] = [], extra: number[] = []): this {
    this.bytes.push(kind * 8 + peer);
    for (const x of extra) this.bytes.push(x);
    for (const a of args) this.blob(a);
    return this;
  }

  raw = (peer: number, frame: Uint8Array) => this.op(OP.raw, peer, [frame]);
  step1 = (peer: number, sv: Uint8Array) => this.op(OP.step1, peer, [sv]);
  step2 = (peer: number, update: Uint8Array) => this.op(OP.step2, peer, [update]);
  update = (peer: number, update: Uint8Array) => this.op(OP.update, peer, [update]);
  awareness = (peer: number, update: Uint8Array) => this.op(OP.awareness, peer, [update]);
  queryAwareness = (peer: number) => this.op(OP.queryAwareness, peer);
  private(peer: number, extension: 'poker' | 'retro', payload: unknown): this {
    return this.op(OP.private, peer, [new TextEncoder().encode(JSON.stringify(payload))], [extension === 'poker' ? 0 : 1]);
  }
  tick = (peer = 0) => this.op(OP.tick, peer);
  rejoin = (peer: number) => this.op(OP.rejoin, peer);
  /** `what` picks the edit, `text` feeds its strings. */
  edit = (peer: number, what: number, text: string) => this.op(OP.edit, peer, [new TextEncoder().encode(text)], [what]);

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Reads an input; every read past the end returns null and ends the sequence. */
export class OpReader {
  private pos = 0;
  constructor(private readonly data: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.data.length;
  }

  byte(): number | null {
    return this.pos < this.data.length ? this.data[this.pos++] : null;
  }

  varUint(): number | null {
    let n = 0;
    let mult = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      if (b === null) return null;
      n += (b & 0x7f) * mult;
      if (b < 0x80) return n;
      mult *= 128;
    }
    return n;
  }

  /** A length-prefixed blob, cut at the end of the input. */
  blob(): Uint8Array | null {
    const n = this.varUint();
    if (n === null) return null;
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += out.length;
    return out;
  }
}
