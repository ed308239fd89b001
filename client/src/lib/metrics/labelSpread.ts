/**
 * Direct labels at the end of chart lines: two series ending at close values would draw their
 * labels on top of each other. `spreadLabels` moves label baselines apart by at least one label
 * height, as little as it can: labels that collide form a group centred on where its members
 * wanted to be (so no label drifts far from its line), and groups that then collide merge.
 */

/** The end labels' font is 11 px (MetricsView); Chromium draws its line box 13.4 user units tall. */
export const END_LABEL_HEIGHT = 14;

/**
 * Label y positions (SVG: smaller is higher) spaced at least `gap` apart, in the input's order.
 * Labels keep their top-to-bottom order (ties keep their input order). With `bounds`, the labels
 * are kept inside [min, max] when they fit there; when they cannot all fit, the top one stays at
 * `min` and the rest run below `max` rather than overlapping.
 */
export function spreadLabels(ys: readonly number[], gap = END_LABEL_HEIGHT, bounds?: readonly [number, number]): number[] {
  const order = ys.map((_, i) => i).sort((a, b) => ys[a] - ys[b] || a - b);
  // Groups of labels stacked `gap` apart; `top` is the first label's position.
  const groups: { members: number[]; top: number }[] = [];
  for (const i of order) {
    groups.push({ members: [i], top: ys[i] });
    while (groups.length > 1) {
      const below = groups[groups.length - 1];
      const above = groups[groups.length - 2];
      if (above.top + above.members.length * gap <= below.top) break;
      const members = [...above.members, ...below.members];
      const mean = members.reduce((sum, k) => sum + ys[k], 0) / members.length;
      groups.splice(-2, 2, { members, top: mean - ((members.length - 1) * gap) / 2 });
    }
  }
  const sorted = groups.flatMap((g) => g.members.map((_, k) => g.top + k * gap));
  if (bounds) {
    // Element-wise min/max with an evenly spaced sequence keeps every gap at least `gap`.
    const [min, max] = bounds;
    const n = sorted.length;
    for (let k = 0; k < n; k++) sorted[k] = Math.min(sorted[k], max - (n - 1 - k) * gap);
    for (let k = 0; k < n; k++) sorted[k] = Math.max(sorted[k], min + k * gap);
  }
  const out = new Array<number>(ys.length);
  order.forEach((i, k) => (out[i] = sorted[k]));
  return out;
}
