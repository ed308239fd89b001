/**
 * Topics: what a retro discusses and votes on. A group is a topic (with the cards in it); a card in
 * no group is a topic of its own. Pure: built from a retro snapshot, filtered for a breakout.
 */
import type { RetroCard, RetroSnapshot } from '../doc/retro.ts';
import { cardBreakout, type Breakouts } from './breakouts.ts';
import { rankTopics } from './votes.ts';

export type Topic = {
  id: string;
  kind: 'group' | 'card';
  title: string;
  column: string;
  rank: string;
  cards: RetroCard[];
  cardIds: string[];
  /** The breakout a group was made in; null for cards (their breakout follows from their id). */
  breakout: number | null;
};

const byColumnThenRank = (order: Map<string, number>) => (a: { column: string; rank: string; id: string }, b: { column: string; rank: string; id: string }) =>
  (order.get(a.column) ?? 999) - (order.get(b.column) ?? 999) || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function buildTopics(s: Pick<RetroSnapshot, 'columns' | 'cards' | 'groups' | 'placements'>): Topic[] {
  const order = new Map(s.columns.map((c, i) => [c.id, i]));
  const inGroup = new Map<string, RetroCard[]>();
  const loose: RetroCard[] = [];
  for (const card of s.cards) {
    const g = s.placements[card.id];
    if (g) {
      let list = inGroup.get(g);
      if (!list) inGroup.set(g, (list = []));
      list.push(card);
    } else loose.push(card);
  }
  const topics: Topic[] = [
    ...s.groups.map((g) => {
      const cards = (inGroup.get(g.id) ?? []).sort(byColumnThenRank(order));
      return { id: g.id, kind: 'group' as const, title: g.title || 'Untitled group', column: g.column, rank: g.rank, cards, cardIds: cards.map((c) => c.id), breakout: g.breakout };
    }),
    ...loose.map((c) => ({ id: c.id, kind: 'card' as const, title: c.text, column: c.column, rank: c.rank, cards: [c], cardIds: [c.id], breakout: null }))
  ];
  // Within a column, groups first (the board shows them on top), then loose cards; each by rank.
  const byRank = byColumnThenRank(order);
  return topics.sort((a, b) => (order.get(a.column) ?? 999) - (order.get(b.column) ?? 999) || (a.kind === b.kind ? byRank(a, b) : a.kind === 'group' ? -1 : 1));
}

/** B1–B3: whether `topic` is in breakout `mine` (everything is, without breakouts). */
export function inBreakout(topic: Topic, breakouts: Breakouts | null, mine: number | null): boolean {
  if (!breakouts || mine === null) return true;
  if (topic.kind === 'group') return topic.breakout === null || topic.breakout === mine;
  return cardBreakout(topic.id, breakouts.count) === mine;
}

/** Topics for discussion: by votes, most first (votes.ts V3, V4). Empty groups are left out. */
export function discussionOrder(s: Pick<RetroSnapshot, 'columns' | 'cards' | 'groups' | 'placements' | 'votes'>) {
  return rankTopics(
    buildTopics(s).filter((t) => t.cards.length > 0),
    s.votes
  );
}
