/**
 * Risk exposure and RAID counts [RX1–RX7]. Exposure is likelihood × impact on the 5 × 5 scale, for
 * risks that are not closed; counts and ages cover every RAID kind.
 */
import type { RaidItem, RaidKind, RaidStatus } from '../schema.ts';
import { dayOfIso, type Day } from './calendar.ts';

export type Rating = 'low' | 'medium' | 'high' | 'critical';

/** [RX3] Bands of a 1–25 score. */
export function rating(score: number): Rating {
  return score >= 15 ? 'critical' : score >= 10 ? 'high' : score >= 5 ? 'medium' : 'low';
}

export type RiskRow = {
  id: string;
  title: string;
  status: RaidStatus;
  inherent: number;
  residual: number | null;
  rating: Rating;
  residualRating: Rating | null;
};

export type AgeBuckets = { '0-7': number; '8-30': number; '31-90': number; '90+': number };

export type RiskReport = {
  /** [RX2] Sums over open risks. */
  exposure: { risks: number; inherent: number; residual: number; unassessed: number };
  /** Open risks, highest inherent exposure first (ties: id). */
  risks: RiskRow[];
  /** [RX4] heat[likelihood − 1][impact − 1] = open risks in that cell. */
  heat: number[][];
  residualHeat: number[][];
  /** [RX5] Items by kind and status. */
  counts: Record<RaidKind, Record<RaidStatus, number>>;
  /** [RX6] Age of items not closed, by kind. */
  ages: Record<RaidKind, AgeBuckets>;
  oldestOpen: { id: string; days: number } | null;
  /** [RX7] Not closed and past their review or due date. */
  overdueReview: string[];
  overdue: string[];
};

const KINDS: RaidKind[] = ['risk', 'assumption', 'issue', 'dependency'];
const STATUSES: RaidStatus[] = ['open', 'monitoring', 'mitigating', 'closed'];
const grid = () => Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);

/** [RX1] Inherent and residual exposure of one item (residual null until both scores are set). */
export function exposure(r: RaidItem): { inherent: number; residual: number | null } {
  const residual = r.residualLikelihood !== null && r.residualImpact !== null ? r.residualLikelihood * r.residualImpact : null;
  return { inherent: r.likelihood * r.impact, residual };
}

function bucket(days: number): keyof AgeBuckets {
  return days <= 7 ? '0-7' : days <= 30 ? '8-30' : days <= 90 ? '31-90' : '90+';
}

/** [RX1–RX7] The RAID report on day `today` (a Day in the plan's zone). */
export function riskReport(items: readonly RaidItem[], today: Day): RiskReport {
  const counts = Object.fromEntries(KINDS.map((k) => [k, Object.fromEntries(STATUSES.map((s) => [s, 0]))])) as RiskReport['counts'];
  const ages = Object.fromEntries(KINDS.map((k) => [k, { '0-7': 0, '8-30': 0, '31-90': 0, '90+': 0 }])) as RiskReport['ages'];
  const report: RiskReport = {
    exposure: { risks: 0, inherent: 0, residual: 0, unassessed: 0 },
    risks: [],
    heat: grid(),
    residualHeat: grid(),
    counts,
    ages,
    oldestOpen: null,
    overdueReview: [],
    overdue: []
  };
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const r of sorted) {
    counts[r.kind][r.status]++;
    if (r.status === 'closed') continue;
    const days = Math.max(0, today - dayOfIso(r.raised));
    ages[r.kind][bucket(days)]++;
    if (!report.oldestOpen || days > report.oldestOpen.days) report.oldestOpen = { id: r.id, days };
    if (r.review !== null && dayOfIso(r.review) < today) report.overdueReview.push(r.id);
    if (r.due !== null && dayOfIso(r.due) < today) report.overdue.push(r.id);
    if (r.kind !== 'risk') continue;
    const { inherent, residual } = exposure(r);
    report.exposure.risks++;
    report.exposure.inherent += inherent;
    // [RX2] An unassessed risk is not assumed mitigated: its inherent score stands in.
    report.exposure.residual += residual ?? inherent;
    if (residual === null) report.exposure.unassessed++;
    report.heat[r.likelihood - 1][r.impact - 1]++;
    if (residual !== null) report.residualHeat[r.residualLikelihood! - 1][r.residualImpact! - 1]++;
    report.risks.push({ id: r.id, title: r.title, status: r.status, inherent, residual, rating: rating(inherent), residualRating: residual === null ? null : rating(residual) });
  }
  report.risks.sort((a, b) => b.inherent - a.inherent || (a.id < b.id ? -1 : 1));
  return report;
}
