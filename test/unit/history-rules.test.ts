/**
 * The pure rules time travel rests on: what prune keeps (persistence/retention.ts), how far back a
 * room's history reaches (history/range.ts), activity buckets and versions (history/*).
 */
import { describe, expect, it } from 'vitest';
import { planPrune, type CheckpointMeta } from '../../server/persistence/retention.ts';
import { earliestMoment } from '../../server/history/range.ts';
import { defaultBucket, toBuckets } from '../../server/history/activity.ts';
import { allVersions, readVersionName } from '../../server/history/versions.ts';
import type { Sprint } from '../../shared/schema.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const cp = (id: number, createdAt: number, uptoId = id * 10): CheckpointMeta => ({ id, uptoId, createdAt });

describe('planPrune', () => {
  it('keeps the newest checkpoint before the horizon as the base and drops what it supersedes', () => {
    const plan = planPrune([cp(1, 10), cp(2, 20), cp(3, 30)], 25);
    expect(plan).toEqual({ entriesUpToId: 20, checkpointIds: [1] });
  });

  it('deletes nothing without a base and without `now`', () => {
    expect(planPrune([cp(1, 10), cp(2, 20)], 5)).toBeNull();
    expect(planPrune([], 1_000)).toBeNull();
  });

  it('thins the window to one per hour for the last week and one per day before, newest of each kept', () => {
    const now = 30 * DAY;
    // Four checkpoints an hour over the last 10 days.
    const all = Array.from({ length: 10 * 24 * 4 }, (_, i) => cp(i + 1, now - 10 * DAY + i * 15 * 60_000));
    const plan = planPrune(all, 0, now)!;
    const dropped = new Set(plan.checkpointIds);
    const kept = all.filter((c) => !dropped.has(c.id));
    expect(plan.entriesUpToId).toBe(0);
    expect(kept[0]).toEqual(all[0]); // the oldest tells a complete log from a pruned one
    expect(kept.at(-1)).toEqual(all.at(-1)); // the newest is what load reads
    const recent = kept.filter((c) => c.createdAt >= now - 7 * DAY);
    const older = kept.slice(1).filter((c) => c.createdAt < now - 7 * DAY);
    expect(recent.length).toBe(7 * 24 + 1); // one per hour, plus the newest sharing its hour
    expect(older.length).toBe(3); // one per day for days 20, 21, 22
    // Each kept one is the newest of its bucket: the next checkpoint is in the next bucket.
    for (const c of older) expect(Math.floor((c.createdAt + 15 * 60_000) / DAY)).toBe(Math.floor(c.createdAt / DAY) + 1);
    // No moment in the window is further than two buckets from a kept checkpoint.
    for (let i = 1; i < recent.length; i++) expect(recent[i].createdAt - recent[i - 1].createdAt).toBeLessThanOrEqual(2 * HOUR);
  });

  it('never deletes the base or the newest when thinning', () => {
    const plan = planPrune([cp(1, 10), cp(2, 20), cp(3, 21), cp(4, 22)], 15, 30)!;
    expect(plan.checkpointIds).not.toContain(4);
    expect(plan.checkpointIds).toContain(2); // same hour as 3, older
    expect(plan.checkpointIds).not.toContain(3);
  });
});

describe('earliestMoment', () => {
  it('reaches back to creation while nothing was pruned', () => {
    expect(earliestMoment({ checkpoints: [], firstEntry: { id: 1, receivedAt: 100 } }, 100)).toBe(100);
    expect(earliestMoment({ checkpoints: [cp(1, 500, 7)], firstEntry: { id: 1, receivedAt: 100 } }, 100)).toBe(100);
  });

  it('starts at the base checkpoint once the entries it covers are gone', () => {
    expect(earliestMoment({ checkpoints: [cp(3, 500, 7), cp(4, 900, 12)], firstEntry: { id: 8, receivedAt: 600 } }, 100)).toBe(500);
    expect(earliestMoment({ checkpoints: [cp(3, 500, 7)], firstEntry: null }, 100)).toBe(500);
  });
});

describe('activity and versions', () => {
  it('groups per-author rows into buckets, busiest author first', () => {
    const rows = [
      { start: 0, author: 'ann', count: 1 },
      { start: 0, author: 'bob', count: 3 },
      { start: HOUR, author: 'ann', count: 2 }
    ];
    expect(toBuckets(rows)).toEqual([
      { start: 0, count: 4, authors: [{ id: 'bob', count: 3 }, { id: 'ann', count: 1 }] },
      { start: HOUR, count: 2, authors: [{ id: 'ann', count: 2 }] }
    ]);
    expect(defaultBucket(0, 14 * DAY)).toBe('hour');
    expect(defaultBucket(0, 15 * DAY)).toBe('day');
  });

  it('names sprint starts and closes automatically, beside stored versions, by moment', () => {
    const sprint = (name: string, start: number | null, closedAt: number | null): Sprint => ({
      id: name, name, goal: '', start: '2026-01-01', end: '2026-01-14', state: closedAt ? 'closed' : start ? 'active' : 'planned',
      commitment: start === null ? null : { at: start, cards: [] }, closedAt
    });
    const versions = allVersions(
      [{ id: 7, room: 'p', name: 'Steering', at: 150, createdBy: 'u-ann', createdAt: 160 }],
      [sprint('Sprint 1', 100, 200), sprint('Sprint 2', 200, null), sprint('Sprint 3', null, null)]
    );
    expect(versions.map((v) => [v.kind, v.name, v.at])).toEqual([
      ['sprintStart', 'Sprint 1 start', 100],
      ['named', 'Steering', 150],
      ['sprintClose', 'Sprint 1 close', 200],
      ['sprintStart', 'Sprint 2 start', 200]
    ]);
    expect(readVersionName('  Steering   12 Nov ')).toBe('Steering 12 Nov');
    expect(readVersionName('')).toBeNull();
    expect(readVersionName('x'.repeat(121))).toBeNull();
    expect(readVersionName(5)).toBeNull();
  });
});
