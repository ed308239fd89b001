/**
 * Dot voting, as pure functions over plain ballots. The server holds every ballot in memory while
 * the vote is open and writes only the result when it closes: totals per topic, and per person only
 * in an attributed retro.
 *
 * V1  A ballot spends at most `budget` dots in all; a topic may take several of one person's dots.
 * V2  A dot can be taken back while the vote is open; a topic never goes below zero.
 * V3  The result of a topic is its own dots plus the dots on cards that are now in it (a card
 *     voted on and then dropped into a group brings its dots along).
 * V4  Topics sort by total (most first), then by their board order.
 */
export type Ballot = Record<string, number>;

export function used(ballot: Ballot): number {
  let n = 0;
  for (const v of Object.values(ballot)) n += v;
  return n;
}

/** Adds (delta 1) or takes back (delta -1) one dot; a string is why it is refused (V1, V2). */
export function castVote(ballot: Ballot, topic: string, delta: number, budget: number): Ballot | string {
  if (delta !== 1 && delta !== -1) return 'a vote adds or removes one dot';
  const current = ballot[topic] ?? 0;
  if (delta === 1 && used(ballot) >= budget) return `you have used all ${budget} of your votes`;
  if (delta === -1 && current === 0) return 'there is no vote of yours on that topic';
  const next = { ...ballot };
  if (current + delta === 0) delete next[topic];
  else next[topic] = current + delta;
  return next;
}

export type VoteResult = { total: number; by?: Record<string, number> };

/**
 * The result written when the vote closes. `ballots` maps a voter to their display name and ballot;
 * per-person counts are kept only when `attributed`.
 */
export function tally(ballots: Iterable<{ name: string; ballot: Ballot }>, attributed: boolean): Record<string, VoteResult> {
  const out: Record<string, VoteResult> = {};
  for (const { name, ballot } of ballots) {
    for (const [topic, n] of Object.entries(ballot)) {
      if (!(n > 0)) continue;
      const r = (out[topic] ??= attributed ? { total: 0, by: {} } : { total: 0 });
      r.total += n;
      if (attributed) r.by![name] = (r.by![name] ?? 0) + n;
    }
  }
  return out;
}

/** Moves dots from ids that were merged away to the ids that replaced them. */
export function remapBallot(ballot: Ballot, rename: ReadonlyMap<string, string>): Ballot {
  const out: Ballot = {};
  for (const [topic, n] of Object.entries(ballot)) {
    const to = rename.get(topic) ?? topic;
    out[to] = (out[to] ?? 0) + n;
  }
  return out;
}

export type TopicRef = { id: string; cardIds: readonly string[]; rank: string };

/** V3: a topic's total is its own result plus the results of the cards in it. */
export function topicTotal(topic: TopicRef, results: Readonly<Record<string, VoteResult>>): number {
  let total = results[topic.id]?.total ?? 0;
  for (const card of topic.cardIds) if (card !== topic.id) total += results[card]?.total ?? 0;
  return total;
}

/** V4 */
export function rankTopics<T extends TopicRef>(topics: readonly T[], results: Readonly<Record<string, VoteResult>>): (T & { votes: number })[] {
  return topics
    .map((t) => ({ ...t, votes: topicTotal(t, results) }))
    .sort((a, b) => b.votes - a.votes || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
