import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import {
  CLOSE,
  MESSAGE_ACK,
  MESSAGE_AUTH,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  ProtocolError,
  decodeAck,
  decodePermissionDenied,
  describeClose,
  encodeAck,
  encodeAwareness,
  encodePermissionDenied,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  isPermanentClose,
  isValidRoom,
  parseClientFrame,
  type CloseName
} from '../../shared/protocol.ts';

const bytes = (...b: number[]) => new Uint8Array(b);

/** Runs `fn`, asserts it throws a ProtocolError and returns its close name. */
function closeOf(fn: () => unknown): CloseName {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as ProtocolError).close;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

/** A copy of `frame` placed inside a larger buffer, with non-zero bytes around it (as pooled ws buffers are). */
function inPooledBuffer(frame: Uint8Array, before = 7, after = 64): Uint8Array {
  const pool = new Uint8Array(before + frame.length + after).fill(0x41);
  pool.set(frame, before);
  return pool.subarray(before, before + frame.length);
}

const payloads = [bytes(), bytes(0), bytes(1, 2, 3), new Uint8Array(300).map((_, i) => i & 0xff), new Uint8Array(20_000).fill(7)];

const lengthPrefixed = [
  { name: 'sync-step1', encode: encodeSyncStep1, key: 'stateVector' },
  { name: 'sync-step2', encode: encodeSyncStep2, key: 'update' },
  { name: 'sync-update', encode: encodeSyncUpdate, key: 'update' },
  { name: 'awareness', encode: encodeAwareness, key: 'update' }
] as const;

describe('parseClientFrame: round trips', () => {
  for (const { name, encode, key } of lengthPrefixed) {
    it(`${name}: encode then parse returns the same type and payload`, () => {
      for (const payload of payloads) {
        const parsed = parseClientFrame(encode(payload)) as Record<string, unknown>;
        expect(parsed.type).toBe(name);
        expect(Array.from(parsed[key] as Uint8Array)).toEqual(Array.from(payload));
      }
    });

    it(`${name}: round trip holds for arbitrary payloads (property)`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2000 }), (payload) => {
          const parsed = parseClientFrame(encode(payload)) as Record<string, unknown>;
          expect(parsed.type).toBe(name);
          expect(Buffer.from(parsed[key] as Uint8Array).equals(Buffer.from(payload))).toBe(true);
        })
      );
    });

    it(`${name}: a frame that is a view into a larger pooled buffer parses to exactly its own payload`, () => {
      const payload = bytes(9, 8, 7, 6);
      const parsed = parseClientFrame(inPooledBuffer(encode(payload))) as Record<string, unknown>;
      expect(Array.from(parsed[key] as Uint8Array)).toEqual([9, 8, 7, 6]);
    });
  }

  it('query-awareness: encode then parse gives query-awareness', () => {
    const frame = encodeQueryAwareness();
    expect(Array.from(frame)).toEqual([MESSAGE_QUERY_AWARENESS]);
    expect(parseClientFrame(frame)).toEqual({ type: 'query-awareness' });
  });

  it('auth: the payload is the whole tail after the type byte', () => {
    const frame = encodePermissionDenied('viewers cannot write');
    const parsed = parseClientFrame(frame);
    expect(parsed.type).toBe('auth');
    expect(Array.from((parsed as { payload: Uint8Array }).payload)).toEqual(Array.from(frame.subarray(1)));
  });

  it('auth: a bare type byte is an auth frame with an empty payload', () => {
    const parsed = parseClientFrame(bytes(MESSAGE_AUTH));
    expect(parsed).toEqual({ type: 'auth', payload: new Uint8Array(0) });
  });

  it('permission-denied: encode then decode returns the reason (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (reason) => {
        expect(decodePermissionDenied(encodePermissionDenied(reason))).toBe(reason);
      })
    );
  });

  it('permission-denied: decoding a non-auth or truncated frame returns null, never throws', () => {
    expect(decodePermissionDenied(bytes())).toBeNull();
    expect(decodePermissionDenied(encodeSyncUpdate(bytes(1)))).toBeNull();
    expect(decodePermissionDenied(bytes(MESSAGE_AUTH, 1, 0))).toBeNull();
    const full = encodePermissionDenied('denied');
    for (let n = 0; n < full.length; n++) expect(decodePermissionDenied(full.slice(0, n))).toBeNull();
  });
});

