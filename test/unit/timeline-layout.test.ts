/**
 * Laying the timeline out (client/src/lib/timeline/layout.ts) and what drags and keys do to dates
 * (drag.ts): lanes, rows, extents in the time model of shared/planning/schedule.ts, elbow arrows,
 * virtualised row ranges, snapping, the keyboard path and the push sentence.
 */
import { describe, expect, it } from 'vitest';
import { toDay } from '../../shared/planning/dates.ts';
import type { Dependency, Milestone, Workstream } from '../../shared/schema.ts';
import { describePushes, keyIntent, shiftDates, snapDays } from '../../client/src/lib/timeline/drag.ts';
import { dragPreview } from '../../client/src/lib/timeline/preview.ts';
import {
  BAR_HEIGHT,
  BAR_TOP,
  LANE_HEIGHT,
  POINT_HALF,
  ROW_HEIGHT,
  buildArrows,
  buildLanes,
  buildRows,
  elbow,
  extentOf,
  rowAt,
  visibleRange
} from '../../client/src/lib/timeline/layout.ts';

const ms = (id: string, kind: Milestone['kind'], start: string, end: string, workstream: string | null = 'ws-a'): Milestone => ({
  id,
  name: id.toUpperCase(),
  kind,
  workstream,
  start,
  end,
  baselineStart: null,
  baselineEnd: null,
  stage: 'build',
  owner: null
});
const ws = (id: string, rank: string): Workstream => ({ id, name: `WS ${id}`, rank, owner: null, rag: 'green', ragComment: '' });
const scale = { from: toDay('2026-03-01'), to: toDay('2026-06-01'), px: 10 };

describe('lanes and rows', () => {
  const items = [
    ms('c', 'milestone', '2026-03-20', '2026-03-20'),
    ms('a', 'phase', '2026-03-02', '2026-03-13'),
    ms('b', 'phase', '2026-03-02', '2026-03-06', 'ws-b'),
    ms('x', 'release', '2026-04-01', '2026-04-01', null),
    ms('y', 'milestone', '2026-04-02', '2026-04-02', 'ws-gone')
  ];

  it('one lane per workstream in rank order, items by start, strays last in "No workstream"', () => {
    const lanes = buildLanes(items, [ws('ws-b', 'm'), ws('ws-a', 'c'), ws('ws-empty', 'z')]);
    expect(lanes.map((l) => l.id)).toEqual(['ws-a', 'ws-b', 'ws-empty', null]);
    expect(lanes[0].items.map((m) => m.id)).toEqual(['a', 'c']);
    expect(lanes[2].items).toEqual([]);
    expect(lanes[3]).toMatchObject({ name: 'No workstream', rag: null });
    expect(lanes[3].items.map((m) => m.id)).toEqual(['x', 'y']);
  });

  it('stacks a lane header and one row per item, and finds rows by y', () => {
    const rows = buildRows(buildLanes(items, [ws('ws-a', 'c'), ws('ws-b', 'm')]));
    expect(rows.rows.map((r) => r.key)).toEqual(['lane:ws-a', 'a', 'c', 'lane:ws-b', 'b', 'lane:', 'x', 'y']);
    expect(rows.height).toBe(3 * LANE_HEIGHT + 5 * ROW_HEIGHT);
    expect(rows.byItem.get('c')!.y).toBe(LANE_HEIGHT + ROW_HEIGHT);
    expect(rowAt(rows.rows, LANE_HEIGHT + ROW_HEIGHT + 1)?.key).toBe('c');
    expect(rowAt(rows.rows, 0)?.key).toBe('lane:ws-a');
    expect(rowAt(rows.rows, rows.height + 5)).toBeNull();
    const [first, last] = visibleRange(rows.rows, LANE_HEIGHT + ROW_HEIGHT, LANE_HEIGHT + 2 * ROW_HEIGHT + LANE_HEIGHT + 1);
    expect(rows.rows.slice(first, last).map((r) => r.key)).toEqual(['c', 'lane:ws-b', 'b']);
    expect(visibleRange(rows.rows, 10_000, 20_000)).toEqual([rows.rows.length, rows.rows.length]);
  });
});

