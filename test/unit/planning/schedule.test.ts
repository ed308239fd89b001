/**
 * A small project scheduled by hand. March 2025: the 1st is a Saturday, the 3rd a Monday.
 *
 *   id  kind       planned          days   dependencies in (lag)
 *   K   milestone  Mar 3            0      —                      kickoff
 *   D   phase      Mar 3 – Mar 7    5      K (0)                  design
 *   P   phase      Mar 3 – Mar 12   10     K (0)                  procurement
 *   S   phase      Mar 10 – Mar 11  2      K (5)                  security review
 *   B   phase      Mar 10 – Mar 20  11     D (2)                  build
 *   I   phase      Mar 14 – Mar 18  5      P (1)                  install
 *   T   phase      Mar 20 – Mar 26  7      B (0), I (1)           test
 *   G   release    Mar 28           0      T (1), S (0)           go-live
 *
 * Forward pass (ES = max(planned start, each predecessor's finish + lag); a phase finishes the day
 * after its end, a milestone on its own day; EE = ES + days - 1, or ES for a milestone):
 *   K  ES 3                                   EE 3
 *   D  ES max(3, 3+0) = 3                     EE 7     finishes 8
 *   P  ES max(3, 3+0) = 3                     EE 12    finishes 13
 *   S  ES max(10, 3+5) = 10                   EE 11    finishes 12
 *   B  ES max(10, 8+2) = 10                   EE 20    finishes 21
 *   I  ES max(14, 13+1) = 14                  EE 18    finishes 19
 *   T  ES max(20, 21+0, 19+1) = 21  (planned 20: conflict 1)   EE 27   finishes 28
 *   G  ES max(28, 28+1, 12+0) = 29  (planned 28: conflict 1)   EE 29
 *   The schedule ends on Mar 29 (G finishes at 29).
 *
 * Backward pass (LF = min(end 29, each successor's LS - lag); LS = LF - days):
 *   G  LS 29                                   float 0
 *   T  LF min(29, 29-1) = 28   LS 21  LE 27    float 0
 *   S  LF min(29, 29-0) = 29   LS 27  LE 28    float 17
 *   B  LF 21-0 = 21            LS 10  LE 20    float 0
 *   I  LF 21-1 = 20            LS 15  LE 19    float 1
 *   D  LF 10-2 = 8             LS 3   LE 7     float 0
 *   P  LF 15-1 = 14            LS 4   LE 13    float 1
 *   K  LF min(3-0, 4-0, 27-5) = 3   LS 3      float 0
 *
 * Critical path: K → D → B → T → G (each link tight: 3=3, 8+2=10, 21=21, 28+1=29).
 */
import { describe, expect, it } from 'vitest';
import { pushes, schedule, type Item } from '../../../shared/planning/schedule.ts';
import type { Edge } from '../../../shared/planning/graph.ts';
import type { Weekday } from '../../../shared/schema.ts';

const m = (d: number) => `2025-03-${String(d).padStart(2, '0')}`;
const phase = (id: string, start: number, end: number): Item => ({ id, kind: 'phase', start: m(start), end: m(end) });
const point = (id: string, day: number, kind: Item['kind'] = 'milestone'): Item => ({ id, kind, start: m(day), end: m(day) });
let n = 0;
const dep = (from: string, to: string, lagDays = 0): Edge => ({ id: `d${String(++n).padStart(2, '0')}`, from, to, lagDays });

const ITEMS: Item[] = [
  point('K', 3),
  phase('D', 3, 7),
  phase('P', 3, 12),
  phase('S', 10, 11),
  phase('B', 10, 20),
  phase('I', 14, 18),
  phase('T', 20, 26),
  point('G', 28, 'release')
];
const DEPS: Edge[] = [dep('K', 'D'), dep('K', 'P'), dep('K', 'S', 5), dep('D', 'B', 2), dep('P', 'I', 1), dep('B', 'T'), dep('I', 'T', 1), dep('T', 'G', 1), dep('S', 'G')];

