/**
 * Weekly figures of one resource from its daily capacity and demand [RS9–RS12].
 *
 * - [RS9] People, per week: capacity and demand are the week's hours summed; utilisation is
 *   demand / capacity.
 * - [RS10] Pools, per week: capacity is the fewest units in service on any day of the week and
 *   demand the most booked on any day (a node booked Monday and another Friday is still one node);
 *   the week is over-allocated when demand exceeds capacity on some day.
 * - [RS11] Over-allocation: demand above capacity by more than EPSILON (rounding of spread hours);
 *   demand with zero capacity is over-allocated and its utilisation is Infinity.
 * - [RS12] Free capacity: capacity minus demand, never below zero; for a pool, the fewest units
 *   free on any day of the week (what can still be promised for the whole week).
 */
import type { Horizon } from './capacity.ts';

export const EPSILON = 1e-6;

export type WeekFigures = {
  capacity: Float64Array;
  demand: Float64Array;
  free: Float64Array;
  /** 1 where the week is over-allocated. */
  over: Uint8Array;
};

export function weeksIn(h: Horizon): number {
  return Math.ceil(h.days / 7);
}

export function personWeeks(capacity: Float64Array, demand: Float64Array, h: Horizon): WeekFigures {
  const n = weeksIn(h);
  const out = empty(n);
  for (let i = 0; i < h.days; i++) {
    const w = (i / 7) | 0;
    out.capacity[w] += capacity[i];
    out.demand[w] += demand[i];
  }
  for (let w = 0; w < n; w++) {
    out.over[w] = out.demand[w] > out.capacity[w] + EPSILON ? 1 : 0;
    out.free[w] = Math.max(0, out.capacity[w] - out.demand[w]);
  }
  return out;
}

export function poolWeeks(capacity: Float64Array, demand: Float64Array, h: Horizon): WeekFigures {
  const n = weeksIn(h);
  const out = empty(n);
  out.capacity.fill(Infinity);
  out.free.fill(Infinity);
  for (let i = 0; i < h.days; i++) {
    const w = (i / 7) | 0;
    if (capacity[i] < out.capacity[w]) out.capacity[w] = capacity[i];
    if (demand[i] > out.demand[w]) out.demand[w] = demand[i];
    const free = capacity[i] - demand[i];
    if (free < -EPSILON) out.over[w] = 1;
    if (free < out.free[w]) out.free[w] = free;
  }
  for (let w = 0; w < n; w++) out.free[w] = Math.max(0, out.free[w]);
  return out;
}

/** [RS11] Demand over capacity; Infinity for demand without capacity, 0 for neither. */
export function utilisation(demand: number, capacity: number): number {
  if (capacity <= EPSILON) return demand > EPSILON ? Infinity : 0;
  return demand / capacity;
}

function empty(n: number): WeekFigures {
  return { capacity: new Float64Array(n), demand: new Float64Array(n), free: new Float64Array(n), over: new Uint8Array(n) };
}
