/**
 * The report's derived parts: Plenary/reference ratios, the targets with pass/fail, and a JSON
 * layout that keeps small objects on one line so the report stays readable.
 */
import { ratio } from './stats.ts';

type Section = Record<string, any>;

export function compare(p: Section | null, r: Section | null, fanoutLevels: number[]) {
  if (!p || !r) return null;
  const fanoutP99 = (s: Section, n: number) => s.fanout.find((f: Section) => f.clients === n)?.fanoutMs.p99 ?? null;
  const out: Record<string, number | null> = {};
  for (const n of fanoutLevels) out[`fanoutP99_${n}Clients`] = ratio(fanoutP99(p, n), fanoutP99(r, n));
  out.fanoutP50_200Clients = ratio(p.fanout.at(-1)?.fanoutMs.p50, r.fanout.at(-1)?.fanoutMs.p50);
  out.throughputKnee = ratio(p.sweep.kneeRate, r.sweep.kneeRate);
  out.multiRoomConnectTotal = ratio(p.multiRoom.connect.totalMs, r.multiRoom.connect.totalMs);
  out.multiRoomConnectPerClientP99 = ratio(p.multiRoom.connect.perClientMs.p99, r.multiRoom.connect.perClientMs.p99);
  out.multiRoomModestFanoutP99 = ratio(p.multiRoom.modestTraffic.fanoutMs.p99, r.multiRoom.modestTraffic.fanoutMs.p99);
  out.multiRoomBusyFanoutP99 = ratio(p.multiRoom.busyTraffic.fanoutMs.p99, r.multiRoom.busyTraffic.fanoutMs.p99);
  out.initialSyncMedian = ratio(p.initialSync.syncedMs.p50, r.initialSync.syncedMs.p50);
  out.initialSyncP95 = ratio(p.initialSync.syncedMs.p95, r.initialSync.syncedMs.p95);
  out.initialSyncStep2ReceivedMedian = ratio(p.initialSync.step2ReceivedMs.p50, r.initialSync.step2ReceivedMs.p50);
  return out;
}

export function targets(p: Section | null, r: Section | null, config: { ackRate: number; rssAfterSeconds: number }) {
  const list: { target: string; plenary: unknown; reference: unknown; pass: boolean | null }[] = [];
  const p200 = p?.fanout.at(-1)?.fanoutMs.p99 ?? null;
  const r200 = r?.fanout.at(-1)?.fanoutMs.p99 ?? null;
  list.push({ target: 'fan-out p99 at 200 clients <= reference', plenary: p200, reference: r200, pass: p200 !== null && r200 !== null ? p200 <= r200 : null });
  const pk = p?.sweep.kneeRate ?? null;
  const rk = r?.sweep.kneeRate ?? null;
  list.push({
    target: 'throughput knee (fan-out p99 <= 100 ms) >= 2x reference',
    plenary: p ? { kneeRate: pk, lowerBound: p.sweep.kneeIsLowerBound } : null,
    reference: r ? { kneeRate: rk, lowerBound: r.sweep.kneeIsLowerBound } : null,
    pass: p && r ? (pk ?? 0) >= 2 * (rk ?? 0) && (pk ?? 0) > 0 : null
  });
  const ps = p?.initialSync.syncedMs.p50 ?? null;
  const rs = r?.initialSync.syncedMs.p50 ?? null;
  list.push({ target: '5,000-card initial sync median <= 0.5x reference', plenary: ps, reference: rs, pass: ps !== null && rs !== null ? ps <= rs / 2 : null });
  const busy = p?.multiRoom.busyTraffic;
  const ack = busy?.acksMs?.p99 ?? null;
  list.push({ target: `ack p99 <= 10 ms at ${config.ackRate} updates/s`, plenary: ack, reference: null, pass: ack !== null ? ack <= 10 && busy.unacked === 0 : null });
  list.push({
    target: `RSS near idle (<= 1.25x) within ${config.rssAfterSeconds} s of rooms emptying`,
    plenary: p ? { idleMiB: p.rss.idleMiB, loadedMiB: p.rss.loaded50RoomsMiB, afterMiB: p.rss.afterLeaveMiB, nearIdleFromSecond: p.rss.nearIdleFromSecond, roomsLoadedAtEnd: p.rss.roomsLoadedAtEnd } : null,
    reference: null,
    pass: p ? p.rss.nearIdleFromSecond !== null && p.rss.roomsLoadedAtEnd === 0 : null
  });
  return list;
}


/** JSON with two-space indentation, except that an object or array fitting on its line stays on one line. */
export function compactJson(value: unknown, width = 120, indent = '', prefixLength = 0): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return 'null';
  if (value === null || typeof value !== 'object' || indent.length + prefixLength + flat.length <= width) return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + compactJson(v, width, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, width, inner, JSON.stringify(k).length + 2)}`).join(',\n')}\n${indent}}`;
}
