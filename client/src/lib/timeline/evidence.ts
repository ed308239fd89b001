/**
 * Evidence for a stage gate, from the document itself: the gate's checklist, open high risks
 * linked to the milestone, its slippage, the work linked to it, and the forecast when there is
 * one. The verdict is advice for the approver, never a decision: the gate's status is set by a
 * person. Pure.
 */
import { daysBetween } from '../../../../shared/planning/dates.ts';
import type { Card, Gate, Milestone, RaidItem, StageConfig, Status } from '../../../../shared/schema.ts';
import { plural, signedDays } from './format.ts';
import type { MilestoneForecast } from './forecast.ts';

/** Likelihood × impact at or above this is a high risk (the 5 × 5 scale's top band). */
export const HIGH_RISK_SCORE = 15;

export type Progress = { total: number; done: number; points: number; pointsDone: number };

/** Cards linked to each milestone (a card's `links` holds the milestone id): done/total and points. */
export function linkedProgress(cards: readonly Pick<Card, 'status' | 'points' | 'links'>[], statuses: readonly Pick<Status, 'id' | 'category'>[]): Map<string, Progress> {
  const done = new Set(statuses.filter((s) => s.category === 'done').map((s) => s.id));
  const out = new Map<string, Progress>();
  for (const card of cards) {
    for (const link of new Set(card.links)) {
      let p = out.get(link);
      if (!p) out.set(link, (p = { total: 0, done: 0, points: 0, pointsDone: 0 }));
      const isDone = done.has(card.status);
      p.total++;
      p.points += card.points ?? 0;
      if (isDone) {
        p.done++;
        p.pointsDone += card.points ?? 0;
      }
    }
  }
  return out;
}

export type HighRisk = { id: string; title: string; kind: RaidItem['kind']; status: RaidItem['status']; likelihood: number; impact: number; score: number };

/** RAID items not closed, linked to the milestone, scoring ≥ HIGH_RISK_SCORE; highest first. */
export function openHighRisks(raid: readonly RaidItem[], milestoneId: string): HighRisk[] {
  return raid
    .filter((r) => r.status !== 'closed' && r.links.includes(milestoneId) && r.likelihood * r.impact >= HIGH_RISK_SCORE)
    .map((r) => ({ id: r.id, title: r.title, kind: r.kind, status: r.status, likelihood: r.likelihood, impact: r.impact, score: r.likelihood * r.impact }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export type Verdict = 'ready' | 'not-ready';

export type Evidence = {
  criteria: { met: number; total: number; open: string[] };
  risks: HighRisk[];
  slipDays: number | null;
  progress: Progress | null;
  forecast: MilestoneForecast | null;
  /** The forecast's 85 % date is after the milestone's end. */
  forecastLate: boolean;
  verdict: Verdict;
  /** Why not ready, one short sentence each; empty when ready. */
  reasons: string[];
};

export function gateEvidence(input: {
  milestone: Milestone;
  stage: StageConfig;
  gate: Gate;
  raid: readonly RaidItem[];
  progress: Progress | null;
  forecast: MilestoneForecast | null;
}): Evidence {
  const { milestone, stage, gate, raid, progress, forecast } = input;
  const ticked = new Set(gate.checked);
  const open = stage.criteria.filter((c) => !ticked.has(c.id)).map((c) => c.text);
  const risks = openHighRisks(raid, milestone.id);
  const slipDays = milestone.baselineEnd === null ? null : daysBetween(milestone.baselineEnd, milestone.end);
  const forecastLate = forecast?.p85 != null && forecast.done === null && forecast.p85 > milestone.end;
  const reasons: string[] = [];
  if (open.length) reasons.push(`${plural(open.length, 'criterion', 'criteria')} not met`);
  if (risks.length) reasons.push(`${plural(risks.length, 'open high risk')}`);
  if (progress && progress.done < progress.total) reasons.push(`${progress.total - progress.done} of ${plural(progress.total, 'linked card')} not done`);
  if (forecastLate) reasons.push(`forecast (85 %) ${forecast!.p85} is after the planned ${milestone.end}`);
  if (slipDays !== null && slipDays > 0) reasons.push(`slipped ${signedDays(slipDays)} against the baseline`);
  return {
    criteria: { met: stage.criteria.length - open.length, total: stage.criteria.length, open },
    risks,
    slipDays,
    progress,
    forecast,
    forecastLate,
    // Slippage alone does not block a gate: a rebaselined plan may be late and still ready.
    verdict: open.length || risks.length || (progress && progress.done < progress.total) || forecastLate ? 'not-ready' : 'ready',
    reasons
  };
}

