/**
 * Risk scoring and RAG banding [SC1–SC6]. Pure: plain RAID items in, plain numbers and bands out;
 * "today" is passed in as an ISO date in the plan's zone.
 *
 * [SC1] Score = likelihood × impact, each 1–5, so 1–25. Residual score uses the residual pair and
 *       is null until both residual values are set.
 * [SC2] Band table (the same cut points as the metrics' rating [RX3], where low = green,
 *       medium = amber, high and critical = red):
 *
 *         score   band    meaning
 *         1–4     green   tolerate; review at the normal cadence
 *         5–9     amber   treat; owner reports progress at each steering meeting
 *         10–25   red     escalate; on the steering agenda until it comes down
 *
 *       On the 5 × 5 grid: green cells are L×I ≤ 4, amber 5–9, red ≥ 10 (e.g. 2×5 = 10 is red,
 *       3×3 = 9 amber).
 * [SC3] The heat map shows risks (kind 'risk') that are not closed; in residual mode, risks with no
 *       residual assessment are listed apart as "not assessed", never placed as if mitigated.
 * [SC4] A review is overdue when the item is not closed and its review date is before today.
 * [SC5] Top risks: open risks by score (highest first), then overdue reviews first, then higher
 *       impact, then title, then id — a total order, so every replica lists them alike.
 * [SC6] Issues are ranked by the same score (their "likelihood" is how sure the impact is).
 */
import type { RaidItem, Rag } from '../schema.ts';

export type ScoreMode = 'inherent' | 'residual';

export type BandRow = { band: Rag; min: number; max: number; label: string; meaning: string };

/** [SC2] The band table, lowest first. */
export const RAG_BANDS: readonly BandRow[] = [
  { band: 'green', min: 1, max: 4, label: 'Green', meaning: 'Tolerate; review at the normal cadence' },
  { band: 'amber', min: 5, max: 9, label: 'Amber', meaning: 'Treat; owner reports progress at each meeting' },
  { band: 'red', min: 10, max: 25, label: 'Red', meaning: 'Escalate; on the agenda until it comes down' }
];

export const RAG_LABEL: Record<Rag, string> = { green: 'Green', amber: 'Amber', red: 'Red' };

/** A shape per band, so a band reads without colour (and in a black-and-white print). */
export const RAG_ICON: Record<Rag, string> = { green: '●', amber: '◆', red: '▲' };

/** [SC2] The band of a 1–25 score (scores below 1 are green, above 25 red). */
export function ragBand(score: number): Rag {
  return score >= 10 ? 'red' : score >= 5 ? 'amber' : 'green';
}

/** [SC1] Likelihood × impact. */
export const score = (likelihood: number, impact: number): number => likelihood * impact;

/** [SC1] The item's score in a mode; null for an unassessed residual. */
export function itemScore(r: Pick<RaidItem, 'likelihood' | 'impact' | 'residualLikelihood' | 'residualImpact'>, mode: ScoreMode): number | null {
  if (mode === 'inherent') return r.likelihood * r.impact;
  return r.residualLikelihood !== null && r.residualImpact !== null ? r.residualLikelihood * r.residualImpact : null;
}

/** The (likelihood, impact) cell of an item in a mode; null for an unassessed residual. */
export function itemCell(r: RaidItem, mode: ScoreMode): { likelihood: number; impact: number } | null {
  if (mode === 'inherent') return { likelihood: r.likelihood, impact: r.impact };
  return r.residualLikelihood !== null && r.residualImpact !== null ? { likelihood: r.residualLikelihood, impact: r.residualImpact } : null;
}

/** [SC4] */
export function reviewOverdue(r: Pick<RaidItem, 'status' | 'review'>, today: string): boolean {
  return r.status !== 'closed' && r.review !== null && r.review < today;
}

/** [SC3] Items the heat map places. */
export const onHeatMap = (r: RaidItem): boolean => r.kind === 'risk' && r.status !== 'closed';

export type HeatMap = {
  /** cells[likelihood − 1][impact − 1] = ids of the risks in that cell, in top-risk order. */
  cells: string[][][];
  /** [SC3] Residual mode only: risks with no residual assessment. */
  unassessed: string[];
};

/** [SC3] Risks per cell in a mode. */
export function heatMap(items: readonly RaidItem[], mode: ScoreMode, today: string): HeatMap {
  const cells = Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => [] as string[]));
  const unassessed: string[] = [];
  for (const r of rankRisks(items.filter(onHeatMap), mode, today)) {
    const c = itemCell(r, mode);
    if (c) cells[c.likelihood - 1][c.impact - 1].push(r.id);
    else unassessed.push(r.id);
  }
  return { cells, unassessed };
}

/** [SC5] A total order over items by score in a mode (unscored last). */
export function rankRisks<T extends RaidItem>(items: readonly T[], mode: ScoreMode, today: string): T[] {
  const key = (r: T) => itemScore(r, mode) ?? -1;
  const impactOf = (r: T) => (mode === 'residual' ? (r.residualImpact ?? 0) : r.impact);
  return [...items].sort(
    (a, b) =>
      key(b) - key(a) ||
      Number(reviewOverdue(b, today)) - Number(reviewOverdue(a, today)) ||
      impactOf(b) - impactOf(a) ||
      a.title.localeCompare(b.title) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export type RankedItem = { item: RaidItem; score: number | null; band: Rag | null; overdue: boolean };

/** [SC5, SC6] The `limit` highest open items of the given kinds (risks by default). */
export function topItems(items: readonly RaidItem[], mode: ScoreMode, today: string, limit = 5, kinds: readonly RaidItem['kind'][] = ['risk']): RankedItem[] {
  const open = items.filter((r) => kinds.includes(r.kind) && r.status !== 'closed');
  return rankRisks(open, mode, today)
    .slice(0, limit)
    .map((item) => {
      const s = itemScore(item, mode);
      return { item, score: s, band: s === null ? null : ragBand(s), overdue: reviewOverdue(item, today) };
    });
}
