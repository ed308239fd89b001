/** Reads a few values from Plenary's Prometheus endpoint (/metrics): diagnostics for the report. */

export type PlenaryMetrics = {
  roomsLoaded: number | null;
  sockets: number | null;
  heapUsedBytes: number | null;
  appendCount: number | null;
  appendSeconds: number | null;
  /** Cumulative histogram of store appends (one per group commit): upper bound in seconds → count. */
  appendBuckets: Map<string, number>;
};

function value(text: string, name: string, labels = ''): number | null {
  const escaped = (name + labels).replace(/[{}"=.]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

export async function readPlenaryMetrics(port: number): Promise<PlenaryMetrics | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) });
    if (!res.ok) return null;
    const text = await res.text();
    return {
      roomsLoaded: value(text, 'plenary_rooms_loaded'),
      sockets: value(text, 'plenary_sockets'),
      heapUsedBytes: value(text, 'plenary_process_nodejs_heap_size_used_bytes'),
      appendCount: value(text, 'plenary_store_seconds_count', '{op="append"}'),
      appendSeconds: value(text, 'plenary_store_seconds_sum', '{op="append"}'),
      appendBuckets: new Map([...text.matchAll(/^plenary_store_seconds_bucket\{le="([^"]+)",op="append"\} ([0-9.eE+-]+)$/gm)].map((m) => [m[1], Number(m[2])]))
    };
  } catch {
    return null;
  }
}

/** Group commits between two reads: how many, their mean store time, and how many took > 10 / > 50 ms. */
export function appendsBetween(a: PlenaryMetrics | null, b: PlenaryMetrics | null) {
  if (!a || !b) return null;
  // Before the first commit the histogram has no series yet: that reads as zero.
  const n = (b.appendCount ?? 0) - (a.appendCount ?? 0);
  const upTo = (le: string) => (b.appendBuckets.get(le) ?? 0) - (a.appendBuckets.get(le) ?? 0);
  return {
    commits: n,
    meanMs: n > 0 ? Math.round((((b.appendSeconds ?? 0) - (a.appendSeconds ?? 0)) / n) * 1e6) / 1e3 : null,
    over10ms: n - upTo('0.01'),
    over50ms: n - upTo('0.05'),
    over100ms: n - upTo('0.1')
  };
}