describe('schedule: the hand-computed project', () => {
  const result = schedule(ITEMS, DEPS);
  if (!result.ok) throw new Error('unexpected loop');

  it('orders predecessors first, ties by id', () => {
    expect(result.order).toEqual(['K', 'D', 'B', 'P', 'I', 'S', 'T', 'G']);
  });

  it('computes early and late dates, float and conflicts', () => {
    const table = Object.fromEntries(
      [...result.items.values()].map((s) => [s.id, [s.earlyStart.slice(8), s.earlyEnd.slice(8), s.lateStart.slice(8), s.lateEnd.slice(8), s.float, s.conflictDays]])
    );
    expect(table).toEqual({
      K: ['03', '03', '03', '03', 0, 0],
      D: ['03', '07', '03', '07', 0, 0],
      P: ['03', '12', '04', '13', 1, 0],
      S: ['10', '11', '27', '28', 17, 0],
      B: ['10', '20', '10', '20', 0, 0],
      I: ['14', '18', '15', '19', 1, 0],
      T: ['21', '27', '21', '27', 0, 1],
      G: ['29', '29', '29', '29', 0, 1]
    });
    expect(result.end).toBe('2025-03-29');
  });

  it('finds the critical path', () => {
    expect([...result.items.values()].filter((s) => s.critical).map((s) => s.id)).toEqual(['K', 'D', 'B', 'T', 'G']);
    expect(result.criticalPaths).toEqual([['K', 'D', 'B', 'T', 'G']]);
  });

  it('counts lags in working days with a calendar', () => {
    // D finishes Sat 8: lag 2 working days = Mon 10, Tue 11, so B starts Wed 12 (ends 22, finishes 23).
    // T starts 23 (ends Sat 29, finishes Sun 30); lag 1 working day = Mon 31, so G is on Tue 1 April.
    // T may finish as late as Sun 30 or Mon 31 with G still on 1 April: T has a day of float.
    const weekdays: Weekday[] = [1, 2, 3, 4, 5];
    const cal = schedule(ITEMS, DEPS, { calendar: weekdays });
    if (!cal.ok) throw new Error('unexpected loop');
    expect(cal.items.get('B')!.earlyStart).toBe('2025-03-12');
    expect(cal.items.get('T')!.earlyStart).toBe('2025-03-23');
    expect(cal.items.get('G')!.earlyStart).toBe('2025-04-01');
    expect(cal.items.get('T')!.float).toBe(1);
    expect(cal.end).toBe('2025-04-01');
  });
});

describe('schedule: rules at the edges', () => {
  it('lets a phase start on the day of the milestone before it, and puts a milestone after a phase on the next day', () => {
    const r = schedule([point('kick', 3), phase('work', 1, 5), point('done', 1)], [dep('kick', 'work'), dep('work', 'done')]);
    if (!r.ok) throw new Error('loop');
    expect(r.items.get('work')!.earlyStart).toBe(m(3));
    expect(r.items.get('work')!.earlyEnd).toBe(m(7));
    expect(r.items.get('done')!.earlyStart).toBe(m(8));
  });

  it('treats a one-day phase as occupying its day', () => {
    const r = schedule([phase('a', 3, 3), phase('b', 3, 3)], [dep('a', 'b')]);
    if (!r.ok) throw new Error('loop');
    expect(r.items.get('b')!.earlyStart).toBe(m(4));
  });

  it('honours a negative lag (a lead)', () => {
    const r = schedule([phase('a', 1, 10), phase('b', 1, 2)], [dep('a', 'b', -3)]);
    if (!r.ok) throw new Error('loop');
    expect(r.items.get('b')!.earlyStart).toBe(m(8));
  });

  it('lists every critical path when two chains tie', () => {
    const r = schedule([point('s', 1), phase('x', 1, 4), phase('y', 1, 4), point('e', 5)], [dep('s', 'x'), dep('s', 'y'), dep('x', 'e'), dep('y', 'e')]);
    if (!r.ok) throw new Error('loop');
    expect(r.criticalPaths).toEqual([
      ['s', 'x', 'e'],
      ['s', 'y', 'e']
    ]);
  });

  it('ignores dependencies to missing items and self-loops; an empty timeline has no end', () => {
    const r = schedule([phase('a', 1, 2)], [dep('a', 'ghost', 3), dep('a', 'a', 1)]);
    expect(r.ok && r.items.get('a')!.earlyStart).toBe(m(1));
    const empty = schedule([], []);
    expect(empty.ok && empty.end).toBe(null);
  });

  it('refuses to schedule a loop and names it', () => {
    const r = schedule([phase('a', 1, 2), phase('b', 1, 2)], [dep('a', 'b'), dep('b', 'a')]);
    expect(r).toEqual({ ok: false, cycles: [{ members: ['a', 'b'], path: ['a', 'b', 'a'] }] });
  });
});

