/** SVG shapes of the three kinds of item, so kind never rests on colour: bar, diamond, star. Pure. */
import { BAR_HEIGHT, BAR_TOP, POINT_HALF } from './layout.ts';

export const MID = BAR_TOP + BAR_HEIGHT / 2;

/** A milestone: a diamond centred on x. */
export function diamond(x: number, y = MID, r = POINT_HALF): string {
  return `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`;
}

/** A release: a five-pointed star centred on x. */
export function star(x: number, y = MID, r = POINT_HALF + 1.5): string {
  const pts: string[] = [];
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.45;
    pts.push(`${(x + rr * Math.cos(a)).toFixed(1)},${(y + rr * Math.sin(a)).toFixed(1)}`);
  }
  return `M${pts.join('L')}Z`;
}

export function pointShape(kind: string, x: number, y = MID, r?: number): string {
  return kind === 'release' ? star(x, y, r === undefined ? undefined : r + 1.5) : diamond(x, y, r);
}