describe('extents follow the time model', () => {
  it('a phase runs from the start of its first day to the end of its last', () => {
    const e = extentOf({ kind: 'phase', start: '2026-03-02', end: '2026-03-13' }, scale);
    expect(e).toEqual({ bar: true, x0: 10, x1: 130, out: 130, in: 10 });
  });

  it('a milestone is a point at the start of its day; arrows touch its tips', () => {
    const e = extentOf({ kind: 'milestone', start: '2026-03-02', end: '2026-03-02' }, scale);
    expect(e).toEqual({ bar: false, x0: 10, x1: 10, out: 10 + POINT_HALF, in: 10 - POINT_HALF });
    // One a peer gave two dates occupies them, like a phase.
    expect(extentOf({ kind: 'milestone', start: '2026-03-02', end: '2026-03-03' }, scale).bar).toBe(true);
  });
});

describe('arrows', () => {
  it('go out right, across, and in from the left when there is room', () => {
    expect(elbow(100, 10, 200, 50)).toBe('M100,10H108V50H200');
  });

  it('step back through the gap between rows when the successor starts too soon', () => {
    expect(elbow(100, 10, 104, 10 + ROW_HEIGHT)).toBe(`M100,10H108V${10 + ROW_HEIGHT / 2}H96V${10 + ROW_HEIGHT}H104`);
  });

  it('join predecessor finish to successor start, and mark critical links', () => {
    const items = [ms('a', 'phase', '2026-03-02', '2026-03-13'), ms('b', 'milestone', '2026-03-20', '2026-03-20')];
    const deps: Dependency[] = [
      { id: 'd1', from: 'a', to: 'b', type: 'FS', lagDays: 2 },
      { id: 'd2', from: 'a', to: 'gone', type: 'FS', lagDays: 0 }
    ];
    const rows = buildRows(buildLanes(items, [ws('ws-a', 'c')]));
    const arrows = buildArrows(deps, rows, scale, new Set(['d1']));
    expect(arrows).toHaveLength(1);
    const ya = LANE_HEIGHT + BAR_TOP + BAR_HEIGHT / 2;
    const yb = ya + ROW_HEIGHT;
    expect(arrows[0]).toMatchObject({ id: 'd1', critical: true, top: LANE_HEIGHT, bottom: LANE_HEIGHT + 2 * ROW_HEIGHT });
    expect(arrows[0].d).toBe(`M130,${ya}H138V${yb}H${190 - POINT_HALF}`);
  });
});

