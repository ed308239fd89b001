/** Dot voting and breakouts (shared/retro/votes.ts, breakouts.ts), titled by rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignEvenly, cardBreakout, mergePlan, personBreakout, personKey, readBreakouts } from '../../shared/retro/breakouts.ts';
import { castVote, rankTopics, remapBallot, tally, topicTotal, used, type Ballot } from '../../shared/retro/votes.ts';

describe('dot voting', () => {
  it('[V1] a ballot never spends more than the budget; a topic may take several dots', () => {
    let b: Ballot = {};
    for (const topic of ['a', 'a', 'b']) b = castVote(b, topic, 1, 3) as Ballot;
    expect(b).toEqual({ a: 2, b: 1 });
    expect(castVote(b, 'c', 1, 3)).toBe('you have used all 3 of your votes');
    expect(castVote({}, 'a', 1, 0)).toMatch(/used all 0/);
    expect(castVote({}, 'a', 2, 5)).toMatch(/one dot/);
  });

  it('[V1][V2] any sequence of casts stays within budget and never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom(1, -1)), { maxLength: 40 }), (budget, casts) => {
        let b: Ballot = {};
        for (const [topic, delta] of casts) {
          const next = castVote(b, topic, delta, budget);
          if (typeof next !== 'string') b = next;
        }
        expect(used(b)).toBeLessThanOrEqual(budget);
        expect(Object.values(b).every((n) => n > 0)).toBe(true);
      })
    );
  });

  it('[V2] a dot can be taken back, not below zero', () => {
    expect(castVote({ a: 1 }, 'a', -1, 3)).toEqual({});
    expect(castVote({ a: 2 }, 'a', -1, 3)).toEqual({ a: 1 });
    expect(castVote({}, 'a', -1, 3)).toMatch(/no vote/);
  });

  it('[P4] the tally has totals only, unless attributed', () => {
    const ballots: { name: string; ballot: Ballot }[] = [
      { name: 'Ana', ballot: { g1: 2, c1: 1 } },
      { name: 'Bo', ballot: { g1: 1 } }
    ];
    expect(tally(ballots, false)).toEqual({ g1: { total: 3 }, c1: { total: 1 } });
    expect(tally(ballots, true)).toEqual({ g1: { total: 3, by: { Ana: 2, Bo: 1 } }, c1: { total: 1, by: { Ana: 1 } } });
    expect(JSON.stringify(tally(ballots, false))).not.toMatch(/Ana|Bo/);
  });

  it('[V3] a topic counts the dots of cards dropped into it; [V4] topics sort by votes, then board order', () => {
    const results = { g1: { total: 2 }, c3: { total: 4 }, c5: { total: 1 } };
    const topics = [
      { id: 'g1', cardIds: ['c1', 'c5'], rank: 'a' },
      { id: 'c3', cardIds: ['c3'], rank: 'b' },
      { id: 'c4', cardIds: ['c4'], rank: 'c' },
      { id: 'c2', cardIds: ['c2'], rank: 'd' }
    ];
    expect(topicTotal(topics[0], results)).toBe(3);
    expect(rankTopics(topics, results).map((t) => [t.id, t.votes])).toEqual([
      ['c3', 4],
      ['g1', 3],
      ['c4', 0],
      ['c2', 0]
    ]);
  });

  it('merging groups moves their dots', () => {
    expect(remapBallot({ g2: 2, g1: 1, c: 1 }, new Map([['g2', 'g1']]))).toEqual({ g1: 3, c: 1 });
  });
});

describe('breakouts', () => {
  it('[B1] a card lands in a breakout by its id alone; cards spread over every breakout', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 300; i++) counts[cardBreakout(`card${i}`, 3)]++;
    expect(counts.every((n) => n > 60)).toBe(true);
    expect(cardBreakout('abc', 3)).toBe(cardBreakout('abc', 3));
  });

  it('[B2] a person is where the facilitator put them, else spread by key', () => {
    const ana = personKey('u-ana', 'Ana');
    const b = { count: 2, members: assignEvenly([ana, personKey('u-bo', 'Bo')], 2) };
    expect(personBreakout(b, ana)).toBe(0);
    expect(personBreakout(b, personKey('u-bo', 'Bo'))).toBe(1);
    expect([0, 1]).toContain(personBreakout(b, personKey('u-cy', 'Cy')));
    expect(readBreakouts({ count: 1, members: {} })).toBeNull();
    expect(readBreakouts({ count: 3, members: { a: 1, b: 7, c: 'x' } })).toEqual({ count: 3, members: { a: 1 } });
  });

  it('[B4] merging joins groups of the same title into the first one', () => {
    const rename = mergePlan([
      { id: 'g3', title: 'Deploys ', rank: 'c' },
      { id: 'g1', title: 'deploys', rank: 'a' },
      { id: 'g2', title: 'Testing', rank: 'b' },
      { id: 'g4', title: '', rank: 'd' }
    ]);
    expect([...rename]).toEqual([['g3', 'g1']]);
  });
});
