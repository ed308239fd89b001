/**
 * The demo plan's resource plan (issue 15): the GPU cluster programme's people as resources, its
 * infrastructure pools (GPU nodes arriving in batches, a storage expansion, a maintenance window,
 * rack power growing when utility feed 2 is energised) and bookings, including one over-allocation
 * that threatens a milestone: Tom, the HPC platform lead, is booked on the rack integration punch
 * list and the GPU acceptance benchmark in the same weeks, ahead of cluster acceptance.
 * Dates are days from the demo's anchor (the Monday of the current week).
 */
import type * as Y from 'yjs';
import type { Editor } from '../../shared/doc/origin.ts';
import { addBooking, addCapacityChange, addLeave, addPool, setPerson } from '../../shared/doc/resources.ts';
import type { BookingUnit, CapacityChangeKind, PoolKind } from '../../shared/schema.ts';
import type { MemberKey } from './demo-data.ts';

const PEOPLE: [MemberKey, string, string[], number][] = [
  ['eleanor', 'Programme office', ['programme management', 'steering'], 50],
  ['tom', 'HPC platform', ['Slurm', 'GPU burn-in', 'Kubernetes'], 100],
  ['marcus', 'Facilities', ['power', 'cooling', 'rack layout'], 100],
  ['wei', 'Network', ['InfiniBand', 'RoCE', 'Ethernet fabric'], 100],
  ['diego', 'Data platform', ['Kafka', 'Spark', 'feature store'], 100],
  ['priya', 'ML engineering', ['PyTorch', 'MLOps', 'model evaluation'], 100],
  ['arjun', 'ML engineering', ['anomaly detection', 'Python'], 80],
  ['anna', 'Security', ['SOC 2', 'access control'], 60]
];

const POOLS: { id: string; name: string; kind: PoolKind; unit: string; capacity: number; changes: [CapacityChangeKind, number, number | null, number, string][] }[] = [
  {
    id: 'pool-gpu', name: 'GPU nodes (8× H100)', kind: 'gpu-node', unit: 'nodes', capacity: 32,
    changes: [
      ['delivery', 7, null, 16, 'Batch 2 racked and burnt in'],
      ['delivery', 21, null, 16, 'Batch 3 racked and burnt in'],
      ['maintenance', 30, 31, 24, 'Firmware and BIOS roll-out']
    ]
  },
  { id: 'pool-cpu', name: 'CPU nodes', kind: 'cpu-node', unit: 'nodes', capacity: 48, changes: [['decommission', 42, null, 8, 'Old login nodes retired']] },
  { id: 'pool-storage', name: 'Parallel storage', kind: 'storage-tb', unit: 'TB', capacity: 400, changes: [['delivery', 35, null, 600, 'Storage expansion shelf']] },
  { id: 'pool-power', name: 'Rack power, Hall B', kind: 'rack-power-kw', unit: 'kW', capacity: 800, changes: [['delivery', 9, null, 400, 'Utility feed 2 energised']] },
  { id: 'pool-ports', name: 'InfiniBand ports', kind: 'network-port', unit: 'ports', capacity: 512, changes: [] }
];

/** [resource, title, source, source id, from day, to day, amount, unit, follows the milestone] */
const BOOKINGS: [string, string, 'milestone' | 'workstream', string, number, number, number, BookingUnit, boolean][] = [
  ['m-tom', 'Rack integration punch list', 'milestone', 'ms-racks-phase', 0, 11, 60, 'percent', true],
  ['m-tom', 'GPU acceptance benchmark', 'milestone', 'ms-cluster-accept', 7, 25, 70, 'percent', true],
  ['m-tom', 'Slurm partitions for tenants', 'milestone', 'ms-cluster-ga', 28, 39, 50, 'percent', true],
  ['m-wei', 'Fabric burn-in', 'milestone', 'ms-ib-fabric', 0, 18, 80, 'percent', true],
  ['m-wei', 'Acceptance network tests', 'milestone', 'ms-cluster-accept', 21, 25, 24, 'hours', true],
  ['m-marcus', 'Feed 2 energisation', 'milestone', 'ms-fac-power', 0, 9, 70, 'percent', true],
  ['m-marcus', 'Phase 2 cooling design', 'workstream', 'ws-facility', 14, 60, 40, 'percent', false],
  ['m-diego', 'Production hardening', 'milestone', 'ms-data-prod', 0, 32, 70, 'percent', true],
  ['m-priya', 'Shadow-mode evaluation', 'milestone', 'ms-shadow', 14, 53, 60, 'percent', true],
  ['m-arjun', 'Shadow-mode evaluation', 'milestone', 'ms-shadow', 14, 53, 70, 'percent', true],
  ['m-anna', 'Pen-test preparation', 'milestone', 'ms-pentest', 7, 22, 50, 'percent', true],
  ['m-eleanor', 'Steering and reporting', 'workstream', 'ws-cluster', 0, 90, 40, 'percent', false],
  ['pool-gpu', 'Burn-in of batch 2', 'milestone', 'ms-racks-phase', 7, 11, 16, 'units', true],
  ['pool-gpu', 'GPU acceptance benchmark', 'milestone', 'ms-cluster-accept', 21, 25, 64, 'units', true],
  ['pool-gpu', 'Shadow-mode training runs', 'milestone', 'ms-shadow', 28, 53, 8, 'units', true],
  ['pool-storage', 'Telemetry archive', 'workstream', 'ws-data', 0, 90, 320, 'units', false],
  ['pool-power', 'GPU racks at full load', 'milestone', 'ms-cluster-accept', 21, 25, 1100, 'units', true],
  ['pool-ports', 'Acceptance fabric', 'milestone', 'ms-cluster-accept', 21, 25, 512, 'units', true]
];

export function addDemoResources(doc: Y.Doc, editor: Editor, day: (offset: number) => string, milestoneStart: (id: string) => string | null): void {
  doc.transact(() => {
    for (const [key, team, skills, allocation] of PEOPLE) setPerson(doc, editor, `m-${key}`, { team, skills, allocation, hoursPerDay: 8 });
    addLeave(doc, editor, 'm-wei', { start: day(28), end: day(32), note: 'Annual leave' });
    addLeave(doc, editor, 'm-priya', { start: day(4), end: day(4), note: 'Public holiday' });
    POOLS.forEach((p, i) => {
      addPool(doc, editor, { name: p.name, kind: p.kind, unit: p.unit, capacity: p.capacity, rank: String.fromCharCode(98 + i) }, p.id);
      p.changes.forEach(([kind, from, to, units, note], k) =>
        addCapacityChange(doc, editor, p.id, { kind, date: day(from), end: to === null ? null : day(to), units, note }, `${p.id}-change-${k + 1}`)
      );
    });
    BOOKINGS.forEach(([resource, title, source, sourceId, from, to, amount, unit, follows], k) =>
      addBooking(
        doc,
        editor,
        {
          resource, resourceKind: resource.startsWith('pool-') ? 'pool' : 'person', source, sourceId, title, start: day(from), end: day(to), amount, unit,
          follows: follows ? sourceId : null, anchor: follows ? milestoneStart(sourceId) : null
        },
        `booking-${k + 1}`
      )
    );
  }, editor.origin);
}