describe('drag and keys', () => {
  const phase = ms('p', 'phase', '2026-03-02', '2026-03-13');
  const point = ms('m', 'milestone', '2026-03-20', '2026-03-20');

  it('snaps pointer movement to whole days', () => {
    expect(snapDays(14, 10)).toBe(1);
    expect(snapDays(16, 10)).toBe(2);
    expect(Object.is(snapDays(-4, 10), 0)).toBe(true);
    expect(snapDays(-16, 10)).toBe(-2);
  });

  it('moves both dates, or one edge of a phase without passing the other', () => {
    expect(shiftDates(phase, 'move', 3)).toEqual({ start: '2026-03-05', end: '2026-03-16' });
    expect(shiftDates(phase, 'end', 2)).toEqual({ start: '2026-03-02', end: '2026-03-15' });
    expect(shiftDates(phase, 'end', -30)).toEqual({ start: '2026-03-02', end: '2026-03-02' });
    expect(shiftDates(phase, 'start', 20)).toEqual({ start: '2026-03-13', end: '2026-03-13' });
    expect(shiftDates(point, 'end', 2)).toEqual({ start: '2026-03-22', end: '2026-03-22' });
  });

  it('arrows move a day, Shift a week, Alt resizes the end; other keys do nothing', () => {
    expect(keyIntent({ key: 'ArrowRight', shiftKey: false, altKey: false })).toEqual({ mode: 'move', days: 1 });
    expect(keyIntent({ key: 'ArrowLeft', shiftKey: true, altKey: false })).toEqual({ mode: 'move', days: -7 });
    expect(keyIntent({ key: 'ArrowRight', shiftKey: false, altKey: true })).toEqual({ mode: 'end', days: 1 });
    expect(keyIntent({ key: 'ArrowUp', shiftKey: false, altKey: false })).toBeNull();
    expect(keyIntent({ key: 'ArrowRight', shiftKey: false, altKey: false, ctrlKey: true })).toBeNull();
  });

  it('says what a move pushes', () => {
    expect(describePushes([])).toBe('');
    expect(
      describePushes([
        { id: 'a', start: '', end: '', days: 2 },
        { id: 'b', start: '', end: '', days: 5 },
        { id: 'c', start: '', end: '', days: 1 }
      ])
    ).toBe('pushes 3 items by up to 5 days');
    expect(describePushes([{ id: 'a', start: '', end: '', days: 1 }])).toBe('pushes 1 item by up to 1 day');
    expect(describePushes([{ id: 'a', start: '', end: '', days: -2 }])).toBe('pulls 1 item earlier by up to 2 days');
  });
});

describe('drag preview', () => {
  const items = [ms('a', 'phase', '2026-03-02', '2026-03-13'), ms('b', 'phase', '2026-03-16', '2026-03-20'), ms('c', 'milestone', '2026-04-01', '2026-04-01')];
  const deps: Dependency[] = [
    { id: 'd1', from: 'a', to: 'b', type: 'FS', lagDays: 0 },
    { id: 'd2', from: 'b', to: 'c', type: 'FS', lagDays: 0 }
  ];
  const rows = buildRows(buildLanes(items, [ws('ws-a', 'c')]));
  const input = {
    item: items[0],
    dates: { start: '2026-03-09', end: '2026-03-20' },
    pushes: [{ id: 'b', start: '2026-03-21', end: '2026-03-25', days: 5 }],
    summary: 'pushes 1 item by up to 5 days',
    loop: false,
    deps,
    rows,
    scale
  };

  it('draws the moved item, a ghost per pushed item and the arrows of everything that moves', () => {
    const p = dragPreview({ ...input, view: { left: 0, right: 2_000 } })!;
    expect(p.ext).toMatchObject({ x0: 80, x1: 200 });
    expect(p.ghosts).toEqual([{ id: 'b', y: rows.byItem.get('b')!.y, kind: 'phase', ext: extentOf({ kind: 'phase', start: '2026-03-21', end: '2026-03-25' }, scale) }]);
    expect(p.lines.map((l) => l.id)).toEqual(['d1', 'd2']);
    expect(p.text).toBe('9 Mar – 20 Mar 2026 · pushes 1 item by up to 5 days');
    expect(p.tipX).toBe(210);
    expect(p.tipDy).toBe(0);
  });

  it('keeps the tip in view when the right of the item is cut off', () => {
    // No room on either side: above the item, never over it.
    const p = dragPreview({ ...input, view: { left: 0, right: 500 } })!;
    expect(p.tipX + p.tipWidth).toBeLessThanOrEqual(500);
    expect(p.tipX).toBeGreaterThanOrEqual(6);
    expect(p.tipDy).toBeLessThan(0);
    // Room on the left: beside it.
    const left = dragPreview({ ...input, dates: { start: '2026-05-01', end: '2026-05-12' }, view: { left: 0, right: 720 } })!;
    expect(left.tipDy).toBe(0);
    expect(left.tipX + left.tipWidth).toBeLessThanOrEqual(left.ext.in);
  });
});
