/**
 * What the chart draws while an item is dragged: the item at its new dates, ghosts of the
 * successors it would push, the arrows into and out of everything that moves, and a tip that says
 * the new dates and what moves with them, kept inside the visible part of the chart. Pure:
 * computed per snapped day, from layout that was computed once per document change.
 */
import type { Push } from '../../../../shared/planning/schedule.ts';
import type { Dependency, Milestone } from '../../../../shared/schema.ts';
import type { Dates } from './drag.ts';
import { formatRange } from './format.ts';
import { BAR_HEIGHT, elbow, extentOf, type Extent, type Rows } from './layout.ts';
import type { Scale } from './scale.ts';
import { MID } from './shapes.ts';

type Shape = Pick<Milestone, 'kind' | 'start' | 'end'>;

export type Preview = {
  item: Milestone;
  y: number;
  ext: Extent;
  ghosts: { id: string; y: number; kind: Milestone['kind']; ext: Extent }[];
  lines: { id: string; d: string }[];
  text: string;
  tipX: number;
  /** The tip's offset from the item's row: 0 beside the item, negative above it. */
  tipDy: number;
  tipWidth: number;
};

/** Rough width of the tip's text at 12 px (no DOM measuring during a drag). */
const CHAR_WIDTH = 6.8;

export function dragPreview(input: {
  item: Milestone;
  dates: Dates;
  pushes: readonly Push[];
  summary: string;
  loop: boolean;
  deps: readonly Dependency[];
  rows: Rows;
  scale: Scale;
  /** The visible horizontal range of the chart, in chart coordinates. */
  view: { left: number; right: number };
}): Preview | null {
  const { item, dates, pushes, rows, scale, view } = input;
  const row = rows.byItem.get(item.id);
  if (!row) return null;
  const moved = new Map<string, Shape>([[item.id, { kind: item.kind, ...dates }]]);
  const ghosts: Preview['ghosts'] = [];
  for (const p of pushes) {
    const r = rows.byItem.get(p.id);
    if (!r) continue;
    const shape = { kind: r.item.kind, start: p.start, end: p.end };
    moved.set(p.id, shape);
    ghosts.push({ id: p.id, y: r.y, kind: r.item.kind, ext: extentOf(shape, scale) });
  }
  const lines: Preview['lines'] = [];
  for (const dep of input.deps) {
    if (!moved.has(dep.from) && !moved.has(dep.to)) continue;
    const a = rows.byItem.get(dep.from);
    const b = rows.byItem.get(dep.to);
    if (!a || !b) continue;
    const ea = extentOf(moved.get(dep.from) ?? a.item, scale);
    const eb = extentOf(moved.get(dep.to) ?? b.item, scale);
    lines.push({ id: dep.id, d: elbow(ea.out, a.y + MID, eb.in, b.y + MID) });
  }
  const ext = extentOf(moved.get(item.id)!, scale);
  const text = `${formatRange(dates.start, dates.end)}${input.summary ? ` · ${input.summary}` : ''}${input.loop ? ' · dependencies form a loop: nothing can be pushed' : ''}`;
  // Right of the item; else left of it; else above it, inside the view, never over the item.
  const tipWidth = text.length * CHAR_WIDTH + 14;
  let tipX = ext.out + 10;
  let tipDy = 0;
  if (tipX + tipWidth > view.right) {
    tipX = ext.in - tipWidth - 10;
    if (tipX < view.left + 6) {
      tipX = Math.max(view.left + 6, Math.min(ext.x0, view.right - tipWidth));
      tipDy = -(BAR_HEIGHT + 8);
    }
  }
  return { item, y: row.y, ext, ghosts, lines, text, tipX, tipDy, tipWidth };
}
