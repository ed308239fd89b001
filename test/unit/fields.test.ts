import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_STRING,
  int,
  isoDate,
  list,
  num,
  numOrNull,
  numberRecord,
  oneOf,
  record,
  str,
  strArray,
  strOrNull
} from '../../shared/doc/fields.ts';

const huge = 'x'.repeat(MAX_STRING * 5);

/** Values that are never a valid string. */
const nonStrings: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  true,
  false,
  {},
  { length: 3 },
  { toString: () => 'sneaky' },
  Object.create(null),
  [],
  ['a'],
  [[1]],
  10n,
  Symbol('s'),
  () => 'fn',
  new Date(0),
  new Uint8Array(2),
  new Map([['a', 1]])
];

/** Values that are never a finite number. */
const nonNumbers: unknown[] = [...nonStrings.filter((v) => typeof v !== 'number'), NaN, Infinity, -Infinity, '5', '', huge, '1e3', [5], { valueOf: () => 5 }];

/** Any JSON-ish or JS value (fast-check). */
const anything = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, huge, null, undefined)
);

describe('str / strOrNull', () => {
  it('str returns the fallback for every non-string', () => {
    for (const v of nonStrings) {
      expect(str(v)).toBe('');
      expect(str(v, 'fb')).toBe('fb');
    }
  });

  it('strOrNull returns null for every non-string', () => {
    for (const v of nonStrings) expect(strOrNull(v)).toBeNull();
  });

  it('strings pass through, cut at MAX_STRING', () => {
    expect(str('hello', 'fb')).toBe('hello');
    expect(str('', 'fb')).toBe('');
    expect(str(huge)).toHaveLength(MAX_STRING);
    expect(strOrNull(huge)).toHaveLength(MAX_STRING);
    expect(strOrNull('x')).toBe('x');
  });

  it('never throws and always returns a string of at most MAX_STRING (property)', () => {
    fc.assert(
      fc.property(anything, (v) => {
        const s = str(v, 'fb');
        expect(typeof s).toBe('string');
        expect(s.length).toBeLessThanOrEqual(MAX_STRING);
        const o = strOrNull(v);
        expect(o === null || typeof o === 'string').toBe(true);
      })
    );
  });
});

