/**
 * The one seeded PRNG of Plenary: the Monte Carlo forecast [FC5], the demo plan, fuzzing and
 * benchmarks. Metrics never call Math.random(): the same seed
 * gives the same forecast on every replica and in every test. sfc32, seeded through splitmix32 so
 * that nearby seeds (1, 2, 3…) give unrelated streams.
 */

export type Prng = () => number;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** [FC5] A generator of floats uniform in [0, 1), fully determined by `seed` (any integer). */
export function createPrng(seed: number): Prng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs: sfc32 needs a few rounds to mix its state.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** [FC6] An integer uniform in [0, n). */
export const randomIndex = (rng: Prng, n: number): number => Math.floor(rng() * n);
