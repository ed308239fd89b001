/**
 * Where the axis writes its labels. The chart scrolls sideways under a sticky corner, so the axis
 * only shows [left, left + view) of itself: a label is always drawn whole inside the part of its
 * tick that is on screen (pinned to the left edge while its tick is scrolled past, shortened, or
 * left out), never cut by the edge. The "Today" pill sits in the lower row; a label it would cover
 * moves to just after it inside its own tick, or yields. Pure: text widths come from `measure`.
 */
import type { Tick } from './scale.ts';

export type Measure = (text: string) => number;
export type Placed = { day: number; x: number; text: string };
export type Span = { x0: number; x1: number };

/** Space kept between a tick line and its label, and after the label. */
const PAD = 6;
const MINOR_PAD = 3;

/** The Today pill's horizontal extent, centred on today's cell. */
export const PILL_HALF = 22;
export const pillSpan = (todayX: number): Span => ({ x0: todayX - PILL_HALF, x1: todayX + PILL_HALF });

const overlaps = (a0: number, a1: number, b: Span | null): boolean => b !== null && a0 < b.x1 && a1 > b.x0;

/**
 * One label inside its tick: the first text (full, then short) that fits whole between the visible
 * start of the tick and its end, starting after the blocked span when it would overlap it.
 */
function place(t: Tick, texts: string[], left: number, pad: number, measure: Measure, blocked: Span | null): Placed | null {
  const end = t.x + t.width;
  for (const text of texts) {
    const w = measure(text);
    let x = Math.max(t.x, left) + pad;
    if (overlaps(x, x + w, blocked)) x = blocked!.x1 + pad;
    if (x + w + pad <= end) return { day: t.day, x, text };
  }
  return null;
}

/** Upper row: months (or quarters), pinned to the left edge while scrolled past, shortened to fit. */
export function placeMajor(ticks: readonly Tick[], left: number, measure: Measure): Placed[] {
  const out: Placed[] = [];
  for (const t of ticks) {
    if (t.x + t.width <= left) continue;
    const p = place(t, t.label === t.short ? [t.label] : [t.label, t.short], left, PAD, measure, null);
    if (p) out.push(p);
  }
  return out;
}

/** Lower row: days, weeks or months; a label under the Today pill moves past it or yields. */
export function placeMinor(ticks: readonly Tick[], left: number, measure: Measure, pill: Span | null): Placed[] {
  const out: Placed[] = [];
  for (const t of ticks) {
    if (t.x + t.width <= left) continue;
    const p = place(t, [t.label], left, MINOR_PAD, measure, pill);
    if (p) out.push(p);
  }
  return out;
}

/** A width estimate for when nothing can be measured yet (before mount, in unit tests). */
export const estimateWidth =
  (px: number): Measure =>
  (text) =>
    text.length * px;
