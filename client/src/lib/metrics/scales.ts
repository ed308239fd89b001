/** Small SVG scale and path helpers for the metrics charts (no d3): linear and band scales, nice ticks, paths with gaps. */
import { formatDayMonth } from '../../../../shared/format/dates.ts';

export type Linear = ((v: number) => number) & { domain: [number, number]; range: [number, number]; ticks: (count?: number) => number[] };

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) for about `count` intervals over `span`. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

/** The smallest nice number >= max (at least `min`). */
export function niceMax(max: number, count = 5, min = 1): number {
  const top = Math.max(min, max);
  const step = niceStep(top, count);
  return Math.ceil(top / step - 1e-9) * step;
}

export function linear(domain: [number, number], range: [number, number]): Linear {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Linear;
  f.domain = domain;
  f.range = range;
  f.ticks = (count = 5) => {
    const step = niceStep(d1 - d0, count);
    const out: number[] = [];
    for (let v = Math.ceil(d0 / step - 1e-9) * step; v <= d1 + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
    return out;
  };
  return f;
}

export type Band = ((i: number) => number) & { width: number; count: number };

/** `count` equal bands over `range` with `padding` (0..1) between them; f(i) is band i's left edge. */
export function band(count: number, range: [number, number], padding = 0.2): Band {
  const [r0, r1] = range;
  const step = (r1 - r0) / Math.max(1, count);
  const f = ((i: number) => r0 + i * step + (step * padding) / 2) as Band;
  f.width = step * (1 - padding);
  f.count = count;
  return f;
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** A polyline through the points; null values break the line into pieces. */
export function linePath(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number, step = false): string {
  let d = '';
  let pen = false;
  let lastY = 0;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const px = x(i);
    const py = y(v);
    if (!pen) d += `M${fmt(px)},${fmt(py)}`;
    else if (step) d += `H${fmt(px)}V${fmt(py)}`;
    else d += `L${fmt(px)},${fmt(py)}`;
    pen = true;
    lastY = py;
  });
  void lastY;
  return d;
}

/** A closed area between a lower and an upper series (same length). */
export function areaPath(lower: readonly number[], upper: readonly number[], x: (i: number) => number, y: (v: number) => number): string {
  if (upper.length === 0) return '';
  const top = upper.map((v, i) => `${i === 0 ? 'M' : 'L'}${fmt(x(i))},${fmt(y(v))}`).join('');
  const bottom = lower
    .map((v, i) => [i, v] as const)
    .reverse()
    .map(([i, v]) => `L${fmt(x(i))},${fmt(y(v))}`)
    .join('');
  return `${top}${bottom}Z`;
}

/** "3 Mar" for an ISO date (UTC, so no zone shifts the label). */
export function shortDate(iso: string): string {
  return formatDayMonth(iso);
}

/** Up to `max` evenly spread indexes of `n` items, always including the first and the last. */
export function spreadIndexes(n: number, max = 6): number[] {
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round((k * (n - 1)) / (max - 1)));
  return [...out];
}

/** Days (rounded to one decimal) from milliseconds [G6]. */
export const msToDays = (ms: number): number => Math.round((ms / 86_400_000) * 10) / 10;

export const round1 = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(v * 10) / 10);

/** A per-instance id prefix for SVG defs (patterns, clip paths). */
export function uid(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

export type LegendItem = { label: string; cls: string; kind: 'line' | 'box' | 'square' | 'triangle' | 'dot' };
