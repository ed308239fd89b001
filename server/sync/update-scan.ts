/**
 * One pass over a client's Yjs update (format v1) that checks it fully and learns what the server
 * needs from it, without building any Yjs objects.
 *
 * `Y.decodeUpdate` builds an Item and a content object per struct (235 ms for a 5,000-card import)
 * and still accepts updates that `Y.applyUpdate` throws on half-way, after it has integrated part of
 * them (Yjs has no rollback). This scanner reads the same bytes once and refuses, before anything
 * is applied, every update Yjs could not read or would stop on: truncated or overlong fields,
 * unknown struct or content kinds, unknown type refs, unparseable JSON content, invalid UTF-8 in
 * text, zero-length structs or delete ranges, a client listed twice, a reference to the writer's
 * own clocks at or past the struct making it (Yjs assumes those are integrated already), and
 * subdocuments (Plenary has none; a subdocument on the server is a second Y.Doc per struct).
 *
 * What it keeps per struct (ids, length, parent and origins) feeds the write policy and client-id
 * ownership; the byte offsets let the room apply a large update in slices (`sliceUpdate`), each a
 * valid update made of the original bytes, so no single event-loop turn integrates 2.6 MiB.
 *
 * Format (Yjs UpdateEncoderV1, lib0 varints): structs grouped per client, then a delete set.
 *   update  := varuint(groups) group* deleteSet
 *   group   := varuint(n) varuint(client) varuint(clock) struct{n}
 *   struct  := info:u8 ... — info & 31: 0 GC(len), 10 Skip(len), 1..8 an Item; Item bits:
 *              0x80 origin id, 0x40 right-origin id, neither: parent (ykey string | id) and, with
 *              0x20, a parentSub string; then the content.
 *   deleteSet := varuint(clients) (varuint(client) varuint(k) (varuint(clock) varuint(len)){k})*
 */
import { ProtocolError } from '../../shared/protocol.ts';

export type ID = { client: number; clock: number };

/** One struct of the update, as the write policy and ownership checks see it. */
export type ScannedStruct = {
  id: ID;
  length: number;
  /** GC: content collected before it was sent. Skip: a gap (only merged updates have them). */
  kind: 'item' | 'gc' | 'skip';
  /** Items only: a root type's name, the id of the item holding the parent type, or null (implied by an origin). */
  parent?: string | ID | null;
  origin?: ID | null;
  rightOrigin?: ID | null;
};

export type DeleteRange = { clock: number; len: number };

/** A client's structs in the update: where they are in the bytes, for slicing. */
type Group = { client: number; first: number; count: number; start: number; offsets: Uint32Array };

