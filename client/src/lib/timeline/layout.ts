/**
 * Where things go on the chart: one lane per workstream (in rank order, then "No workstream"),
 * one row per item inside its lane, items ordered by start; the x extent of each item; the elbow
 * path of each dependency arrow; and which rows a scrolled window shows. Pure, computed once per
 * document change (never per pointer move), so dragging only redraws what moves.
 */
import { toDay } from '../../../../shared/planning/dates.ts';
import { occupiedDays } from '../../../../shared/planning/schedule.ts';
import { compareRank } from '../../../../shared/rank.ts';
import type { Dependency, Milestone, Workstream } from '../../../../shared/schema.ts';
import { xOf, type Scale } from './scale.ts';

export const AXIS_HEIGHT = 52;
export const LANE_HEIGHT = 30;
export const ROW_HEIGHT = 34;
/** Half the width of a milestone's diamond. */
export const POINT_HALF = 8;
/** Geometry of a bar inside its row. */
export const BAR_TOP = 5;
export const BAR_HEIGHT = 16;

export type Lane = { id: string | null; name: string; rag: Workstream['rag'] | null; items: Milestone[] };

export type Row =
  | { kind: 'lane'; key: string; lane: Lane; y: number; h: number }
  | { kind: 'item'; key: string; item: Milestone; lane: Lane; y: number; h: number };

export type Rows = { rows: Row[]; height: number; byItem: Map<string, Row & { kind: 'item' }> };

const byStart = (a: Milestone, b: Milestone) =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Lanes in workstream rank order; items of a missing or unknown workstream go last, unnamed. */
export function buildLanes(items: readonly Milestone[], workstreams: readonly Workstream[]): Lane[] {
  const lanes = [...workstreams].sort(compareRank).map((w): Lane => ({ id: w.id, name: w.name, rag: w.rag, items: [] }));
  const byId = new Map(lanes.map((l) => [l.id, l]));
  const none: Lane = { id: null, name: 'No workstream', rag: null, items: [] };
  for (const item of items) (byId.get(item.workstream ?? '') ?? none).items.push(item);
  for (const lane of lanes) lane.items.sort(byStart);
  none.items.sort(byStart);
  return none.items.length ? [...lanes, none] : lanes;
}

export function buildRows(lanes: readonly Lane[]): Rows {
  const rows: Row[] = [];
  const byItem = new Map<string, Row & { kind: 'item' }>();
  let y = 0;
  for (const lane of lanes) {
    rows.push({ kind: 'lane', key: `lane:${lane.id ?? ''}`, lane, y, h: LANE_HEIGHT });
    y += LANE_HEIGHT;
    for (const item of lane.items) {
      const row = { kind: 'item' as const, key: item.id, item, lane, y, h: ROW_HEIGHT };
      rows.push(row);
      byItem.set(item.id, row);
      y += ROW_HEIGHT;
    }
  }
  return { rows, height: y, byItem };
}

/** Index range [first, last) of the rows that overlap [top, bottom) (rows are sorted by y). */
export function visibleRange(rows: readonly Row[], top: number, bottom: number): [number, number] {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].y + rows[mid].h <= top) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < rows.length && rows[end].y < bottom) end++;
  return [lo, end];
}

/** The row at a y coordinate, or null below the last row. */
export function rowAt(rows: readonly Row[], y: number): Row | null {
  const [first] = visibleRange(rows, y, y + 1);
  const row = rows[first];
  return row && row.y <= y && y < row.y + row.h ? row : null;
}

export type Extent = {
  /** Drawn as a bar (a phase, or a milestone a peer gave two dates). */
  bar: boolean;
  /** Left and right edges of a bar; both the diamond's centre for a point. */
  x0: number;
  x1: number;
  /** Where arrows leave (finish) and arrive (start). */
  out: number;
  in: number;
};

export function extentOf(item: Pick<Milestone, 'kind' | 'start' | 'end'>, s: Scale): Extent {
  const start = toDay(item.start);
  if (occupiedDays(item) === 0) {
    const x = xOf(s, start);
    return { bar: false, x0: x, x1: x, out: x + POINT_HALF, in: x - POINT_HALF };
  }
  const x0 = xOf(s, start);
  const x1 = xOf(s, toDay(item.end) + 1);
  return { bar: true, x0, x1, out: x1, in: x0 };
}

/**
 * An elbow arrow from a predecessor's finish (x1, y1) to its successor's start (x2, y2): out to
 * the right, down or up, and in from the left. When the successor starts too close (or before),
 * the path steps back along the gap between the rows.
 */
export function elbow(x1: number, y1: number, x2: number, y2: number, gap = 8): string {
  const r = (n: number) => Math.round(n * 10) / 10;
  if (x2 - x1 >= 2 * gap) {
    const xm = x1 + gap;
    return `M${r(x1)},${r(y1)}H${r(xm)}V${r(y2)}H${r(x2)}`;
  }
  const between = y2 > y1 ? y2 - ROW_HEIGHT / 2 : y2 + ROW_HEIGHT / 2;
  return `M${r(x1)},${r(y1)}H${r(x1 + gap)}V${r(between)}H${r(x2 - gap)}V${r(y2)}H${r(x2)}`;
}

export type Arrow = { id: string; from: string; to: string; d: string; top: number; bottom: number; critical: boolean; lagDays: number };

/** Middle of an item's bar or diamond, in chart coordinates. */
export const barMiddle = (row: Row): number => row.y + BAR_TOP + BAR_HEIGHT / 2;

/** Every arrow whose two items are laid out; `critical` marks links of the critical path. */
export function buildArrows(deps: readonly Dependency[], rows: Rows, s: Scale, critical: ReadonlySet<string>): Arrow[] {
  const out: Arrow[] = [];
  for (const dep of deps) {
    const a = rows.byItem.get(dep.from);
    const b = rows.byItem.get(dep.to);
    if (!a || !b || dep.from === dep.to) continue;
    const ya = barMiddle(a);
    const yb = barMiddle(b);
    out.push({
      id: dep.id,
      from: dep.from,
      to: dep.to,
      d: elbow(extentOf(a.item, s).out, ya, extentOf(b.item, s).in, yb),
      top: Math.min(a.y, b.y),
      bottom: Math.max(a.y + a.h, b.y + b.h),
      critical: critical.has(dep.id),
      lagDays: dep.lagDays
    });
  }
  return out;
}
