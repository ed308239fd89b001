/**
 * `GET /healthz` for a load balancer: the store and the bus are reported separately, because they
 * mean different things to it.
 *
 * - The store is probed on every request (one indexed lookup, under a short deadline). A server
 *   whose store does not answer cannot open plans or make edits durable, so it answers 503 and a
 *   balancer drains it; its open sockets stay (their edits are held, see sync/commit.ts).
 * - The bus is reported but does not fail the check: a server cut off from Redis still serves its
 *   own clients durably, and Redis being down for everyone must not drain every server at once.
 */
import type { FanoutBus } from '../fanout/bus.ts';
import type { Metrics } from '../observability/metrics.ts';
import { withDeadline } from '../persistence/guard.ts';
import type { DocStore } from '../persistence/store.ts';

export type Health = {
  ok: boolean;
  store: { ok: boolean; name: string; ms: number; error?: string };
  bus: { name: string; up: boolean } | null;
  rooms: number;
  sockets: number;
};

/** The probe's own deadline: a balancer's check interval is a few seconds. */
const PROBE_MS = 2_000;

export function healthCheck(deps: { store: DocStore; bus?: FanoutBus; metrics: Metrics; stats: () => { rooms: number; sockets: number }; timeoutMs: number }) {
  const probeMs = Math.min(PROBE_MS, deps.timeoutMs > 0 ? deps.timeoutMs : PROBE_MS);
  return async (): Promise<Health> => {
    const started = performance.now();
    let error: string | undefined;
    try {
      // Not a valid room name (rooms never contain ':'), so no room is ever found: the lookup alone.
      await withDeadline(deps.store.getRoom(':healthz'), probeMs, `${deps.store.name} health probe`);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const store = { ok: error === undefined, name: deps.store.name, ms: Math.round(performance.now() - started), ...(error ? { error } : {}) };
    deps.metrics.storeUp.set(store.ok ? 1 : 0);
    return { ok: store.ok, store, bus: deps.bus ? { name: deps.bus.name, up: deps.bus.up } : null, ...deps.stats() };
  };
}
