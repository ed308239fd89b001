/**
 * The few delivery numbers a steering meeting looks at, taken from the delivery metrics
 * (shared/metrics, rules in METRICS.md): average velocity [V5] and the active sprint's progress.
 */
import { computeMetrics } from '../metrics/index.ts';
import type { PlanSnapshot } from '../schema.ts';

export type DeliveryFacts = {
  unit: 'points' | 'hours';
  /** [V5] Mean velocity of the last closed sprints, and which. */
  velocity: { mean: number; sprints: number } | null;
  active: { name: string; end: string; completed: number; committed: number } | null;
  /** Cards in progress now (statuses of category 'doing'). */
  inProgress: number;
};

export function deliveryFacts(plan: PlanSnapshot, now: number): DeliveryFacts {
  const m = computeMetrics(plan, now);
  const active = m.sprints.find((s) => s.state === 'active');
  const doing = new Set(plan.statuses.filter((s) => s.category === 'doing').map((s) => s.id));
  return {
    unit: plan.meta.estimateUnit,
    velocity: m.averageVelocity ? { mean: m.averageVelocity.mean, sprints: m.averageVelocity.sprints.length } : null,
    active: active?.velocity ? { name: active.name, end: active.end, completed: active.velocity.completed, committed: active.velocity.committed } : null,
    inProgress: plan.cards.filter((c) => doing.has(c.status)).length
  };
}