describe('parseClientFrame: strict parsing', () => {
  it('an empty frame is malformedFrame', () => {
    expect(closeOf(() => parseClientFrame(new Uint8Array(0)))).toBe('malformedFrame');
  });

  for (const { name, encode } of lengthPrefixed) {
    it(`${name}: truncation at every byte position is malformedFrame`, () => {
      for (const payload of [bytes(), bytes(5), new Uint8Array(200).fill(3)]) {
        const frame = encode(payload);
        expect(closeOf(() => parseClientFrame(frame.slice(0, 0)))).toBe('malformedFrame');
        for (let n = 1; n < frame.length; n++) {
          expect(closeOf(() => parseClientFrame(frame.slice(0, n))), `${name} cut to ${n}/${frame.length}`).toBe('malformedFrame');
        }
      }
    });

    it(`${name}: truncation is detected even when the truncated frame is a view into a larger buffer`, () => {
      const frame = encode(new Uint8Array(200).fill(3));
      for (let n = 1; n < frame.length; n++) {
        expect(closeOf(() => parseClientFrame(inPooledBuffer(frame.slice(0, n)))), `cut to ${n}`).toBe('malformedFrame');
      }
    });

    it(`${name}: trailing bytes are malformedFrame`, () => {
      for (const extra of [bytes(0), bytes(1, 2, 3)]) {
        const frame = encode(bytes(4, 5));
        const longer = new Uint8Array(frame.length + extra.length);
        longer.set(frame);
        longer.set(extra, frame.length);
        expect(closeOf(() => parseClientFrame(longer))).toBe('malformedFrame');
      }
    });
  }

  it('query-awareness with trailing bytes is malformedFrame', () => {
    expect(closeOf(() => parseClientFrame(bytes(MESSAGE_QUERY_AWARENESS, 0)))).toBe('malformedFrame');
  });

  it('an unknown message type is unknownMessageType (including the server-only ack type)', () => {
    for (const type of [4, 5, 99, MESSAGE_ACK, 127]) {
      expect(closeOf(() => parseClientFrame(bytes(type))), `type ${type}`).toBe('unknownMessageType');
    }
    // A multi-byte varuint type that is well formed but unknown.
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 300);
    expect(closeOf(() => parseClientFrame(encoding.toUint8Array(enc)))).toBe('unknownMessageType');
  });

  it('an unknown sync sub-type with a complete payload is unknownMessageType', () => {
    for (const sub of [3, 4, 100]) {
      expect(closeOf(() => parseClientFrame(bytes(MESSAGE_SYNC, sub, 1, 42))), `sub ${sub}`).toBe('unknownMessageType');
    }
  });

  it('a type varuint that never terminates is malformedFrame', () => {
    expect(closeOf(() => parseClientFrame(bytes(0x80)))).toBe('malformedFrame');
    expect(closeOf(() => parseClientFrame(new Uint8Array(12).fill(0xff)))).toBe('malformedFrame');
  });

  it('a length prefix larger than the frame is malformedFrame', () => {
    expect(closeOf(() => parseClientFrame(bytes(MESSAGE_AWARENESS, 10, 1, 2)))).toBe('malformedFrame');
    expect(closeOf(() => parseClientFrame(bytes(MESSAGE_SYNC, 2, 0xff, 0xff, 0xff, 0x7f)))).toBe('malformedFrame');
  });

  it('arbitrary bytes either parse or throw a ProtocolError, never anything else (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (frame) => {
        try {
          parseClientFrame(frame);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
          expect(Object.keys(CLOSE)).toContain((err as ProtocolError).close);
        }
      }),
      { numRuns: 2000 }
    );
  });

  it('a ProtocolError message names the close reason and the detail', () => {
    const err = new ProtocolError('malformedFrame', 'trailing bytes');
    expect(err.message).toBe(`${CLOSE.malformedFrame.reason}: trailing bytes`);
    expect(err.name).toBe('ProtocolError');
    expect(new ProtocolError('internal').message).toBe(CLOSE.internal.reason);
  });
});

