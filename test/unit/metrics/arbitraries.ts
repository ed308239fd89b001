/**
 * fast-check generators of plans for the metric properties: cards with messy histories (out of
 * order, equal times, unknown columns, concurrent moves), re-estimates, three sprints with
 * commitments in every state, across the London spring clock change.
 */
import fc from 'fast-check';
import type { Card, EstimateChange, PlanSnapshot, Sprint, StatusChange } from '../../../shared/schema.ts';
import { at, DAY, HOUR, member, plan, sprint } from './fixtures.ts';

export const START = at('2025-03-17 00:00');
export const STATUS_IDS = ['backlog', 'todo', 'doing', 'review', 'done', 'gone'];
export const SPRINT_IDS = ['s1', 's2', 's3'];

const time = fc.integer({ min: 0, max: 40 * 24 }).map((h) => START + h * HOUR + 17 * 60_000);

export const cardArb = (id: string): fc.Arbitrary<Card> =>
  fc
    .record({
      moves: fc.array(fc.tuple(time, fc.constantFrom(...STATUS_IDS)), { minLength: 1, maxLength: 8 }),
      sortMoves: fc.boolean(),
      statusOverride: fc.option(fc.constantFrom(...STATUS_IDS), { freq: 5 }),
      sprint: fc.option(fc.constantFrom(...SPRINT_IDS), { freq: 3 }),
      points: fc.option(fc.constantFrom(1, 2, 3, 5, 8, 0.5), { freq: 4 }),
      reestimates: fc.array(fc.tuple(time, fc.option(fc.constantFrom(1, 2, 3, 5, 8, 13, 0.25), { freq: 4 })), { maxLength: 3 }),
      links: fc.subarray(['m1', 'm2']),
      // Some cards have a sprint log (moves between sprints and the backlog), some only a present sprint.
      sprintMoves: fc.option(fc.array(fc.tuple(time, fc.option(fc.constantFrom(...SPRINT_IDS), { freq: 3 })), { minLength: 1, maxLength: 4 }), { freq: 2 })
    })
    .map(({ moves, sortMoves, statusOverride, sprint: s, points, reestimates, links, sprintMoves }) => {
      const ordered = sortMoves ? [...moves].sort((a, b) => a[0] - b[0]) : moves;
      const history: StatusChange[] = ordered.map(([t, to], i) => ({ at: t, from: i === 0 ? null : ordered[i - 1][1], to, actor: 'x' }));
      let prev: number | null = points;
      const estimates: EstimateChange[] = reestimates.map(([t, to]) => {
        const e = { at: t, from: prev, to, actor: 'x' };
        prev = to;
        return e;
      });
      const sprintHistory = (sprintMoves ?? []).map(([t, to], i, all) => ({ at: t, from: i === 0 ? s : all[i - 1][1], to, actor: 'x' }));
      return {
        id,
        title: id,
        status: statusOverride ?? ordered[ordered.length - 1][1],
        sprint: sprintMoves && id.length % 3 !== 0 ? sprintMoves[sprintMoves.length - 1][1] : s,
        sprintHistory,
        rank: 'i',
        points: prev,
        assignee: ['m1', 'm2', null, 'stranger'][id.length % 4],
        labels: [],
        epic: null,
        due: null,
        links,
        createdAt: ordered[0][0],
        createdBy: 'x',
        descriptionText: '',
        history,
        estimates,
        comments: []
      } as Card;
    });

const sprintArb = (id: string, startDay: number, ids: string[]): fc.Arbitrary<Sprint> =>
  fc
    .record({
      state: fc.constantFrom('planned', 'active', 'closed') as fc.Arbitrary<Sprint['state']>,
      committed: fc.subarray(ids),
      closedLate: fc.integer({ min: -30, max: 60 }),
      length: fc.integer({ min: 0, max: 13 })
    })
    .map(({ state, committed, closedLate, length }) => {
      const start = new Date(START + startDay * DAY).toISOString().slice(0, 10);
      const end = new Date(START + (startDay + length) * DAY).toISOString().slice(0, 10);
      const t0 = at(`${start} 09:30`);
      return sprint(id, start, end, {
        state,
        commitment: state === 'planned' ? null : { at: t0, cards: committed.map((c, i) => ({ id: c, points: i % 3 === 0 ? null : i })) },
        closedAt: state === 'closed' ? at(`${end} 17:00`) + closedLate * HOUR : null
      });
    });

export const planArb = (maxCards = 12): fc.Arbitrary<PlanSnapshot> =>
  fc
    .integer({ min: 0, max: maxCards })
    .chain((n) => {
      const ids = Array.from({ length: n }, (_, i) => `c${i}`);
      return fc.record({
        cards: fc.tuple(...ids.map(cardArb)),
        sprints: fc.tuple(sprintArb('s1', 0, [...ids, 'deleted']), sprintArb('s2', 14, ids), sprintArb('s3', 28, ids)),
        timeZone: fc.constantFrom('Europe/London', 'America/New_York', 'UTC'),
        workingDays: fc.constantFrom([1, 2, 3, 4, 5], [0, 1, 2, 3, 4], [] as number[])
      });
    })
    .map(({ cards, sprints, timeZone, workingDays }) =>
      plan({
        cards: cards as Card[],
        sprints: sprints as Sprint[],
        timeZone,
        workingDays: workingDays as PlanSnapshot['meta']['workingDays'],
        members: [member('m1', { capacity: { s1: 5 } }), member('m2', { daysOff: { s2: 3 } })],
        milestones: [
          { id: 'm1', name: 'm1', kind: 'milestone', workstream: null, start: '2025-04-10', end: '2025-04-10', baselineStart: null, baselineEnd: '2025-04-03', stage: 'build', owner: null },
          { id: 'm2', name: 'm2', kind: 'release', workstream: null, start: '2025-04-20', end: '2025-04-20', baselineStart: null, baselineEnd: null, stage: 'release', owner: null }
        ]
      })
    );

export const nowArb = fc.integer({ min: 0, max: 50 * 24 }).map((h) => START + h * HOUR + 1234);
