/**
 * What a steering meeting looks at, from live state [SM1–SM7]: one pure function over a plan
 * snapshot, the RAID histories and `now`. The meeting view, the Markdown pack and the printable pack
 * all read this, so what is said in the room and what is sent afterwards agree.
 *
 * [SM1] Workstreams in their rank order with RAG (text, icon, colour) and the owner's comment.
 * [SM2] Milestones shown: due from today up to `horizonDays` ahead (default 30), or slipping —
 *       current end later than the baseline end and not yet past (end ≥ today). Sorted by end.
 * [SM3] Top risks and top issues by [SC5], open ones only, `top` of each (default 5).
 * [SM4] Decisions needed: every proposed decision, oldest first. Recent decisions: decided within
 *       the last `horizonDays`.
 * [SM5] Overdue reviews by [SC4], all kinds, top-risk order.
 * [SM6] Counts: open risks by band, open issues, overdue reviews, decisions needed, milestones due
 *       soon and slipping, workstreams by RAG.
 * [SM7] Exposure now and its change over `horizonDays` by [TR1–TR5].
 */
import { dayOf, isoOf } from '../metrics/calendar.ts';
import type { PlanSnapshot, RaidChange, RaidItem, Rag } from '../schema.ts';
import { nameOf, slipDays } from './csv.ts';
import type { DeliveryFacts } from './delivery.ts';
import { itemScore, rankRisks, ragBand, reviewOverdue, topItems, RAG_ICON, RAG_LABEL, type RankedItem } from './scoring.ts';
import { asOfStamp } from './stamp.ts';
import { exposureTrend, trendChange, type TrendChange, type TrendPoint } from './trend.ts';

export type SummaryItem = {
  id: string;
  kind: RaidItem['kind'];
  title: string;
  owner: string;
  status: RaidItem['status'];
  score: number;
  band: Rag;
  residualScore: number | null;
  review: string | null;
  due: string | null;
  overdue: boolean;
};

export type SummaryWorkstream = { id: string; name: string; owner: string; rag: Rag; ragLabel: string; icon: string; comment: string };

export type SummaryMilestone = {
  id: string;
  name: string;
  kind: string;
  workstream: string;
  owner: string;
  end: string;
  baselineEnd: string | null;
  slipDays: number | null;
  daysToGo: number;
  dueSoon: boolean;
  slipping: boolean;
};

export type SummaryDecision = { id: string; title: string; date: string; owner: string; status: string; options: string[]; rationale: string };

export type SummaryCounts = {
  openRisks: number;
  redRisks: number;
  amberRisks: number;
  greenRisks: number;
  openIssues: number;
  overdueReviews: number;
  decisionsNeeded: number;
  milestonesDueSoon: number;
  milestonesSlipping: number;
  workstreams: Record<Rag, number>;
};

export type SteeringSummary = {
  planName: string;
  timeZone: string;
  today: string;
  asOf: string;
  horizonDays: number;
  workstreams: SummaryWorkstream[];
  milestones: SummaryMilestone[];
  topRisks: SummaryItem[];
  topIssues: SummaryItem[];
  decisionsNeeded: SummaryDecision[];
  recentDecisions: SummaryDecision[];
  overdueReviews: SummaryItem[];
  counts: SummaryCounts;
  exposure: { inherent: number; residual: number; change: TrendChange | null; trend: TrendPoint[] };
  delivery: DeliveryFacts | null;
};

export type SummaryOptions = { horizonDays?: number; top?: number; delivery?: DeliveryFacts | null };

const DAY = 86_400_000;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

