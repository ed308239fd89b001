/** Prometheus metrics (prom-client), one registry per server so tests can run several servers. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'plenary_process_' });
  const m = {
    registry,
    sockets: new Gauge({ name: 'plenary_sockets', help: 'Open WebSocket connections', registers: [registry] }),
    rooms: new Gauge({ name: 'plenary_rooms_loaded', help: 'Rooms resident in memory', registers: [registry] }),
    bytesIn: new Counter({ name: 'plenary_bytes_in_total', help: 'Bytes received on sync sockets', registers: [registry] }),
    bytesOut: new Counter({ name: 'plenary_bytes_out_total', help: 'Bytes sent on sync sockets', registers: [registry] }),
    updates: new Counter({ name: 'plenary_updates_committed_total', help: 'Document updates committed to the store', registers: [registry] }),
    storeSeconds: new Histogram({
      name: 'plenary_store_seconds',
      help: 'Store operation latency',
      labelNames: ['op'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry]
    }),
    authFailures: new Counter({ name: 'plenary_auth_failures_total', help: 'Refused tokens', labelNames: ['reason'] as const, registers: [registry] }),
    signIns: new Counter({
      name: 'plenary_oidc_sign_ins_total',
      help: 'Sign-ins through the identity provider, by result: joined, returned, or the named failure',
      labelNames: ['result'] as const,
      registers: [registry]
    }),
    closes: new Counter({ name: 'plenary_policy_closes_total', help: 'Connections closed by the server', labelNames: ['reason'] as const, registers: [registry] }),
    callbackErrors: new Counter({
      name: 'plenary_callback_errors_total',
      help: 'Errors caught at a callback boundary (timer, socket, bus, store); the room or connection concerned was closed, the process kept running',
      labelNames: ['kind'] as const,
      registers: [registry]
    }),
    busUp: new Gauge({ name: 'plenary_bus_up', help: 'Fan-out bus connected and subscribed (1) or away (0); absent with a single server', registers: [registry] }),
    busReconnects: new Counter({ name: 'plenary_bus_reconnects_total', help: 'Times the fan-out bus came back after an outage (each followed by a repair of every resident room)', registers: [registry] }),
    busRepairs: new Counter({ name: 'plenary_bus_repairs_total', help: 'Rooms re-read from the store because bus messages may have been missed (a sequence gap or a bus reconnect)', registers: [registry] }),
    storeHeldRooms: new Gauge({ name: 'plenary_store_held_rooms', help: 'Rooms whose edits are held because the store is failing or past its deadline (not acknowledged)', registers: [registry] }),
    storeUp: new Gauge({ name: 'plenary_store_up', help: 'The store answered the last health probe within its deadline (1) or not (0)', registers: [registry] }),
    droppedWrites: new Counter({ name: 'plenary_dropped_writes_total', help: 'Document writes dropped (viewer role)', registers: [registry] })
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Times an async store call into the histogram. */
export async function timed<T>(metrics: Metrics, op: string, fn: () => Promise<T>): Promise<T> {
  const end = metrics.storeSeconds.startTimer({ op });
  try {
    return await fn();
  } finally {
    end();
  }
}
