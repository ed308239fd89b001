/** Random ids for items in a document: 12 url-safe characters, ~71 bits, no coordination needed. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-';

export function newId(random: () => number = Math.random): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ALPHABET[Math.floor(random() * 64)];
  return id;
}

/** Accepts the ids this module makes and the readable ids the seed and defaults use. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value);
}
