/** Planning poker's pure rules: decks, the median rounded up to the deck, consensus and stats. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BREAK,
  cleanDeck,
  deckIdOf,
  deckNumbers,
  DECKS,
  inDeck,
  isDeckNumber,
  median,
  readDeck,
  roundUpToDeck,
  UNSURE,
  voteStats,
  type DeckCard
} from '../../shared/poker.ts';

const FIB = DECKS.fibonacci.cards;

describe('decks', () => {
  it('presets by id, the Fibonacci deck by default', () => {
    expect(cleanDeck(undefined)).toEqual([0, 1, 2, 3, 5, 8, 13, 21, '?', '☕']);
    expect(cleanDeck(null)).toEqual(cleanDeck('fibonacci'));
    expect(cleanDeck('powers')).toEqual([0, 1, 2, 4, 8, 16, 32, '?', '☕']);
    expect(cleanDeck('modified')).toContain(0.5);
    expect(deckIdOf(cleanDeck('modified')!)).toBe('modified');
    expect(deckIdOf([1, 2, 3])).toBeNull();
  });

  it('a custom deck is sorted, de-duplicated, with the special cards last', () => {
    expect(cleanDeck([8, '☕', 1, 3, 1, '?', 0.5])).toEqual([0.5, 1, 3, 8, '?', '☕']);
    expect(cleanDeck([-0, 1])).toEqual([0, 1]);
    expect(Object.is(cleanDeck([-0, 1])![0], 0)).toBe(true);
  });

  it('refuses what is not a deck', () => {
    for (const bad of [
      'tshirt',
      '__proto__',
      'constructor',
      [],
      [5],
      [5, 5],
      [5, '?', '☕'],
      [1, 2, 'XL'],
      [1, 2, null],
      [1, 2, -1],
      [1, 2, 1001],
      [1, 2, NaN],
      [1, 2, Infinity],
      [1, 2, 0.125],
      [1, 2, '3'],
      [1, 2, [3]],
      Array.from({ length: 25 }, (_, i) => i),
      { 0: 1, 1: 2, length: 2 },
      42,
      true
    ]) {
      expect(cleanDeck(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('deck numbers: finite, 0–1000, at most two decimals', () => {
    expect([0, 0.5, 0.25, 1000, 13].every(isDeckNumber)).toBe(true);
    expect([-0.01, 1000.5, 0.001, NaN, '1', null].some(isDeckNumber)).toBe(false);
  });

  it('a stored deck that is garbage reads as the default deck', () => {
    expect(readDeck('nope')).toEqual([...FIB]);
    expect(readDeck([1, 'x'])).toEqual([...FIB]);
    expect(readDeck([1, 2])).toEqual([1, 2]);
    expect(readDeck({ 0: 1 })).toEqual([...FIB]);
  });

  it('membership is exact: no string numbers, no near misses', () => {
    expect(inDeck(FIB, 13)).toBe(true);
    expect(inDeck(FIB, '13')).toBe(false);
    expect(inDeck(FIB, 13.0000001)).toBe(false);
    expect(inDeck(FIB, UNSURE)).toBe(true);
    expect(inDeck(FIB, BREAK)).toBe(true);
    expect(inDeck(FIB, null)).toBe(false);
    expect(inDeck(FIB, { valueOf: () => 13 })).toBe(false);
    expect(deckNumbers(FIB)).toEqual([0, 1, 2, 3, 5, 8, 13, 21]);
  });
});

describe('median and rounding up to the deck', () => {
  it('median of odd and even counts; none for no numbers', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([8, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 5])).toBe(2.5);
    expect(median([13, 13])).toBe(13);
  });

  it('rounds up to the next card, never down; beyond the deck is its largest card', () => {
    expect(roundUpToDeck(2.5, FIB)).toBe(3);
    expect(roundUpToDeck(4, FIB)).toBe(5);
    expect(roundUpToDeck(5, FIB)).toBe(5);
    expect(roundUpToDeck(0, FIB)).toBe(0);
    expect(roundUpToDeck(10.5, FIB)).toBe(13);
    expect(roundUpToDeck(99, FIB)).toBe(21);
    expect(roundUpToDeck(0.75, DECKS.modified.cards)).toBe(1);
    expect(roundUpToDeck(3, ['?', '☕'])).toBeNull();
    expect(roundUpToDeck(NaN, FIB)).toBeNull();
  });

  it('property: the suggestion is a deck card, ≥ the median unless the median is above the deck', () => {
    const deckArb = fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 20 }).map((ns) => cleanDeck(ns)!);
    fc.assert(
      fc.property(deckArb, fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 30 }), (deck, picks) => {
        const numbers = deckNumbers(deck);
        const votes: Record<string, DeckCard> = {};
        picks.forEach((p, i) => (votes[`u${i}`] = numbers[p % numbers.length]));
        const s = voteStats(votes, deck);
        expect(numbers).toContain(s.suggested);
        expect(s.min! <= s.median! && s.median! <= s.max!).toBe(true);
        expect(s.suggested!).toBeGreaterThanOrEqual(s.median!);
        // It is the smallest such card: the one below it is under the median.
        const below = numbers.filter((n) => n < s.suggested!).at(-1);
        if (below !== undefined) expect(below).toBeLessThan(s.median!);
        expect(s.consensus).toBe(new Set(Object.values(votes)).size === 1);
      })
    );
  });
});

describe('vote stats', () => {
  it('nobody voted', () => {
    const s = voteStats({}, FIB);
    expect(s).toMatchObject({ count: 0, numeric: 0, min: null, max: null, median: null, consensus: false, spread: null, suggested: null, distribution: [] });
  });

  it('everyone the same is consensus', () => {
    const s = voteStats({ ana: 5, ben: 5, cy: 5 }, FIB);
    expect(s).toMatchObject({ count: 3, numeric: 3, min: 5, max: 5, median: 5, consensus: true, spread: 0, suggested: 5 });
    expect(s.distribution).toEqual([{ card: 5, count: 3 }]);
  });

  it('a spread: min, max, median rounded up, deck positions apart', () => {
    const s = voteStats({ ana: 3, ben: 8, cy: 5, di: 13 }, FIB);
    expect(s).toMatchObject({ min: 3, max: 13, median: 6.5, suggested: 8, consensus: false, spread: 3 });
    expect(s.distribution.map((d) => d.card)).toEqual([3, 5, 8, 13]);
  });

  it('? and ☕ are counted but are not estimates, and a ? breaks consensus', () => {
    const s = voteStats({ ana: 5, ben: '?', cy: '☕', di: 5 }, FIB);
    expect(s).toMatchObject({ count: 4, numeric: 2, unsure: 1, breaks: 1, min: 5, max: 5, median: 5, consensus: false, suggested: 5 });
    expect(s.distribution).toEqual([
      { card: 5, count: 2 },
      { card: '?', count: 1 },
      { card: '☕', count: 1 }
    ]);
    expect(voteStats({ ana: '?' }, FIB)).toMatchObject({ consensus: false, median: null, suggested: null });
  });

  it('a single vote is consensus', () => {
    expect(voteStats({ ana: 8 }, FIB)).toMatchObject({ consensus: true, suggested: 8 });
  });

  it('votes not in the deck (a hand-edited document) still count, placed by value', () => {
    const s = voteStats({ ana: 4, ben: 8 }, FIB);
    expect(s).toMatchObject({ min: 4, max: 8, median: 6, suggested: 8 });
    expect(s.distribution.map((d) => d.card)).toEqual([8, 4]);
  });
});