describe('ack frames', () => {
  const ackArb = fc.record({
    serverTime: fc.maxSafeNat(),
    clocks: fc.uniqueArray(fc.tuple(fc.nat({ max: 0xffffffff }), fc.maxSafeNat()), { selector: ([c]) => c, maxLength: 50 })
  });

  it('encodeAck then decodeAck returns the same server time and clocks (property)', () => {
    fc.assert(
      fc.property(ackArb, ({ serverTime, clocks }) => {
        const ack = { serverTime, clocks: new Map(clocks) };
        const frame = encodeAck(ack);
        expect(frame[0]).toBe(MESSAGE_ACK);
        const decoded = decodeAck(frame);
        expect(decoded).not.toBeNull();
        expect(decoded!.serverTime).toBe(serverTime);
        expect([...decoded!.clocks]).toEqual(clocks);
      })
    );
  });

  it('decodeAck returns null for other message types and for truncated acks, never throws', () => {
    expect(decodeAck(bytes())).toBeNull();
    expect(decodeAck(encodeSyncUpdate(bytes(1)))).toBeNull();
    const frame = encodeAck({ serverTime: 1_700_000_000_000, clocks: new Map([[1, 5], [2 ** 31, 2 ** 40]]) });
    for (let n = 0; n < frame.length; n++) expect(decodeAck(frame.slice(0, n)), `cut to ${n}`).toBeNull();
  });

  it('an empty ack round trips', () => {
    expect(decodeAck(encodeAck({ serverTime: 0, clocks: new Map() }))).toEqual({ serverTime: 0, clocks: new Map() });
  });
});

describe('close codes', () => {
  it('every close code is unique', () => {
    const codes = Object.values(CLOSE).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('describeClose returns the name, reason and permanence of every defined code', () => {
    for (const [name, { code, reason }] of Object.entries(CLOSE)) {
      expect(describeClose(code)).toEqual({ name, reason, permanent: code >= 4400 && code < 4500 });
    }
  });

  it('describeClose returns null for codes Plenary does not define', () => {
    for (const code of [1000, 1006, 4000, 4399, 4404, 4499, 4599, 0, -1, NaN]) expect(describeClose(code)).toBeNull();
  });

  it('isPermanentClose is true exactly for 4400–4499', () => {
    expect(isPermanentClose(4399)).toBe(false);
    expect(isPermanentClose(4400)).toBe(true);
    expect(isPermanentClose(4450)).toBe(true);
    expect(isPermanentClose(4499)).toBe(true);
    expect(isPermanentClose(4500)).toBe(false);
    expect(isPermanentClose(1001)).toBe(false);
  });

  it('4xx client faults are permanent, 45xx server trouble and going-away are retryable', () => {
    for (const name of ['malformedFrame', 'forbidden', 'tokenExpired', 'messageRate', 'invalidUpdate'] as const) {
      expect(describeClose(CLOSE[name].code)?.permanent, name).toBe(true);
    }
    for (const name of ['goingAway', 'internal', 'loadFailed', 'slowConsumer'] as const) {
      expect(describeClose(CLOSE[name].code)?.permanent, name).toBe(false);
    }
  });
});

describe('isValidRoom', () => {
  const seg63 = 'a'.repeat(63);
  it.each([
    ['gpu-buildout'],
    ['gpu-buildout/retro-7'],
    ['a'],
    ['0'],
    ['a_b-c'],
    [seg63],
    [`${seg63}/${seg63}`]
  ])('accepts %s', (room) => {
    expect(isValidRoom(room)).toBe(true);
  });

  it.each([
    [''],
    ['A'],
    ['Plan'],
    ['-plan'],
    ['_plan'],
    ['plan/'],
    ['/plan'],
    ['a/b/c'],
    ['plan/-x'],
    ['a b'],
    ['plan\n'],
    ['plan.x'],
    ['../etc'],
    ['plan/*'],
    ['*'],
    ['a'.repeat(64)],
    [`a/${'b'.repeat(64)}`],
    ['plän']
  ])('rejects %j', (room) => {
    expect(isValidRoom(room)).toBe(false);
  });
});