export function steeringSummary(
  plan: PlanSnapshot,
  histories: Readonly<Record<string, readonly RaidChange[]>>,
  now: number,
  options: SummaryOptions = {}
): SteeringSummary {
  const { horizonDays = 30, top = 5, delivery = null } = options;
  const tz = plan.meta.timeZone;
  const today = isoOf(dayOf(now, tz));
  const horizon = addDays(today, horizonDays);
  const who = (id: string | null) => nameOf(plan.members, id) || 'Unassigned';

  const item = (r: RaidItem): SummaryItem => {
    const s = itemScore(r, 'inherent')!;
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      owner: who(r.owner),
      status: r.status,
      score: s,
      band: ragBand(s),
      residualScore: itemScore(r, 'residual'),
      review: r.review,
      due: r.due,
      overdue: reviewOverdue(r, today)
    };
  };
  const ranked = (rows: RankedItem[]) => rows.map((x) => item(x.item));

  // [SM1]
  const workstreams = plan.workstreams.map((w) => ({ id: w.id, name: w.name, owner: who(w.owner), rag: w.rag, ragLabel: RAG_LABEL[w.rag], icon: RAG_ICON[w.rag], comment: w.ragComment }));

  // [SM2]
  const milestones = plan.milestones
    .map((m) => {
      const slip = slipDays(m);
      return {
        id: m.id,
        name: m.name,
        kind: m.kind,
        workstream: plan.workstreams.find((w) => w.id === m.workstream)?.name ?? '',
        owner: who(m.owner),
        end: m.end,
        baselineEnd: m.baselineEnd,
        slipDays: slip,
        daysToGo: daysBetween(today, m.end),
        dueSoon: m.end >= today && m.end <= horizon,
        slipping: slip !== null && slip > 0 && m.end >= today
      };
    })
    .filter((m) => m.dueSoon || m.slipping)
    .sort((a, b) => a.end.localeCompare(b.end) || a.id.localeCompare(b.id));

  // [SM4]
  const decision = (d: PlanSnapshot['decisions'][number]): SummaryDecision => ({
    id: d.id,
    title: d.title,
    date: d.date,
    owner: who(d.owner),
    status: d.status,
    options: d.options,
    rationale: d.rationale
  });
  const decisionsNeeded = plan.decisions.filter((d) => d.status === 'proposed').map(decision);
  const since = addDays(today, -horizonDays);
  const recentDecisions = plan.decisions
    .filter((d) => d.status === 'decided' && d.date >= since && d.date <= today)
    .map(decision)
    .reverse();

  // [SM5, SM6]
  const open = plan.raid.filter((r) => r.status !== 'closed');
  const overdueReviews = rankRisks(open.filter((r) => reviewOverdue(r, today)), 'inherent', today).map(item);
  const openRisks = open.filter((r) => r.kind === 'risk');
  const bandCount = (b: Rag) => openRisks.filter((r) => ragBand(itemScore(r, 'inherent')!) === b).length;
  const counts: SummaryCounts = {
    openRisks: openRisks.length,
    redRisks: bandCount('red'),
    amberRisks: bandCount('amber'),
    greenRisks: bandCount('green'),
    openIssues: open.filter((r) => r.kind === 'issue').length,
    overdueReviews: overdueReviews.length,
    decisionsNeeded: decisionsNeeded.length,
    milestonesDueSoon: milestones.filter((m) => m.dueSoon).length,
    milestonesSlipping: milestones.filter((m) => m.slipping).length,
    workstreams: { red: 0, amber: 0, green: 0 }
  };
  for (const w of workstreams) counts.workstreams[w.rag]++;

  // [SM7]
  const trend = exposureTrend(plan.raid, histories, { now, timeZone: tz, days: Math.max(90, horizonDays) });
  const last = trend[trend.length - 1];

  return {
    planName: plan.meta.name,
    timeZone: tz,
    today,
    asOf: asOfStamp(now, tz),
    horizonDays,
    workstreams,
    milestones,
    topRisks: ranked(topItems(plan.raid, 'inherent', today, top, ['risk'])),
    topIssues: ranked(topItems(plan.raid, 'inherent', today, top, ['issue'])),
    decisionsNeeded,
    recentDecisions,
    overdueReviews,
    counts,
    exposure: { inherent: last?.inherent ?? 0, residual: last?.residual ?? 0, change: trendChange(trend, horizonDays), trend },
    delivery
  };
}
