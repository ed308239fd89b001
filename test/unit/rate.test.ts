import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TokenBucket } from '../../server/sync/rate.ts';

/** A manual clock in milliseconds. */
function clock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('TokenBucket', () => {
  it('starts full: a burst of `burst` takes succeeds at once, the next fails', () => {
    const c = clock();
    const b = new TokenBucket(10, 5, c.now);
    for (let i = 0; i < 5; i++) expect(b.take(), `take ${i}`).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('refills at `rate` tokens per second', () => {
    const c = clock();
    const b = new TokenBucket(10, 5, c.now);
    for (let i = 0; i < 5; i++) b.take();
    c.advance(99);
    expect(b.take()).toBe(false); // 0.99 tokens
    c.advance(1);
    expect(b.take()).toBe(true); // 0.99 + 0.01 = 1 token (the failed take did not consume)
    expect(b.take()).toBe(false);
    c.advance(300);
    expect(b.take(3)).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('never holds more than `burst` tokens however long it idles', () => {
    const c = clock();
    const b = new TokenBucket(100, 3, c.now);
    c.advance(3_600_000);
    expect(b.take(3)).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('a failed take consumes nothing', () => {
    const c = clock();
    const b = new TokenBucket(1, 10, c.now);
    expect(b.take(11)).toBe(false);
    expect(b.take(10)).toBe(true);
  });

  it('a take larger than the burst never succeeds', () => {
    const c = clock();
    const b = new TokenBucket(1000, 4, c.now);
    for (let i = 0; i < 10; i++) {
      c.advance(10_000);
      expect(b.take(5)).toBe(false);
    }
    expect(b.take(4)).toBe(true);
  });

  it('take(n) takes n tokens at once (byte budgets)', () => {
    const c = clock();
    const b = new TokenBucket(1024, 4096, c.now);
    expect(b.take(4000)).toBe(true);
    expect(b.take(97)).toBe(false);
    expect(b.take(96)).toBe(true);
    c.advance(500);
    expect(b.take(512)).toBe(true);
    expect(b.take(1)).toBe(false);
  });

  it('take(0) always succeeds and changes nothing', () => {
    const c = clock();
    const b = new TokenBucket(1, 1, c.now);
    expect(b.take()).toBe(true);
    expect(b.take(0)).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('fractional refills accumulate across many small intervals', () => {
    // 125 ms at 1 token/s is 0.125 token: exact in binary, so the sum is exactly 1 after 8 steps.
    const c = clock();
    const b = new TokenBucket(1, 1, c.now);
    b.take();
    for (let i = 0; i < 7; i++) {
      c.advance(125);
      expect(b.take()).toBe(false);
    }
    c.advance(125);
    expect(b.take()).toBe(true);
  });

  it('uses the clock it was given, including the start time', () => {
    let t = 5_000;
    const b = new TokenBucket(1, 1, () => t);
    expect(b.take()).toBe(true);
    t = 5_999;
    expect(b.take()).toBe(false);
    t = 6_000;
    expect(b.take()).toBe(true);
  });

  it('over any schedule, successful takes never exceed burst + rate × elapsed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 20 })), { maxLength: 300 }),
        (rate, burst, steps) => {
          const c = clock(0);
          const b = new TokenBucket(rate, burst, c.now);
          let taken = 0;
          let elapsed = 0;
          for (const [dt, n] of steps) {
            c.advance(dt);
            elapsed += dt;
            if (b.take(n)) taken += n;
            expect(taken).toBeLessThanOrEqual(burst + (rate * elapsed) / 1000 + 1e-9);
          }
        }
      )
    );
  });

  // burst ≥ 2: with a bucket of exactly one token, float rounding of (dt / 1000) × rate can leave
  // 0.9999999 tokens and refuse a caller that is exactly on the rate (harmless at real limits).
  it('a steady caller at exactly the rate is never refused (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 2, max: 50 }), (rate, burst) => {
        const c = clock(0);
        const b = new TokenBucket(rate, burst, c.now);
        for (let i = 0; i < 200; i++) {
          c.advance(1000 / rate);
          expect(b.take()).toBe(true);
        }
      })
    );
  });
});
