/**
 * Sprint velocity [V1–V7]: what a sprint completed by its close, beside what it committed, what
 * was added and removed, and what was left. Only a closed sprint has a velocity; an open one has
 * progress so far.
 */
import type { SprintState } from '../schema.ts';
import { committedTotal, type SprintScope, type Unit } from './scope.ts';
import { scopeTotals, type ScopeTotals } from './scope-sums.ts';

export type SprintVelocity = {
  sprint: string;
  name: string;
  state: SprintState;
  unit: Unit;
  /** [V4] Commitment as recorded (points of cards that still exist). */
  committed: number;
  /** [V1, V2] Completed by the close; null while the sprint is open. */
  velocity: number | null;
  /** Completed so far (equals velocity once closed). */
  completed: number;
  completedCommitted: number;
  completedAdded: number;
  /** [V4] Scope added and removed after the commitment, and what was not done. */
  added: number;
  removed: number;
  notDone: number;
  /** [V4] completedCommitted / committed; null when nothing was committed. */
  sayDo: number | null;
  /** [V6] Cards in scope with no estimate (they count 0 points). */
  unestimated: number;
};

/** [V1–V4, V6, V7] Velocity of one sprint from the scope sums at its close (or now, while open). */
export function sprintVelocity(scope: SprintScope, unit: Unit, t: ScopeTotals = scopeTotals(scope, scope.limitCut, unit)): SprintVelocity {
  const committed = committedTotal(scope, unit);
  return {
    sprint: scope.sprint.id,
    name: scope.sprint.name,
    state: scope.sprint.state,
    unit,
    committed,
    velocity: scope.closed ? t.done : null,
    completed: t.done,
    completedCommitted: t.doneCommitted,
    completedAdded: t.doneAdded,
    added: t.addedScope,
    removed: t.removed,
    notDone: t.scope - t.done,
    sayDo: committed > 0 ? t.doneCommitted / committed : null,
    unestimated: t.unestimated
  };
}

export type AverageVelocity = { sprints: string[]; mean: number; min: number; max: number };

/**
 * [V5] Mean velocity of the last `count` closed sprints (ordered by end date, then id); null when
 * no sprint has closed. `rows` are in plan order (snapshot order: by start date).
 */
export function averageVelocity(rows: readonly (SprintVelocity & { end: string })[], count = 3): AverageVelocity | null {
  const closed = rows
    .filter((r) => r.velocity !== null)
    .sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : a.sprint < b.sprint ? -1 : 1))
    .slice(-count);
  if (closed.length === 0) return null;
  const values = closed.map((r) => r.velocity!);
  return {
    sprints: closed.map((r) => r.sprint),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values)
  };
}
