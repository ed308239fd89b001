/**
 * The resource plan's accessors (shared/doc/resources.ts): people, pools with dated changes and
 * bookings read back as written; garbage a peer writes is dropped, never read as a booking; the
 * server's write policy names the new roots and lets editors write them; and concurrent booking
 * edits from several replicas, delivered late and out of order, converge (seeded, as in
 * convergence-fuzz.test.ts; RESOURCES_FUZZ_SEED=<n> reproduces one).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import {
  addBooking,
  addCapacityChange,
  addLeave,
  addPool,
  bookings,
  cleanBooking,
  listBookings,
  moveBooking,
  pools,
  resourcePeople,
  setPerson,
  setWeekAllocation
} from '../../shared/doc/resources.ts';
import { createPrng } from '../../shared/prng.ts';
import { ResourceModel } from '../../shared/resources/model.ts';
import type { BookingFields } from '../../shared/doc/resources.ts';
import { forbiddenRoots, rootsTouched } from '../../server/sync/write-policy.ts';
import { scanUpdate } from '../../server/sync/update-scan.ts';

const ana = createEditor('u-ana');
const base: BookingFields = {
  resource: 'm-ana', resourceKind: 'person', source: 'milestone', sourceId: 'ms-1', title: 'Benchmark',
  start: '2026-12-01', end: '2026-12-05', amount: 50, unit: 'percent', follows: 'ms-1', anchor: '2026-12-01'
};

function plan(): Y.Doc {
  const doc = new Y.Doc();
  createPlan(doc, createEditor('server', 'server'), { name: 'Resources' });
  return doc;
}

describe('resource accessors', () => {
  it('people, leave, week allocations, pools, changes and bookings read back', () => {
    const doc = plan();
    setPerson(doc, ana, 'm-ana', { skills: ['CUDA', 'CUDA', ' k8s '], team: 'Platform', allocation: 80 });
    expect(setWeekAllocation(doc, ana, 'm-ana', '2026-12-07', 40)).toBe(true);
    expect(addLeave(doc, ana, 'm-ana', { start: '2026-12-24', end: '2026-12-26', note: 'Holiday' })).toBeTruthy();
    const p = resourcePeople.get(doc, 'm-ana')!;
    expect(p).toMatchObject({ skills: ['CUDA', 'k8s'], team: 'Platform', allocation: 80, weeks: { '2026-12-07': 40 } });
    expect(p.leave.map((l) => l.start)).toEqual(['2026-12-24']);
    const gpu = addPool(doc, ana, { name: 'GPU nodes', kind: 'gpu-node', unit: 'nodes', capacity: 32, rank: 'i' });
    expect(addCapacityChange(doc, ana, gpu, { kind: 'maintenance', date: '2026-12-10', end: '2026-12-11', units: 8, note: '' })).toBeTruthy();
    expect(pools.get(doc, gpu)!.changes[0]).toMatchObject({ kind: 'maintenance', end: '2026-12-11', units: 8 });
    const b = addBooking(doc, ana, base)!;
    expect(bookings.get(doc, b)).toMatchObject({ ...base, id: b });
    expect(moveBooking(doc, ana, b, { start: '2026-12-08', end: '2026-12-12', resource: 'm-bo', anchor: '2026-12-01' })).toBe(true);
    expect(bookings.get(doc, b)).toMatchObject({ start: '2026-12-08', end: '2026-12-12', resource: 'm-bo' });
  });

  it('refuses garbage: writers clean it, readers drop what is not a booking', () => {
    const doc = plan();
    expect(cleanBooking({ ...base, end: '2026-11-01' })).toBeNull();
    expect(cleanBooking({ ...base, start: '2026-02-30' })).toBeNull();
    expect(cleanBooking({ ...base, amount: -5 })).toMatchObject({ amount: 0 });
    expect(cleanBooking({ ...base, resourceKind: 'robot' as never })).toBeNull();
    expect(addBooking(doc, ana, { ...base, amount: Number.NaN })).toBeNull();
    expect(setWeekAllocation(doc, ana, 'nobody', '2026-12-07', 40)).toBe(false);
    // A peer writing raw garbage into the roots.
    doc.transact(() => {
      doc.getMap('bookings').set('junk', 42);
      const m = new Y.Map<unknown>();
      doc.getMap('bookings').set('bad', m);
      m.set('resource', { no: 1 });
      m.set('start', 'tomorrow');
      const person = new Y.Map<unknown>();
      doc.getMap('resourcePeople').set('m-x', person);
      person.set('allocation', 'lots');
      person.set('weeks', 'nope');
      person.set('workingDays', [1, 9, 'x', 2]);
    });
    expect(listBookings(doc)).toEqual([]);
    expect(resourcePeople.get(doc, 'm-x')).toMatchObject({ allocation: 100, weeks: {}, leave: [], workingDays: [1, 2] });
  });

  it('the write policy names the new roots and lets editors write them', () => {
    const server = plan();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const sv = Y.encodeStateVector(server);
    addPool(client, ana, { name: 'Storage', kind: 'storage-tb', unit: 'TB', capacity: 500, rank: 'i' });
    addBooking(client, ana, base);
    setPerson(client, ana, 'm-ana', { team: 'ML' });
    const touched = rootsTouched(server, scanUpdate(Y.encodeStateAsUpdate(client, sv)));
    expect(touched).toEqual(new Set(['pools', 'bookings', 'resourcePeople']));
    for (const root of touched) expect(forbiddenRoots('plan', 'editor')?.has(root) ?? false).toBe(false);
  });
});

describe('concurrent booking edits converge', () => {
  const seeds = process.env.RESOURCES_FUZZ_SEED ? [Number(process.env.RESOURCES_FUZZ_SEED)] : [1, 2, 3, 4, 5];
  for (const seed of seeds) {
    it(`seed ${seed}: three replicas, late and reordered delivery`, () => {
      const rnd = createPrng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
      const origin = plan();
      const replicas = [0, 1, 2].map(() => {
        const d = new Y.Doc();
        Y.applyUpdate(d, Y.encodeStateAsUpdate(origin));
        return d;
      });
      const editors = replicas.map((_, i) => createEditor(`u-${i}`));
      const inbox: { to: number; update: Uint8Array }[] = [];
      replicas.forEach((d, i) =>
        d.on('update', (u: Uint8Array, o: unknown) => {
          if (o !== 'remote') for (let j = 0; j < replicas.length; j++) if (j !== i) inbox.push({ to: j, update: u });
        })
      );
      const days = ['2026-12-01', '2026-12-07', '2026-12-14', '2026-12-21'];
      for (let step = 0; step < 120; step++) {
        const i = Math.floor(rnd() * 3);
        const doc = replicas[i];
        const existing = listBookings(doc);
        const r = rnd();
        if (r < 0.35 || existing.length === 0) {
          addBooking(doc, editors[i], { ...base, resource: pick(['m-ana', 'm-bo', 'gpu']), start: pick(days), end: '2026-12-31', amount: Math.round(rnd() * 100) });
        } else if (r < 0.7) {
          const start = pick(days);
          moveBooking(doc, editors[i], pick(existing).id, { start, end: '2026-12-31', resource: pick(['m-ana', 'm-bo']) });
        } else if (r < 0.85) {
          bookings.update(doc, editors[i], pick(existing).id, { amount: Math.round(rnd() * 150) });
        } else bookings.remove(doc, editors[i], pick(existing).id);
        // Deliver some of the queue, out of order.
        while (inbox.length && rnd() < 0.4) {
          const [m] = inbox.splice(Math.floor(rnd() * inbox.length), 1);
          Y.applyUpdate(replicas[m.to], m.update, 'remote');
        }
      }
      while (inbox.length) {
        const [m] = inbox.splice(Math.floor(rnd() * inbox.length), 1);
        Y.applyUpdate(replicas[m.to], m.update, 'remote');
      }
      const views = replicas.map((d) => listBookings(d));
      expect(views[1]).toEqual(views[0]);
      expect(views[2]).toEqual(views[0]);
      const rows = replicas.map((d) => {
        const m = new ResourceModel({ start: '2026-11-30', weeks: 6, workingDays: [1, 2, 3, 4, 5] });
        m.apply({ people: ['m-ana', 'm-bo'].map((id) => ({ id, skills: [], team: '', allocation: 100, hoursPerDay: 8, weeks: {}, leave: [], workingDays: null })), bookings: listBookings(d) });
        return ['m-ana', 'm-bo'].map((id) => [...m.row(id)!.demand]);
      });
      expect(rows[1]).toEqual(rows[0]);
      expect(rows[2]).toEqual(rows[0]);
      replicas.forEach((d) => d.destroy());
    });
  }
});

describe('demo plan resources', () => {
  it('has pools with dated changes and an over-allocation that threatens a milestone', async () => {
    const { buildDemoPlan } = await import('../../server/seed/demo-plan.ts');
    const { milestones } = await import('../../shared/doc/timeline.ts');
    const { threats } = await import('../../shared/resources/threats.ts');
    const doc = buildDemoPlan(Date.UTC(2026, 11, 3, 12));
    const m = new ResourceModel({ start: '2026-11-30', weeks: 20, workingDays: [1, 2, 3, 4, 5] });
    m.apply({ people: resourcePeople.list(doc), pools: pools.list(doc), bookings: listBookings(doc), milestones: milestones.list(doc) });
    expect(pools.get(doc, 'pool-gpu')!.changes.map((c) => c.kind)).toEqual(['delivery', 'delivery', 'maintenance']);
    const found = threats(m, [...m.peopleIds(), ...m.poolIds()], milestones.list(doc));
    expect(found.map((t) => t.key)).toContain('m-tom:ms-cluster-accept');
    doc.destroy();
  });
});

describe('removing nested entries', () => {
  it('removes leave and capacity changes, and says false for what is gone', async () => {
    const { removeCapacityChange, removeLeave } = await import('../../shared/doc/resources.ts');
    const doc = plan();
    setPerson(doc, ana, 'm-ana', {});
    const leave = addLeave(doc, ana, 'm-ana', { start: '2026-12-24', end: '2026-12-24', note: '' })!;
    const pool = addPool(doc, ana, { name: 'GPU', kind: 'gpu-node', unit: 'nodes', capacity: 8, rank: 'i' });
    const change = addCapacityChange(doc, ana, pool, { kind: 'delivery', date: '2026-12-01', end: null, units: 8, note: '' })!;
    expect(removeLeave(doc, ana, 'm-ana', leave)).toBe(true);
    expect(removeLeave(doc, ana, 'm-ana', leave)).toBe(false);
    expect(removeCapacityChange(doc, ana, pool, change)).toBe(true);
    expect(removeCapacityChange(doc, ana, 'nope', change)).toBe(false);
    expect(resourcePeople.get(doc, 'm-ana')!.leave).toEqual([]);
    expect(pools.get(doc, pool)!.changes).toEqual([]);
  });
});
