/**
 * GET /api/plans/:room/metrics: every delivery metric of a plan (shared/metrics, rules in
 * shared/METRICS.md) as JSON, computed from the snapshot of the stored state. A resident room is
 * read from its live document; any other is rebuilt from the store into a temporary document that
 * is destroyed afterwards, so asking for metrics never makes a room resident.
 */
import * as Y from 'yjs';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { computeMetrics, type PlanMetrics, type Unit } from '../../shared/metrics/index.ts';
import { members } from '../../shared/doc/members.ts';
import { listBookings, pools, resourcePeople } from '../../shared/doc/resources.ts';
import { resourceReport, type ResourceReport } from '../../shared/resources/report.ts';
import type { DocStore } from '../persistence/store.ts';

export type MetricsSource = {
  store: DocStore;
  /** The live document of a resident room, if the room is loaded. */
  resident?: (room: string) => Y.Doc | undefined;
  now?: () => number;
};

/** `resources` (issue 15): utilisation per resource and week from the current week (RESOURCES.md). */
export type MetricsResponse = PlanMetrics & { room: string; asOf: string; unit: Unit; resources: ResourceReport };

/** The plan's metrics at `now`; null when there is no plan called `room`. */
export async function planMetrics(src: MetricsSource, room: string, options: { unit?: Unit; by?: string[] } = {}): Promise<MetricsResponse | null> {
  const info = await src.store.getRoom(room);
  if (!info || info.kind !== 'plan') return null;
  const now = (src.now ?? Date.now)();
  const unit = options.unit ?? 'points';
  const compute = (doc: Y.Doc): MetricsResponse => {
    const snap = snapshot(doc);
    return {
      room,
      asOf: new Date(now).toISOString(),
      unit,
      ...computeMetrics(snap, now, { unit, forecast: { by: options.by } }),
      resources: resourceReport(
        {
          people: resourcePeople.list(doc), pools: pools.list(doc), bookings: listBookings(doc), milestones: [...snap.milestones],
          members: members.list(doc), timeZone: snap.meta.timeZone, workingDays: [...snap.meta.workingDays]
        },
        now
      )
    };
  };
  const live = src.resident?.(room);
  if (live) return compute(live);
  const loaded = await src.store.load(room);
  const doc = new Y.Doc({ gc: true });
  try {
    if (loaded.checkpoint) Y.applyUpdate(doc, loaded.checkpoint.data);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
    return compute(doc);
  } finally {
    doc.destroy();
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** Query parameters: `unit=cards|points`, `by=YYYY-MM-DD` (repeatable or comma-separated, at most 10). */
export function readMetricsQuery(unit: string | undefined, by: string[] | undefined): { unit?: Unit; by?: string[] } | string {
  if (unit !== undefined && unit !== 'points' && unit !== 'cards') return 'unit must be points or cards';
  const dates = (by ?? []).flatMap((b) => b.split(',')).filter((b) => b !== '');
  if (dates.length > 10) return 'at most 10 dates in by';
  if (dates.some((d) => !ISO.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))) return 'by must be YYYY-MM-DD dates';
  return { unit: unit as Unit | undefined, by: dates };
}
