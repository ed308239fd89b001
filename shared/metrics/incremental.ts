/**
 * Metrics kept up to date one card at a time [INC1–INC3]. The caller tells us which cards changed
 * (from the Yjs events of the cards map: the keys of the top-level change, or the first path
 * segment of a nested one) and passes their new value (null when deleted); only those cards are
 * re-derived and their old contributions to the day counters swapped for new ones. Sprint reports
 * are cached and dropped only for sprints the changed cards belong or were committed to.
 */
import type { Card, PlanSnapshot, Sprint } from '../schema.ts';
import { CardIndex } from './card-index.ts';
import { factsKey, planContext, type PlanContext } from './context.ts';
import { flowReport, type FlowOptions, type FlowReport } from './flow.ts';
import { planReport, sprintNowKey, sprintReport, type MetricsOptions, type PlanMetrics, type SprintReport } from './report.ts';
import type { Unit } from './scope.ts';

type Cached = { nowKey: number; unit: Unit; report: SprintReport };

function committedIn(plan: PlanSnapshot): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const s of plan.sprints) {
    for (const c of s.commitment?.cards ?? []) {
      const list = index.get(c.id);
      if (list) list.push(s.id);
      else index.set(c.id, [s.id]);
    }
  }
  return index;
}

/** [INC1–INC3] Plan metrics kept up to date one changed card at a time. */
export class IncrementalMetrics {
  private ctx: PlanContext;
  private key: string;
  private index: CardIndex;
  private readonly sprintCache = new Map<string, Cached>();
  /** card id → sprints whose commitment lists it (a card can be committed to several, e.g. carried). */
  private committedIn = new Map<string, string[]>();

  constructor(plan: PlanSnapshot) {
    this.ctx = planContext(plan);
    this.committedIn = committedIn(plan);
    this.key = factsKey(plan);
    this.index = CardIndex.build(plan.cards, this.ctx);
  }

  /**
   * [INC3] Everything but the cards changed (meta, columns, sprints, members, RAID, milestones).
   * `plan.cards` is ignored: cards arrive through `update`. Facts are re-derived only when the zone
   * or a column's category changed, since nothing else enters them.
   */
  setPlan(plan: PlanSnapshot): void {
    const cards = this.index.cards();
    this.ctx = planContext(plan);
    this.committedIn = committedIn(plan);
    this.sprintCache.clear();
    const key = factsKey(plan);
    if (key === this.key) {
      this.index.setContext(this.ctx);
      return;
    }
    this.key = key;
    this.index = CardIndex.build(cards, this.ctx);
  }

  /** [INC1, INC2] Applies changed cards: id → its new value, null when deleted. O(changed cards' history). */
  update(changes: Iterable<readonly [string, Card | null]>): void {
    for (const [id, card] of changes) {
      const old = card ? this.index.put(card) : this.index.remove(id);
      // Sprints the card is or was in (now, or by its sprint log), and those it was committed to.
      const fresh = card ? this.index.facts.get(id) : undefined;
      for (const f of [old, fresh]) {
        if (!f) continue;
        if (f.card.sprint !== null) this.sprintCache.delete(f.card.sprint);
        for (const s of f.loggedSprints) this.sprintCache.delete(s);
      }
      for (const s of this.committedIn.get(id) ?? []) this.sprintCache.delete(s);
    }
  }

  private sprint(sprint: Sprint, now: number, unit: Unit): SprintReport {
    const nowKey = sprintNowKey(sprint, this.ctx, now);
    const hit = this.sprintCache.get(sprint.id);
    if (hit && hit.nowKey === nowKey && hit.unit === unit) return hit.report;
    const report = sprintReport(sprint, this.ctx, this.index, now, unit);
    this.sprintCache.set(sprint.id, { nowKey, unit, report });
    return report;
  }

  /** Flow metrics only: O(days × columns + done cards). */
  flow(now: number, options?: FlowOptions): FlowReport {
    return flowReport(this.index.flow, this.ctx, now, options);
  }

  /** Every metric; equal to computeMetrics on a snapshot holding the same cards. */
  metrics(now: number, options: MetricsOptions = {}): PlanMetrics {
    const unit = options.unit ?? 'points';
    return planReport(this.ctx, this.index, now, options, (s) => this.sprint(s, now, unit));
  }
}
