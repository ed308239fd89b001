/**
 * Resource plan benchmark (issue 15): 200 people, 30 pools, 5,000 bookings over 18 months.
 *   - full: build the model and compute every row (a cold open);
 *   - oneBooking: move one booking to another person and week, then recompute (RS13);
 *   - onePerson: change one person's allocation, then recompute;
 *   - milestoneShift: move a milestone a week (every booking following it moves, RS6), recompute;
 *   - threats: over-allocations and threatened milestones over every resource (RS14);
 *   - readDoc: decode all bookings from a Y.Doc through the accessors (what a cold client pays).
 * Budget: recompute after one edit < 5 ms. Medians (and max) in ms over RUNS runs after a warm-up.
 *
 *   npm run bench:resources      # prints the JSON object
 */
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { listBookings } from '../../shared/doc/resources.ts';
import { dayOf, isoOf } from '../../shared/resources/calendar.ts';
import { ResourceModel } from '../../shared/resources/model.ts';
import { threats } from '../../shared/resources/threats.ts';
import { BIG, bigResourcePlan, writeResourcePlan } from './resource-plan.ts';
import { round, summarize } from './stats.ts';

const RUNS = 31;
const plan = bigResourcePlan();
const ids = [...plan.people.map((p) => p.id), ...plan.pools.map((p) => p.id)];

function fresh(): ResourceModel {
  return new ResourceModel({ start: BIG.start, weeks: BIG.weeks, workingDays: [1, 2, 3, 4, 5] }).apply({
    people: plan.people, pools: plan.pools, bookings: plan.bookings, milestones: plan.milestones
  });
}

/** p50 and max in ms of RUNS runs after one warm-up (summaries from stats.ts). */
function time(fn: () => void): { median: number | null; max: number | null } {
  fn();
  const samples = Array.from({ length: RUNS }, () => {
    const s = performance.now();
    fn();
    return performance.now() - s;
  });
  const { p50, max } = summarize(samples);
  return { median: round(p50, 3), max: round(max, 3) };
}

const model = fresh();
for (const id of ids) model.row(id);
let k = 0;
const full = time(() => {
  const m = fresh();
  for (const id of ids) m.row(id);
});
const oneBooking = time(() => {
  const b = plan.bookings[(k += 7) % plan.bookings.length];
  const shift = (k % 5) + 1;
  model.apply({ bookings: [{ ...b, resource: b.resourceKind === 'pool' ? b.resource : plan.people[k % plan.people.length].id, start: isoOf(dayOf(b.start) + shift), end: isoOf(dayOf(b.end) + shift) }] });
  model.flush();
});
const onePerson = time(() => {
  const p = plan.people[(k += 3) % plan.people.length];
  model.apply({ people: [{ ...p, allocation: (k % 2) * 50 + 50 }] });
  model.flush();
});
const milestoneShift = time(() => {
  const m = plan.milestones[(k += 1) % plan.milestones.length];
  model.apply({ milestones: [{ id: m.id, start: isoOf(dayOf(m.start) + (k % 3) * 7) }] });
  model.flush();
});
const followers = plan.bookings.filter((b) => b.follows === plan.milestones[0].id).length;
const threatScan = time(() => void threats(model, ids, plan.milestones));
const doc = new Y.Doc();
writeResourcePlan(doc, createEditor('bench', 'seed'), plan);
const readDoc = time(() => void listBookings(doc));

console.log(
  JSON.stringify(
    {
      bench: 'resources',
      scale: { people: BIG.people, pools: BIG.pools, bookings: BIG.bookings, weeks: BIG.weeks, bookingsPerMilestone: followers },
      ms: { full, oneBooking, onePerson, milestoneShift, threats: threatScan, readDoc },
      budget: { recomputeAfterOneEditMs: 5, met: Math.max(oneBooking.median ?? Infinity, onePerson.median ?? Infinity, milestoneShift.median ?? Infinity) < 5 },
      note: 'measured on a shared 2-core machine under load from other jobs'
    },
    null,
    2
  )
);
doc.destroy();
