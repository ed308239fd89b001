/** Exposure over time from RAID history [TR1–TR5], plus seeded convergence of RAID edits. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addRaidItem, raid, raidHistories, rescoreRaidItem, updateRaidItem, type RaidFields } from '../../shared/doc/raid.ts';
import { createPrng } from '../../shared/prng.ts';
import type { RaidChange } from '../../shared/schema.ts';
import { exposureTrend, stateAt, trendChange } from '../../shared/steering/trend.ts';
import { raidItem } from './metrics/fixtures.ts';

const DAY = 86_400_000;
const at = (iso: string, h = 12) => Date.parse(`${iso}T00:00:00Z`) + h * 3_600_000;
const change = (iso: string, field: string, from: unknown, to: unknown): RaidChange => ({ at: at(iso), actor: 'ada', field, from, to });

describe('exposure trend', () => {
  it('[TR2] undoes changes after t, newest first, skipping invalid from values', () => {
    const item = raidItem('r', { likelihood: 5, impact: 4, status: 'mitigating' });
    const history = [change('2025-01-05', 'likelihood', 2, 4), change('2025-01-08', 'status', 'open', 'mitigating'), change('2025-01-09', 'likelihood', 4, 5), change('2025-01-10', 'impact', 99, 4)];
    expect(stateAt(item, history, at('2025-01-04'))).toMatchObject({ likelihood: 2, impact: 4, status: 'open' });
    expect(stateAt(item, history, at('2025-01-06'))).toMatchObject({ likelihood: 4, status: 'open' });
    expect(stateAt(item, history, at('2025-01-08', 18))).toMatchObject({ likelihood: 4, status: 'mitigating' });
    expect(stateAt(item, history, at('2025-01-11'))).toMatchObject({ likelihood: 5, impact: 4 });
  });

  it('[TR1, TR3] one point per day: open risks raised by then, residual falling back to inherent', () => {
    const items = [
      raidItem('a', { raised: '2025-01-01', likelihood: 4, impact: 5, residualLikelihood: 2, residualImpact: 2 }),
      raidItem('b', { raised: '2025-01-03', likelihood: 2, impact: 3 }),
      raidItem('c', { raised: '2025-01-02', status: 'closed', likelihood: 5, impact: 5 }),
      raidItem('i', { raised: '2025-01-01', kind: 'issue', likelihood: 5, impact: 5 })
    ];
    const histories = {
      a: [change('2025-01-02', 'likelihood', 3, 4)],
      c: [change('2025-01-04', 'status', 'open', 'closed')]
    };
    const points = exposureTrend(items, histories, { now: at('2025-01-05', 9), timeZone: 'UTC' });
    expect(points.map((p) => [p.day, p.inherent, p.residual, p.risks])).toEqual([
      ['2025-01-01', 15, 4, 1],
      ['2025-01-02', 45, 29, 2],
      ['2025-01-03', 51, 35, 3],
      ['2025-01-04', 26, 10, 2],
      ['2025-01-05', 26, 10, 2]
    ]);
    expect(points.at(-1)!.at).toBe(at('2025-01-05', 9));
  });

  it('[TR3] days follow the plan zone and the window is capped', () => {
    const items = [raidItem('a', { raised: '2024-01-01' })];
    const points = exposureTrend(items, {}, { now: Date.parse('2025-03-30T23:30:00Z'), timeZone: 'Europe/Berlin', days: 10 });
    expect(points).toHaveLength(10);
    expect(points.at(-1)!.day).toBe('2025-03-31');
    // Sampled at the last instant of each Berlin day (DST began on 30 March).
    expect(points.at(-2)!.at).toBe(Date.parse('2025-03-30T22:00:00Z') - 1);
  });

  it('[TR3] today is the current state, even for a change stamped just after our clock', () => {
    const item = raidItem('r', { raised: '2025-01-01', likelihood: 5, impact: 5 });
    const ahead = [{ at: at('2025-01-05', 9) + 40, actor: 'bo', field: 'likelihood', from: 1, to: 5 }];
    const points = exposureTrend([item], { r: ahead }, { now: at('2025-01-05', 9), timeZone: 'UTC' });
    expect(points.at(-1)!.inherent).toBe(25);
    expect(points.at(-2)!.inherent).toBe(5);
  });

  it('[TR4] concurrent changes of one field both stay; undoing them gives what it was before either', () => {
    const item = raidItem('r', { likelihood: 5 });
    const history = [change('2025-01-05', 'likelihood', 3, 4), { ...change('2025-01-05', 'likelihood', 3, 5), actor: 'bo' }];
    expect(stateAt(item, history, at('2025-01-04')).likelihood).toBe(3);
  });

  it('[TR5] change over a span, and its direction', () => {
    const pts = [10, 12, 15, 9].map((v, k) => ({ day: `2025-01-0${k + 1}`, at: k, inherent: v, residual: v - 5, risks: 1 }));
    expect(trendChange(pts, 2)).toEqual({ from: 12, to: 9, delta: -3, direction: 'falling', sinceDay: '2025-01-02' });
    expect(trendChange(pts, 30, 'residual')).toMatchObject({ from: 5, to: 4, sinceDay: '2025-01-01' });
    expect(trendChange([], 30)).toBeNull();
  });

  it('[TR1, TR2] derives the trend from real accessor history', () => {
    const doc = new Y.Doc();
    let t = at('2025-02-01', 8);
    const ed = createEditor('ada', 'user', () => t);
    createPlan(doc, ed, { name: 'p' });
    const fields: RaidFields = { kind: 'risk', title: 't', owner: null, status: 'open', raised: '2025-02-01', review: null, due: null, likelihood: 2, impact: 2, residualLikelihood: null, residualImpact: null, links: [] };
    addRaidItem(doc, ed, fields, 'r');
    t += 2 * DAY;
    rescoreRaidItem(doc, ed, 'r', { likelihood: 4, impact: 5 });
    t += 2 * DAY;
    updateRaidItem(doc, ed, 'r', { status: 'closed' });
    const points = exposureTrend(raid.list(doc), raidHistories(doc), { now: t + DAY, timeZone: 'UTC' });
    expect(points.map((p) => p.inherent)).toEqual([4, 4, 20, 20, 0, 0]);
  });
});

describe('convergence of RAID edits (seeded)', () => {
  it('three replicas with random edits and random sync order end equal, history included', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const rng = createPrng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
      const base = new Y.Doc();
      createPlan(base, createEditor('server', 'server', () => 1), { name: 'p' });
      const fields: RaidFields = { kind: 'risk', title: 't', owner: null, status: 'open', raised: '2025-02-01', review: null, due: null, likelihood: 3, impact: 3, residualLikelihood: null, residualImpact: null, links: [] };
      for (const id of ['r1', 'r2']) addRaidItem(base, createEditor('seed', 'seed', () => 1), fields, id);
      const docs = [1, 2, 3].map((clientID) => {
        const d = new Y.Doc();
        d.clientID = clientID * 7 + seed;
        Y.applyUpdate(d, Y.encodeStateAsUpdate(base));
        return d;
      });
      let clock = 1000;
      const eds = ['ada', 'bo', 'cy'].map((a) => createEditor(a, 'user', () => clock));
      let expectedEntries = 0;
      for (let step = 0; step < 60; step++) {
        const k = Math.floor(rng() * 3);
        const doc = docs[k];
        const id = pick(['r1', 'r2']);
        const before = raid.get(doc, id)!;
        clock += Math.floor(rng() * 3);
        if (rng() < 0.5) {
          const score = { likelihood: 1 + Math.floor(rng() * 5), impact: 1 + Math.floor(rng() * 5) };
          rescoreRaidItem(doc, eds[k], id, score);
          expectedEntries += Number(before.likelihood !== score.likelihood) + Number(before.impact !== score.impact);
        } else {
          const status = pick(['open', 'monitoring', 'mitigating', 'closed'] as const);
          updateRaidItem(doc, eds[k], id, { status });
          expectedEntries += Number(before.status !== status);
        }
        if (rng() < 0.3) {
          const [x, y] = [pick(docs), pick(docs)];
          Y.applyUpdate(y, Y.encodeStateAsUpdate(x, Y.encodeStateVector(y)));
        }
      }
      for (const x of docs) for (const y of docs) Y.applyUpdate(y, Y.encodeStateAsUpdate(x, Y.encodeStateVector(y)));
      const views = docs.map((d) => JSON.stringify([raid.list(d).sort((a, b) => a.id.localeCompare(b.id)), raidHistories(d)]));
      expect(new Set(views).size, `seed ${seed}`).toBe(1);
      const h = raidHistories(docs[0]);
      expect(h.r1.length + h.r2.length, `seed ${seed}`).toBe(expectedEntries);
    }
  });
});
