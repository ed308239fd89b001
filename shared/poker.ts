/**
 * Planning poker rules, pure: decks, what counts as a vote, and what a revealed round says
 * (min / median / max, consensus, the suggested agreed value). The server uses them to validate
 * requests, the client to show the reveal; neither touches Yjs here.
 *
 * A card of a deck is a number of points, `?` ("I cannot estimate this") or `☕` ("I need a
 * break"). Only numbers count in the statistics and only a number can become a card's estimate.
 */

export const UNSURE = '?';
export const BREAK = '☕';
export const SPECIAL_CARDS = [UNSURE, BREAK] as const;
export type SpecialCard = (typeof SPECIAL_CARDS)[number];
export type DeckCard = number | SpecialCard;

/** Largest number a deck may hold: the list view's points field accepts up to this. */
export const MAX_DECK_VALUE = 1000;
export const MAX_DECK_CARDS = 24;

export const DECKS = {
  fibonacci: { label: 'Fibonacci', cards: [0, 1, 2, 3, 5, 8, 13, 21, UNSURE, BREAK] },
  modified: { label: 'Modified Fibonacci', cards: [0, 0.5, 1, 2, 3, 5, 8, 13, 20, 40, 100, UNSURE, BREAK] },
  powers: { label: 'Powers of two', cards: [0, 1, 2, 4, 8, 16, 32, UNSURE, BREAK] }
} as const satisfies Record<string, { label: string; cards: readonly DeckCard[] }>;

export type DeckId = keyof typeof DECKS;
export const DEFAULT_DECK: DeckId = 'fibonacci';

export function isDeckId(value: unknown): value is DeckId {
  return typeof value === 'string' && Object.hasOwn(DECKS, value);
}

export function isSpecialCard(value: unknown): value is SpecialCard {
  return value === UNSURE || value === BREAK;
}

/** A number a deck may hold: finite, 0…MAX_DECK_VALUE, at most two decimals. */
export function isDeckNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DECK_VALUE && Math.round(value * 100) === value * 100;
}

/**
 * A deck from a request: a preset id, or a list of cards. The result has the numbers ascending
 * then the special cards, no duplicates; null when the input is not a usable deck (fewer than two
 * numbers, more than MAX_DECK_CARDS cards, or anything that is not a card).
 */
export function cleanDeck(input: unknown): DeckCard[] | null {
  if (input === undefined || input === null) return [...DECKS[DEFAULT_DECK].cards];
  if (isDeckId(input)) return [...DECKS[input].cards];
  if (!Array.isArray(input) || input.length > MAX_DECK_CARDS) return null;
  const numbers = new Set<number>();
  const specials = new Set<SpecialCard>();
  for (const card of input) {
    if (isDeckNumber(card)) numbers.add(card === 0 ? 0 : card); // -0 → 0
    else if (isSpecialCard(card)) specials.add(card);
    else return null;
  }
  if (numbers.size < 2) return null;
  return [...[...numbers].sort((a, b) => a - b), ...SPECIAL_CARDS.filter((s) => specials.has(s))];
}

/** Reads a stored deck (written by the server, but a document is never trusted). */
export function readDeck(value: unknown): DeckCard[] {
  return (Array.isArray(value) && cleanDeck(value)) || [...DECKS[DEFAULT_DECK].cards];
}

export function inDeck(deck: readonly DeckCard[], value: unknown): value is DeckCard {
  return (typeof value === 'number' || typeof value === 'string') && deck.includes(value as DeckCard);
}

export function deckNumbers(deck: readonly DeckCard[]): number[] {
  return deck.filter((c): c is number => typeof c === 'number').sort((a, b) => a - b);
}

/** Which preset a deck is, or null for a custom deck. */
export function deckIdOf(deck: readonly DeckCard[]): DeckId | null {
  for (const [id, preset] of Object.entries(DECKS)) {
    if (preset.cards.length === deck.length && preset.cards.every((c, i) => c === deck[i])) return id as DeckId;
  }
  return null;
}

/** Median of numbers (mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The smallest number of the deck at or above `value`; the deck's largest when none is. */
export function roundUpToDeck(value: number, deck: readonly DeckCard[]): number | null {
  const numbers = deckNumbers(deck);
  if (numbers.length === 0 || !Number.isFinite(value)) return null;
  return numbers.find((n) => n >= value - 1e-9) ?? numbers[numbers.length - 1];
}

export type VoteStats = {
  /** Everyone who voted, any card. */
  count: number;
  /** Votes that are numbers. */
  numeric: number;
  unsure: number;
  breaks: number;
  min: number | null;
  max: number | null;
  median: number | null;
  /**
   * Everyone agrees: at least one vote, every vote a number, all the same. A `?` is a voter who
   * cannot estimate, so it is never consensus; a `☕` is a request for a break, not an estimate.
   */
  consensus: boolean;
  /** How many deck positions lie between the lowest and highest number (0: all the same). */
  spread: number | null;
  /** The median rounded up to a card of the deck: the default agreed value. */
  suggested: number | null;
  /** Each card that was played, in deck order, with how many played it. */
  distribution: { card: DeckCard; count: number }[];
};

export function voteStats(votes: Readonly<Record<string, DeckCard>>, deck: readonly DeckCard[]): VoteStats {
  const all = Object.values(votes);
  const numbers = all.filter((v): v is number => typeof v === 'number');
  const min = numbers.length ? Math.min(...numbers) : null;
  const max = numbers.length ? Math.max(...numbers) : null;
  const mid = median(numbers);
  const ordered = deckNumbers(deck);
  const position = (n: number) => {
    const i = ordered.indexOf(n);
    return i >= 0 ? i : ordered.filter((x) => x < n).length;
  };
  const counts = new Map<DeckCard, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  const order = [...deck, ...[...counts.keys()].filter((c) => !deck.includes(c))];
  return {
    count: all.length,
    numeric: numbers.length,
    unsure: all.filter((v) => v === UNSURE).length,
    breaks: all.filter((v) => v === BREAK).length,
    min,
    max,
    median: mid,
    consensus: all.length > 0 && numbers.length === all.length && min === max,
    spread: min === null || max === null ? null : position(max) - position(min),
    suggested: mid === null ? null : roundUpToDeck(mid, deck),
    distribution: order.filter((c) => counts.has(c)).map((card) => ({ card, count: counts.get(card)! }))
  };
}

/** How a card reads aloud and on screen: `☕` is "break", `?` is "unsure". */
export function cardLabel(card: DeckCard): string {
  if (card === UNSURE) return 'unsure';
  if (card === BREAK) return 'break';
  return String(card);
}

/** Points as a person reads them: "1 point", "0.5 points", "8 points". */
export function pointsLabel(points: number): string {
  return `${points} ${points === 1 ? 'point' : 'points'}`;
}

/** A deck card as said aloud: "5 points", "unsure", "break". */
export function sayCard(card: DeckCard): string {
  return typeof card === 'number' ? pointsLabel(card) : cardLabel(card);
}