describe('num / numOrNull / int', () => {
  it('num returns the fallback for every non-finite or non-number value', () => {
    for (const v of nonNumbers) expect(num(v, 42)).toBe(42);
  });

  it('numOrNull returns null for every non-finite or non-number value', () => {
    for (const v of nonNumbers) expect(numOrNull(v)).toBeNull();
  });

  it('int returns the fallback for every non-finite or non-number value', () => {
    for (const v of nonNumbers) expect(int(v, 3, 1, 5)).toBe(3);
  });

  it('finite numbers are clamped to [min, max]', () => {
    expect(num(7, 0, 0, 5)).toBe(5);
    expect(num(-7, 0, 0, 5)).toBe(0);
    expect(num(2.5, 0, 0, 5)).toBe(2.5);
    expect(numOrNull(1e9, 0, 1e4)).toBe(1e4);
    expect(numOrNull(-1, 0)).toBe(0);
    expect(num(Number.MAX_VALUE, 0)).toBe(Number.MAX_VALUE);
  });

  it('int rounds and clamps', () => {
    expect(int(2.4, 0, 1, 5)).toBe(2);
    expect(int(2.6, 0, 1, 5)).toBe(3);
    expect(int(99, 0, 1, 5)).toBe(5);
    expect(int(-99, 0, 1, 5)).toBe(1);
  });

  it('never throws and results are finite and within bounds (property)', () => {
    fc.assert(
      fc.property(anything, (v) => {
        const n = num(v, 1, 0, 10);
        expect(Number.isFinite(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(10);
        const m = numOrNull(v, 0, 10);
        expect(m === null || (m >= 0 && m <= 10)).toBe(true);
        const i = int(v, 3, 1, 5);
        expect(Number.isInteger(i) && i >= 1 && i <= 5).toBe(true);
      })
    );
  });
});

describe('oneOf', () => {
  const allowed = ['red', 'amber', 'green'] as const;

  it('returns the fallback for anything not in the list', () => {
    for (const v of [...nonStrings, 'Red', 'blue', '', huge, 'red ', 'constructor', '__proto__', 'toString']) {
      expect(oneOf(v, allowed, 'green')).toBe('green');
    }
  });

  it('returns allowed values unchanged', () => {
    for (const v of allowed) expect(oneOf(v, allowed, 'green')).toBe(v);
  });

  it('never throws and always returns an allowed value (property)', () => {
    fc.assert(
      fc.property(anything, (v) => {
        expect(allowed).toContain(oneOf(v, allowed, 'green'));
      })
    );
  });
});

describe('strArray', () => {
  it('returns [] for every non-array', () => {
    for (const v of [...nonStrings.filter((v) => !Array.isArray(v)), 'abc', huge, { 0: 'a', length: 1 }]) expect(strArray(v)).toEqual([]);
  });

  it('keeps only strings, cut to 200 characters, at most maxItems', () => {
    expect(strArray(['a', 1, null, {}, ['b'], 'c', NaN])).toEqual(['a', 'c']);
    expect(strArray([huge])[0]).toHaveLength(200);
    expect(strArray(Array.from({ length: 500 }, (_, i) => `l${i}`), 50)).toHaveLength(50);
    expect(strArray(Array.from({ length: 500 }, (_, i) => `l${i}`))).toHaveLength(200);
  });

  it('never throws (property)', () => {
    fc.assert(
      fc.property(fc.oneof(anything, fc.array(anything)), (v) => {
        const out = strArray(v);
        expect(out.every((s) => typeof s === 'string' && s.length <= 200)).toBe(true);
      })
    );
  });
});

describe('record / numberRecord / list', () => {
  it('record returns null for non-objects and arrays, the object otherwise', () => {
    for (const v of [undefined, null, 0, NaN, 'x', huge, true, [], [1], 10n]) expect(record(v)).toBeNull();
    const o = { a: 1 };
    expect(record(o)).toBe(o);
  });

  it('numberRecord returns {} for garbage and keeps only finite numbers, clamped', () => {
    for (const v of [...nonStrings.filter((v) => record(v) === null), 'x', huge]) expect(numberRecord(v)).toEqual({});
    expect(numberRecord({ a: 1, b: 'x', c: NaN, d: Infinity, e: -5, f: 2e6, g: null, h: { n: 1 }, i: [2] })).toEqual({ a: 1, e: 0, f: 1e6 });
    expect(numberRecord({ a: 50 }, 0, 10)).toEqual({ a: 10 });
  });

  it('numberRecord with a __proto__ key does not pollute prototypes', () => {
    const out = numberRecord(JSON.parse('{"__proto__": {"polluted": 1}, "x": 2}'));
    expect(out.x).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('list returns [] for non-arrays and keeps only entries the reader accepts', () => {
    const read = (e: Record<string, unknown>) => (typeof e.to === 'string' ? e.to : null);
    for (const v of [...nonStrings.filter((v) => !Array.isArray(v)), huge]) expect(list(v, read)).toEqual([]);
    expect(list([{ to: 'a' }, 'x', null, 5, [{ to: 'b' }], { to: 7 }, { to: 'c' }], read)).toEqual(['a', 'c']);
  });

  it('list keeps the most recent maxItems entries', () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ to: String(i) }));
    expect(list(entries, (e) => e.to as string, 3)).toEqual(['17', '18', '19']);
  });

  it('none of them throw on anything (property)', () => {
    fc.assert(
      fc.property(fc.oneof(anything, fc.array(anything), fc.dictionary(fc.string(), anything)), (v) => {
        record(v);
        numberRecord(v);
        list(v, (e) => (typeof e.id === 'string' ? e.id : null));
      })
    );
  });
});

describe('isoDate', () => {
  it.each([['2024-02-29'], ['2024-01-01'], ['1999-12-31'], ['2025-06-30'], ['1970-01-01'], ['9999-12-31']])('accepts the real date %s', (d) => {
    expect(isoDate(d)).toBe(d);
  });

  it.each([
    ['2023-02-29'],
    ['2024-02-30'],
    ['2024-04-31'],
    ['2024-13-01'],
    ['2024-00-10'],
    ['2024-01-00'],
    ['2024-01-32'],
    ['2024-1-01'],
    ['24-01-01'],
    ['2024/01/01'],
    ['2024-01-01T00:00:00Z'],
    [' 2024-01-01'],
    ['2024-01-01 '],
    ['2024-01-01\n'],
    ['+02024-01-01'],
    ['２０２４-01-01'],
    [''],
    ['yesterday']
  ])('rejects %j', (d) => {
    expect(isoDate(d)).toBeNull();
  });

  it('rejects every non-string', () => {
    for (const v of [...nonStrings, huge]) expect(isoDate(v)).toBeNull();
  });

  it('accepts exactly the dates Date round-trips (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const real = m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
        expect(isoDate(s)).toBe(real ? s : null);
      })
    );
  });

  it('never throws (property)', () => {
    fc.assert(
      fc.property(anything, (v) => {
        const d = isoDate(v);
        expect(d === null || d === v).toBe(true);
      })
    );
  });
});
