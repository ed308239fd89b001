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

/**
 * The readable key of a card ("HEL-12", "PROJ-3"), or null for a random id: seeded and imported
 * cards keep their tracker's key as their id, and only such keys are worth showing to people.
 */
export function cardKey(id: string): string | null {
  return /^[A-Z][A-Z0-9]*-\d+$/.test(id) ? id : null;
}
