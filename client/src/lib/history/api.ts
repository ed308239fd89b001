/**
 * The history routes (server/http/history-api.ts) as typed functions. Answers are checked before
 * use, as in lib/api: a wrong shape fails here, not deep in the scrubber.
 */
import { ApiError, requestJson } from '../api/http.ts';

export type ActivityBucket = { start: number; count: number; authors: { id: string; name: string | null; count: number }[] };
export type VersionKind = 'named' | 'sprintStart' | 'sprintClose';
export type PlanVersion = { id: number | null; kind: VersionKind; name: string; at: number; by: string | null; available: boolean };
export type PlanHistory = { createdAt: number; earliest: number; now: number; bucketMs: number; buckets: ActivityBucket[]; versions: PlanVersion[] };

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const malformed = (): never => {
  throw new ApiError(502, 'bad-response', 'The server sent an unexpected history answer.');
};

export function readHistory(d: unknown): PlanHistory {
  const h = d as Record<string, unknown> | null;
  if (!h || !num(h.createdAt) || !num(h.earliest) || !num(h.now) || !num(h.bucketMs)) return malformed();
  if (!Array.isArray(h.buckets) || !Array.isArray(h.versions)) return malformed();
  const buckets = h.buckets.filter((b): b is ActivityBucket => num(b?.start) && num(b?.count) && Array.isArray(b?.authors));
  const versions = h.versions.filter(
    (v): v is PlanVersion => typeof v?.name === 'string' && num(v?.at) && typeof v?.kind === 'string' && typeof v?.available === 'boolean'
  );
  return { createdAt: h.createdAt, earliest: h.earliest, now: h.now, bucketMs: h.bucketMs, buckets, versions };
}

const path = (room: string, rest: string) => `/api/plans/${encodeURIComponent(room)}/${rest}`;

export async function fetchHistory(room: string, token: string): Promise<PlanHistory> {
  return readHistory(await requestJson('GET', path(room, 'history'), token));
}

/**
 * The plan's encoded Yjs state at `t` (the server clamps it to now); with `from` < t, only the
 * changes since `from`, to apply on a document showing `from`.
 */
export async function fetchStateAt(room: string, token: string, t: number, from?: number): Promise<Uint8Array> {
  let res: Response;
  const query = `at?t=${Math.round(t)}${from === undefined ? '' : `&from=${Math.round(from)}`}`;
  try {
    res = await fetch(path(room, query), { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'unreachable', 'The server cannot be reached.');
  }
  if (!res.ok) {
    const err = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new ApiError(res.status, err.error ?? 'failed', err.message ?? `The server answered ${res.status}.`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

export async function nameVersion(room: string, token: string, name: string, at: number): Promise<void> {
  await requestJson('POST', path(room, 'versions'), token, { name, at: Math.round(at) });
}
