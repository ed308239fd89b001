/**
 * The update scanner (server/sync/update-scan.ts): it must accept every update Yjs writes, read
 * it exactly as Yjs does, and refuse before anything is applied every update Yjs would stop on
 * half-way. Each refusal case first checks that Yjs really does throw on it.
 */
import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { ProtocolError } from '../../shared/protocol.ts';
import { createPrng } from '../../shared/prng.ts';
import { scanUpdate, sliceUpdate, utf16Length } from '../../server/sync/update-scan.ts';

/** A client doc with a bit of everything Plenary writes: maps, arrays, text, XML, deletions. */
function richUpdate(seed: number): Uint8Array {
  const rand = createPrng(seed);
  const doc = new Y.Doc();
  const m = doc.getMap('cards');
  for (let i = 0; i < 40; i++) {
    const card = new Y.Map<unknown>();
    m.set(`card-${i}`, card);
    card.set('title', `Title ${i} — naïve café 🚀`);
    card.set('points', rand() < 0.5 ? null : Math.floor(rand() * 13));
    card.set('labels', ['a', 'b', { nested: [1, 2.5, true, null] }]);
    const history = new Y.Array<unknown>();
    card.set('history', history);
    history.push([{ at: 1, to: 'todo' }]);
    const text = new Y.XmlText();
    card.set('description', text);
    text.insert(0, 'hello 🌍 world', { bold: true });
    if (rand() < 0.3) text.delete(2, 3);
    if (rand() < 0.2) m.delete(`card-${i}`);
  }
  const frag = doc.getXmlFragment('notes');
  const el = new Y.XmlElement('paragraph');
  frag.insert(0, [el]);
  el.setAttribute('align', 'left');
  doc.getText('t').insert(0, 'abc');
  doc.getArray('bin').push([new Uint8Array([1, 2, 3])]);
  return Y.encodeStateAsUpdate(doc);
}

const refuses = (update: Uint8Array, why: RegExp) => {
  let err: unknown = null;
  try {
    scanUpdate(update);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ProtocolError);
  expect((err as ProtocolError).close).toBe('invalidUpdate');
  expect((err as Error).message).toMatch(why);
};

/** Yjs really stops on it (so the case means what it says). */
const yjsThrows = (update: Uint8Array) => {
  const doc = new Y.Doc();
  expect(() => Y.applyUpdate(doc, update)).toThrow();
  doc.destroy();
};

/** One Item struct under root `root` (parent by ykey) holding `content` written by `write`. */
function oneItem(info: number, write: (e: encoding.Encoder) => void, client = 7): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // one client
  encoding.writeVarUint(e, 1); // one struct
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 0); // clock
  encoding.writeUint8(e, info);
  write(e);
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
}
const underRoot = (root: string, sub: string | null) => (e: encoding.Encoder) => {
  encoding.writeVarUint(e, 1); // parent is a root, by name
  encoding.writeVarString(e, root);
  if (sub !== null) encoding.writeVarString(e, sub);
};
const badUtf8 = (e: encoding.Encoder) => {
  encoding.writeVarUint(e, 2);
  encoding.writeUint8(e, 0xc3);
  encoding.writeUint8(e, 0x28);
};