export type ScannedUpdate = {
  structs: ScannedStruct[];
  ds: { clients: Map<number, DeleteRange[]> };
  readonly bytes: Uint8Array;
  readonly groups: Group[];
  /** Where the delete set starts. */
  readonly dsStart: number;
  readonly dsEnd: number;
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
// As lib0 decodes (fatal, BOM kept), so a name reads here exactly as Yjs will read it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Refusal of an update the scanner cannot accept; `why` goes into the close reason. */
const bad = (why: string): never => {
  throw new ProtocolError('invalidUpdate', why);
};

class Reader {
  pos = 0;
  constructor(readonly a: Uint8Array) {}

  u8(): number {
    if (this.pos >= this.a.length) bad('truncated');
    return this.a[this.pos++];
  }

  /** lib0 varuint: 7 bits per byte, low first; Yjs refuses values past 2^53. */
  uint(): number {
    const a = this.a;
    let num = 0;
    let mult = 1;
    for (;;) {
      if (this.pos >= a.length) bad('truncated');
      const r = a[this.pos++];
      num += (r & 0x7f) * mult;
      if (r < 0x80) return num;
      mult *= 128;
      if (num > MAX_SAFE || mult > 2 ** 56) bad('integer out of range');
    }
  }

  /** lib0 varint (sign in the first byte): only skipped. */
  skipInt(): void {
    const a = this.a;
    let first = true;
    let bits = 0;
    for (;;) {
      if (this.pos >= a.length) bad('truncated');
      const r = a[this.pos++];
      bits += first ? 6 : 7;
      first = false;
      if (r < 0x80) return;
      if (bits > 53) bad('integer out of range');
    }
  }

  skip(n: number): void {
    if (n > this.a.length - this.pos) bad('truncated');
    this.pos += n;
  }

  /** Skips a length-prefixed byte run; returns where it ends (it starts at `end - length`). */
  run(): number {
    const len = this.uint();
    this.skip(len);
    return len;
  }

  string(): string {
    const len = this.run();
    try {
      return utf8.decode(this.a.subarray(this.pos - len, this.pos));
    } catch {
      return bad('invalid UTF-8');
    }
  }

  /**
   * Skips a string, checking it is valid UTF-8: lib0 decodes every string with a fatal decoder, so
   * one bad byte in a key or a value makes Yjs throw half-way through an update.
   */
  skipString(): void {
    this.stringLength();
  }

  /** A string's UTF-16 length (what Yjs counts as its clock length), checking it is valid UTF-8. */
  stringLength(): number {
    const len = this.run();
    return utf16Length(this.a, this.pos - len, this.pos);
  }

  id(): ID {
    const client = this.uint();
    const clock = this.uint();
    return { client, clock };
  }

  json(): void {
    const s = this.string();
    try {
      JSON.parse(s);
    } catch {
      bad('unparseable JSON content');
    }
  }

  /**
   * Skips one lib0 `any` value. Iterative, with an explicit stack of open containers, so a deeply
   * nested value cannot exhaust the call stack; every element takes at least one byte, so the work
   * is bounded by the update's size.
   */
  any(): void {
    const remaining: number[] = [];
    const isObject: boolean[] = [];
    for (;;) {
      const tag = this.u8();
      switch (tag) {
        case 127: // undefined
        case 126: // null
        case 121: // false
        case 120: // true
          break;
        case 125: // integer
          this.skipInt();
          break;
        case 124: // float32
          this.skip(4);
          break;
        case 123: // float64
        case 122: // bigint64
          this.skip(8);
          break;
        case 119:
          this.skipString();
          break;
        case 118: // object: n × (key string, value)
        case 117: // array: n × value
          remaining.push(this.uint());
          isObject.push(tag === 118);
          break;
        case 116: // bytes
          this.run();
          break;
        default:
          bad('unknown value type');
      }
      // The next value to read: the next element of the innermost unfinished container.
      let top = remaining.length - 1;
      while (top >= 0 && remaining[top] === 0) {
        remaining.pop();
        isObject.pop();
        top--;
      }
      if (top < 0) return;
      remaining[top]--;
      if (isObject[top]) this.skipString();
    }
  }
}

/** UTF-16 code units of a valid UTF-8 byte run; refuses invalid UTF-8 (Yjs would read it differently). */
export function utf16Length(a: Uint8Array, start: number, end: number): number {
  let n = 0;
  let i = start;
  while (i < end) {
    const b = a[i];
    if (b < 0x80) {
      i++;
      n++;
      continue;
    }
    let extra = 3;
    let min = 0x10000;
    if (b >= 0xc2 && b <= 0xdf) {
      extra = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      extra = 2;
      min = 0x800;
    } else if (b < 0xf0 || b > 0xf4) return bad('invalid UTF-8');
    if (i + extra >= end) return bad('invalid UTF-8');
    let cp = b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = a[i + k];
      if ((c & 0xc0) !== 0x80) return bad('invalid UTF-8');
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return bad('invalid UTF-8');
    n += cp >= 0x10000 ? 2 : 1;
    i += extra + 1;
  }
  return n;
}

/** Bits of a struct's info byte (Yjs binary.BIT8/7/6) and its content kinds (info & 31). */
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;
const HAS_PARENT_SUB = 0x20;
const CONTENT = 0x1f;
/** Type refs Yjs knows (YArray … YXmlText); XmlElement (3) and XmlHook (5) carry a name. */
const MAX_TYPE_REF = 6;

const laterOwn = (ref: ID | null, client: number, clock: number) => ref !== null && ref.client === client && ref.clock >= clock;

/** Reads one Item's content; returns its length in clocks. */
function content(r: Reader, kind: number): number {
  switch (kind) {
    case 1: // deleted
      return r.uint();
    case 2: {
      // JSON: n strings, each JSON or the literal "undefined"
      const n = r.uint();
      for (let i = 0; i < n; i++) {
        const s = r.string();
        if (s !== 'undefined') {
          try {
            JSON.parse(s);
          } catch {
            bad('unparseable JSON content');
          }
        }
      }
      return n;
    }
    case 3: // binary
      r.run();
      return 1;
    case 4: // string
      return r.stringLength();
    case 5: // embed
      r.json();
      return 1;
    case 6: // format: key, JSON value
      r.skipString();
      r.json();
      return 1;
    case 7: {
      const ref = r.uint();
      if (ref > MAX_TYPE_REF) bad('unknown type');
      if (ref === 3 || ref === 5) r.skipString();
      return 1;
    }
    case 8: {
      // any: n values
      const n = r.uint();
      for (let i = 0; i < n; i++) r.any();
      return n;
    }
    case 9:
      return bad('subdocuments are not supported');
    default:
      return bad('unknown content');
  }
}

/** Structs read between two yields of `scanSteps` (a few milliseconds of work). */
export const SCAN_CHUNK = 2_000;

/** Runs a stepwise computation to its end in one go. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Checks and indexes a v1 update. Throws ProtocolError('invalidUpdate') for anything Yjs could not
 * read or would stop on part-way.
 */
export function scanUpdate(bytes: Uint8Array): ScannedUpdate {
  return runToEnd(scanSteps(bytes));
}

/** `scanUpdate`, yielding every SCAN_CHUNK structs so a large update can be checked across turns. */
export function* scanSteps(bytes: Uint8Array): Generator<void, ScannedUpdate> {
  const r = new Reader(bytes);
  const structs: ScannedStruct[] = [];
  const groups: Group[] = [];
  const seen = new Set<number>();
  const groupCount = r.uint();
  for (let g = 0; g < groupCount; g++) {
    const n = r.uint();
    const client = r.uint();
    let clock = r.uint();
    if (seen.has(client)) bad('a client listed twice');
    seen.add(client);
    // Every struct takes at least two bytes: a count beyond that is a lie, refused before allocating.
    if (n > (bytes.length - r.pos) / 2) bad('truncated');
    const offsets = new Uint32Array(n + 1);
    const group: Group = { client, first: structs.length, count: n, start: clock, offsets };
    for (let i = 0; i < n; i++) {
      offsets[i] = r.pos;
      const info = r.u8();
      const kind = info & CONTENT;
      let s: ScannedStruct;
      if (kind === 0 || kind === 10) {
        s = { id: { client, clock }, length: r.uint(), kind: kind === 0 ? 'gc' : 'skip' };
      } else {
        const origin = info & HAS_ORIGIN ? r.id() : null;
        const rightOrigin = info & HAS_RIGHT_ORIGIN ? r.id() : null;
        let parent: string | ID | null = null;
        if (!origin && !rightOrigin) {
          parent = r.uint() === 1 ? r.string() : r.id();
          if (info & HAS_PARENT_SUB) r.skipString();
        }
        // Yjs integrates a client's structs in clock order and looks its own earlier ones up
        // without a missing-check: a reference to this struct or a later one makes it throw.
        if (laterOwn(origin, client, clock) || laterOwn(rightOrigin, client, clock) || (typeof parent !== 'string' && laterOwn(parent, client, clock))) {
          bad('refers to itself or later');
        }
        s = { id: { client, clock }, length: content(r, kind), kind: 'item', parent, origin, rightOrigin };
      }
      if (s.length === 0) bad('empty struct');
      if (clock + s.length > MAX_SAFE) bad('integer out of range');
      clock += s.length;
      structs.push(s);
      if (structs.length % SCAN_CHUNK === 0) yield;
    }
    offsets[n] = r.pos;
    groups.push(group);
  }
  const dsStart = r.pos;
  const clients = new Map<number, DeleteRange[]>();
  let dsRanges = 0;
  const dsCount = r.uint();
  for (let c = 0; c < dsCount; c++) {
    const client = r.uint();
    const k = r.uint();
    if (k > (bytes.length - r.pos) / 2) bad('truncated');
    let ranges = clients.get(client);
    if (!ranges) clients.set(client, (ranges = []));
    for (let i = 0; i < k; i++) {
      const clock = r.uint();
      const len = r.uint();
      if (len === 0) bad('empty delete range');
      if (clock + len > MAX_SAFE) bad('integer out of range');
      ranges.push({ clock, len });
      if (++dsRanges % (SCAN_CHUNK * 4) === 0) yield;
    }
  }
  return { structs, ds: { clients }, bytes, groups, dsStart, dsEnd: r.pos };
}

function writeUint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/**
 * The update cut into consecutive updates of at most `maxStructs` structs each, made of the
 * original bytes (v1 structs are position-independent): applied in order they do what the whole
 * does. The delete set travels with the last slice, after every struct it may refer to.
 */
export function sliceUpdate(scan: ScannedUpdate, maxStructs: number): Uint8Array[] {
  if (scan.structs.length <= maxStructs) return [scan.bytes];
  type Part = { group: Group; from: number; to: number };
  const slices: Part[][] = [];
  let current: Part[] = [];
  let room = maxStructs;
  for (const group of scan.groups) {
    let from = 0;
    while (from < group.count) {
      const take = Math.min(room, group.count - from);
      current.push({ group, from, to: from + take });
      from += take;
      room -= take;
      if (room === 0) {
        slices.push(current);
        current = [];
        room = maxStructs;
      }
    }
  }
  if (current.length || slices.length === 0) slices.push(current);
  const emptyDs = Uint8Array.of(0);
  const ds = scan.bytes.subarray(scan.dsStart, scan.dsEnd);
  return slices.map((parts, i) => {
    const head: number[] = [];
    writeUint(head, parts.length);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (const { group, from, to } of parts) {
      const h: number[] = [];
      writeUint(h, to - from);
      writeUint(h, group.client);
      writeUint(h, scan.structs[group.first + from].id.clock);
      const body = scan.bytes.subarray(group.offsets[from], group.offsets[to]);
      chunks.push(Uint8Array.from(h), body);
      size += h.length + body.length;
    }
    const tail = i === slices.length - 1 ? ds : emptyDs;
    const out = new Uint8Array(head.length + size + tail.length);
    out.set(head, 0);
    let at = head.length;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    out.set(tail, at);
    return out;
  });
}
