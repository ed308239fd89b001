/**
 * A large resource plan for the benchmarks (seeded): 200 people, 30 pools and 5,000 bookings over
 * 18 months (78 weeks from 2026-11-30), a third of them following one of 60 milestones. Plain
 * records, and a writer that puts them into a plan document through the accessors.
 */
import type * as Y from 'yjs';
import { addMember } from '../../shared/doc/members.ts';
import type { Editor } from '../../shared/doc/origin.ts';
import { addBooking, addCapacityChange, addPool, setPerson } from '../../shared/doc/resources.ts';
import { milestones as milestoneRoot } from '../../shared/doc/timeline.ts';
import { createPrng } from '../../shared/prng.ts';
import { POOL_KINDS, type Booking, type Milestone, type Pool, type ResourcePerson } from '../../shared/schema.ts';
import { dayOf, isoOf } from '../../shared/resources/calendar.ts';

export const BIG = { people: 200, pools: 30, bookings: 5_000, weeks: 78, start: '2026-11-30' };

export type BigResourcePlan = { people: ResourcePerson[]; pools: Pool[]; bookings: Booking[]; milestones: Pick<Milestone, 'id' | 'name' | 'start' | 'end'>[] };

export function bigResourcePlan(seed = 7): BigResourcePlan {
  const rnd = createPrng(seed);
  const origin = dayOf(BIG.start);
  const days = BIG.weeks * 7;
  const int = (n: number) => Math.floor(rnd() * n);
  const people: ResourcePerson[] = Array.from({ length: BIG.people }, (_, i) => ({
    id: `m-${String(i).padStart(3, '0')}`, skills: ['CUDA', 'k8s', 'networking', 'storage'].filter(() => rnd() < 0.4), team: `Team ${i % 8}`,
    allocation: rnd() < 0.2 ? 50 : 100, hoursPerDay: 8, weeks: {}, workingDays: null,
    leave: rnd() < 0.5 ? [{ id: 'l', start: isoOf(origin + int(days)), end: isoOf(origin + int(days) + 4), note: '' }].map((l) => (l.end < l.start ? { ...l, end: l.start } : l)) : []
  }));
  const pools: Pool[] = Array.from({ length: BIG.pools }, (_, i) => ({
    id: `pool-${String(i).padStart(2, '0')}`, name: `Pool ${i}`, kind: POOL_KINDS[i % POOL_KINDS.length], unit: 'units', capacity: 32 + int(96), rank: 'i',
    changes: [
      { id: 'd1', kind: 'delivery', date: isoOf(origin + int(days)), end: null, units: 32, note: '' },
      { id: 'm1', kind: 'maintenance', date: isoOf(origin + int(days)), end: null, units: 16, note: '' }
    ].map((c) => (c.kind === 'maintenance' ? { ...c, end: isoOf(dayOf(c.date) + 2) } : c)) as Pool['changes']
  }));
  const milestones = Array.from({ length: 60 }, (_, i) => {
    const d = isoOf(origin + Math.floor((i * days) / 60));
    return { id: `ms-${String(i).padStart(2, '0')}`, name: `Milestone ${i}`, start: d, end: d };
  });
  const bookings: Booking[] = Array.from({ length: BIG.bookings }, (_, i) => {
    const onPool = i % 5 === 0;
    const start = origin + int(days - 7);
    const end = Math.min(origin + days - 1, start + 3 + int(40));
    const ms = i % 3 === 0 ? milestones[int(milestones.length)] : null;
    return {
      id: `bk-${String(i).padStart(4, '0')}`, resource: onPool ? pools[int(pools.length)].id : people[int(people.length)].id,
      resourceKind: onPool ? 'pool' : 'person', source: ms ? 'milestone' : 'workstream', sourceId: ms?.id ?? null, title: `Booking ${i}`,
      start: isoOf(start), end: isoOf(end), amount: onPool ? 1 + int(16) : 10 + int(40), unit: onPool ? 'units' : 'percent',
      follows: ms?.id ?? null, anchor: ms?.start ?? null
    };
  });
  return { people, pools, bookings, milestones };
}

/** Writes the plan into a document (members, milestones, people, pools, bookings) in one transaction. */
export function writeResourcePlan(doc: Y.Doc, editor: Editor, plan: BigResourcePlan): void {
  doc.transact(() => {
    for (const p of plan.people) {
      addMember(doc, editor, { name: `Person ${p.id.slice(2)}`, title: p.team, timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 10 }, p.id);
      setPerson(doc, editor, p.id, { skills: p.skills, team: p.team, allocation: p.allocation, hoursPerDay: p.hoursPerDay });
    }
    for (const m of plan.milestones) milestoneRoot.add(doc, editor, { name: m.name, kind: 'milestone', workstream: null, start: m.start, end: m.end, baselineStart: null, baselineEnd: null, stage: 'build', owner: null }, { id: m.id });
    for (const p of plan.pools) {
      addPool(doc, editor, { name: p.name, kind: p.kind, unit: p.unit, capacity: p.capacity, rank: p.rank }, p.id);
      for (const c of p.changes) addCapacityChange(doc, editor, p.id, c, c.id);
    }
    for (const b of plan.bookings) {
      const { id, ...fields } = b;
      addBooking(doc, editor, fields, id);
    }
  }, editor.origin);
}
