/**
 * Breakout groups for large retros, the simple version: the facilitator splits the people into N
 * breakouts; while grouping and voting each person sees only their breakout's share of the cards and
 * the groups made in it; merging brings everything back together and joins groups of the same name.
 *
 * B1  A card's breakout follows from its id alone (a hash), never from who wrote it: knowing which
 *     breakout a card landed in says nothing about its author.
 * B2  A person's breakout is the facilitator's assignment, else a hash of their presence key.
 * B3  A group belongs to the breakout it was made in.
 * B4  Merging joins groups whose titles match (case and spacing ignored): the kept group is the one
 *     with the lowest rank; the others' cards move into it.
 */
export const MAX_BREAKOUTS = 8;

export type Breakouts = { count: number; members: Record<string, number> };

/** FNV-1a: small, stable across platforms, good enough to spread ids. */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** B1 */
export function cardBreakout(cardId: string, count: number): number {
  return hashString(`card:${cardId}`) % count;
}

/** The key a person is known by in breakouts: their user id and display name (as presence groups them). */
export function personKey(userId: string, name: string): string {
  return JSON.stringify([userId, name]);
}

/** B2 */
export function personBreakout(b: Breakouts, key: string): number {
  const assigned = b.members[key];
  return Number.isInteger(assigned) && assigned >= 0 && assigned < b.count ? assigned : hashString(`person:${key}`) % b.count;
}

export function readBreakouts(value: unknown): Breakouts | null {
  const v = value as Partial<Breakouts> | null;
  if (!v || typeof v !== 'object' || !Number.isInteger(v.count) || v.count! < 2 || v.count! > MAX_BREAKOUTS) return null;
  const members: Record<string, number> = {};
  if (v.members && typeof v.members === 'object') {
    for (const [k, n] of Object.entries(v.members)) if (Number.isInteger(n) && n >= 0 && n < v.count! && k.length <= 200) members[k] = n;
  }
  return { count: v.count!, members };
}

/** Splits people evenly, in the order given: a starting assignment for the facilitator to adjust. */
export function assignEvenly(keys: readonly string[], count: number): Record<string, number> {
  const out: Record<string, number> = {};
  keys.forEach((k, i) => (out[k] = i % count));
  return out;
}

export const normalTitle = (title: string) => title.replace(/\s+/g, ' ').trim().toLowerCase();

/** B4: for every group merged away, the group that absorbs it. */
export function mergePlan(groups: readonly { id: string; title: string; rank: string }[]): Map<string, string> {
  const keep = new Map<string, { id: string; rank: string }>();
  const sorted = [...groups].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1));
  const rename = new Map<string, string>();
  for (const g of sorted) {
    const key = normalTitle(g.title);
    if (!key) continue;
    const kept = keep.get(key);
    if (kept) rename.set(g.id, kept.id);
    else keep.set(key, g);
  }
  return rename;
}