describe('update scanner', () => {
  it('reads every update Yjs writes exactly as Yjs does (ids, lengths, delete set)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const update = richUpdate(seed);
      const mine = scanUpdate(update);
      const theirs = Y.decodeUpdate(update);
      expect(mine.structs.map((s) => [s.id.client, s.id.clock, s.length])).toEqual(theirs.structs.map((s) => [s.id.client, s.id.clock, s.length]));
      const ds = (m: Map<number, { clock: number; len: number }[]>) => [...m].map(([c, r]) => [c, r.map((x) => [x.clock, x.len])]);
      expect(ds(mine.ds.clients)).toEqual(ds(theirs.ds.clients as Map<number, { clock: number; len: number }[]>));
    }
  });

  it('slices apply to the same document as the whole update', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const update = richUpdate(seed);
      const whole = new Y.Doc();
      Y.applyUpdate(whole, update);
      const sliced = new Y.Doc();
      const slices = sliceUpdate(scanUpdate(update), 7);
      expect(slices.length).toBeGreaterThan(3);
      for (const s of slices) Y.applyUpdate(sliced, s);
      expect(Y.encodeStateAsUpdate(sliced)).toEqual(Y.encodeStateAsUpdate(whole));
      expect(sliced.store.pendingStructs).toBeNull();
    }
  });

  it('counts UTF-16 units of UTF-8 as JavaScript does', () => {
    for (const s of ['', 'abc', 'naïve', '€', '🚀', 'a🌍b', '\uFEFFbom', '\u07FF\u0800\uFFFF']) {
      const bytes = new TextEncoder().encode(s);
      expect(utf16Length(bytes, 0, bytes.length)).toBe(s.length);
    }
  });

  it('refuses invalid UTF-8 in a key (found by the chaos run: lib0 decodes strings fatally)', () => {
    // A map entry (parentSub) whose key holds a bad byte, with one `any` value.
    const anyWithBadKey = oneItem(0x20 | 8, (e) => {
      underRoot('m', null)(e);
      badUtf8(e);
      encoding.writeVarUint(e, 1);
      encoding.writeAny(e, 1);
    });
    yjsThrows(anyWithBadKey);
    refuses(anyWithBadKey, /UTF-8/);
  });

  it('refuses invalid UTF-8 inside an any value and in text', () => {
    const anyString = oneItem(8, (e) => {
      underRoot('a', null)(e);
      encoding.writeVarUint(e, 1);
      encoding.writeUint8(e, 119); // string
      badUtf8(e);
    });
    yjsThrows(anyString);
    refuses(anyString, /UTF-8/);
    const text = oneItem(4, (e) => {
      underRoot('t', null)(e);
      badUtf8(e);
    });
    yjsThrows(text);
    refuses(text, /UTF-8/);
  });

  it('refuses unknown content, unknown types, bad JSON, subdocuments and empty structs', () => {
    const unknownContent = oneItem(11, underRoot('a', null));
    refuses(unknownContent, /unknown content/);
    const unknownType = oneItem(7, (e) => {
      underRoot('a', null)(e);
      encoding.writeVarUint(e, 9);
    });
    yjsThrows(unknownType);
    refuses(unknownType, /unknown type/);
    const badJson = oneItem(5, (e) => {
      underRoot('a', null)(e);
      encoding.writeVarString(e, '{not json');
    });
    yjsThrows(badJson);
    refuses(badJson, /JSON/);
    const subdoc = oneItem(9, (e) => {
      underRoot('a', null)(e);
      encoding.writeVarString(e, 'guid');
      encoding.writeAny(e, {});
    });
    refuses(subdoc, /subdocuments/);
    const empty = oneItem(4, (e) => {
      underRoot('t', null)(e);
      encoding.writeVarString(e, '');
    });
    refuses(empty, /empty struct/);
  });

  it('refuses a reference to the writer\u2019s own later clocks, a client listed twice, truncation and empty delete ranges', () => {
    const forward = oneItem(0x80 | 4, (e) => {
      encoding.writeVarUint(e, 7); // origin client = own client
      encoding.writeVarUint(e, 5); // clock 5 > own clock 0
      encoding.writeVarString(e, 'x');
    });
    yjsThrows(forward);
    refuses(forward, /itself or later/);

    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 2);
    for (let k = 0; k < 2; k++) {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 7);
      encoding.writeVarUint(e, k);
      encoding.writeUint8(e, 4);
      underRoot('t', null)(e);
      encoding.writeVarString(e, 'x');
    }
    encoding.writeVarUint(e, 0);
    refuses(encoding.toUint8Array(e), /twice/);

    const whole = richUpdate(3);
    refuses(whole.slice(0, whole.length >> 1), /truncated/);

    const ds = encoding.createEncoder();
    encoding.writeVarUint(ds, 0);
    encoding.writeVarUint(ds, 1);
    encoding.writeVarUint(ds, 99);
    encoding.writeVarUint(ds, 1);
    encoding.writeVarUint(ds, 3);
    encoding.writeVarUint(ds, 0);
    yjsThrows(encoding.toUint8Array(ds));
    refuses(encoding.toUint8Array(ds), /empty delete range/);
  });

  it('a deeply nested value is skipped without exhausting the stack', () => {
    const deep = oneItem(8, (e) => {
      underRoot('a', null)(e);
      encoding.writeVarUint(e, 1);
      for (let i = 0; i < 200_000; i++) {
        encoding.writeUint8(e, 117); // array of one
        encoding.writeVarUint(e, 1);
      }
      encoding.writeUint8(e, 126); // null
    });
    expect(scanUpdate(deep).structs).toHaveLength(1);
  });
});
