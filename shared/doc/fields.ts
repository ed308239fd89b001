/**
 * Validated readers for values read from a document. Any peer can write any JSON value into any
 * field, so a reader never trusts a type: it checks and falls back to a default. Nothing here throws.
 */

/** Strings are cut at this length so a hostile peer cannot blow up a view. */
export const MAX_STRING = 20_000;

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value.slice(0, MAX_STRING) : fallback;
}

export function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value.slice(0, MAX_STRING) : null;
}

export function num(value: unknown, fallback: number, min = -Infinity, max = Infinity): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

export function numOrNull(value: unknown, min = -Infinity, max = Infinity): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : null;
}

export function int(value: unknown, fallback: number, min: number, max: number): number {
  return Math.round(num(value, fallback, min, max));
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function strArray(value: unknown, maxItems = 200): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string').slice(0, maxItems).map((v) => v.slice(0, 200));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** 'YYYY-MM-DD' that is a real calendar date, else null. */
export function isoDate(value: unknown): string | null {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return null;
  const d = new Date(value + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value) ? value : null;
}

export function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A Record<string, number> from a plain object or a Y.Map's toJSON(). */
export function numberRecord(value: unknown, min = 0, max = 1e6): Record<string, number> {
  const out: Record<string, number> = {};
  const rec = record(value);
  if (!rec) return out;
  // Sorted keys: replicas receive nested map entries in different orders, and converged snapshots
  // must serialise identically.
  for (const [k, v] of Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const n = numOrNull(v, min, max);
    if (n !== null) out[k] = n;
  }
  return out;
}

/** Reads a list of records, keeping only the entries `read` accepts. */
export function list<T>(value: unknown, read: (entry: Record<string, unknown>) => T | null, maxItems = 10_000): T[] {
  if (!Array.isArray(value)) return [];
  const out: T[] = [];
  for (const entry of value.slice(-maxItems)) {
    const rec = record(entry);
    const item = rec && read(rec);
    if (item) out.push(item);
  }
  return out;
}