describe('pushes', () => {
  it('pushes successors later, transitively, and leaves the rest alone', () => {
    // D now ends Mar 9 (finishes 10): B must start 12 (+2), ends 22, finishes 23;
    // T must start 23 (planned 20: +3), finishes 30; G must be on 31 (planned 28: +3).
    const r = pushes(ITEMS, DEPS, { id: 'D', start: m(3), end: m(9) });
    expect(r).toEqual({
      ok: true,
      pushes: [
        { id: 'B', start: m(12), end: m(22), days: 2 },
        { id: 'T', start: m(23), end: m(29), days: 3 },
        { id: 'G', start: m(31), end: m(31), days: 3 }
      ]
    });
  });

  it('moves a pushed successor to the first day all its dependencies allow', () => {
    // P ends a day later (finishes 14): I must start 15 (+1), finishes 20. T, planned 20, now needs
    // 20+1 = 21 from I; it moves to the first day all its links allow, max(B 21, I 21) = 21 (+1).
    // T finishes 28, so G must be on 29 (+1).
    const r = pushes(ITEMS, DEPS, { id: 'P', start: m(3), end: m(13) });
    expect(r.ok && r.pushes).toEqual([
      { id: 'I', start: m(15), end: m(19), days: 1 },
      { id: 'T', start: m(21), end: m(27), days: 1 },
      { id: 'G', start: m(29), end: m(29), days: 1 }
    ]);
  });

  it('absorbs a move into slack', () => {
    // S grows by a day (finishes 13); G, planned on 28, is far enough after it: nothing moves.
    const k = pushes(ITEMS, DEPS, { id: 'S', start: m(10), end: m(12) });
    expect(k.ok && k.pushes).toEqual([]);
  });

  it('never pulls earlier unless asked; pulling keeps deliberate gaps and other constraints', () => {
    // A 1–5 → B 6–8 (tight) → D milestone 9 (tight); B → C 12–13 (a gap); X milestone 5 → B.
    const items = [phase('A', 1, 5), phase('B', 6, 8), phase('C', 12, 13), point('D', 9), point('X', 5)];
    const deps = [dep('A', 'B'), dep('B', 'C'), dep('B', 'D'), dep('X', 'B')];
    const move = { id: 'A', start: m(1), end: m(3) };
    expect(pushes(items, deps, move)).toEqual({ ok: true, pushes: [] });
    // B follows A back but X holds it at 5 (−1); D follows B (−1); C keeps its gap.
    expect(pushes(items, deps, move, { pull: true })).toEqual({
      ok: true,
      pushes: [
        { id: 'B', start: m(5), end: m(7), days: -1 },
        { id: 'D', start: m(8), end: m(8), days: -1 }
      ]
    });
  });

  it('reports loops instead of pushing forever', () => {
    const r = pushes([phase('a', 1, 2), phase('b', 3, 4)], [dep('a', 'b'), dep('b', 'a')], { id: 'a', start: m(2), end: m(3) });
    expect(r.ok).toBe(false);
  });
});
