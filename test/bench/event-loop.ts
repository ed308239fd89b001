/**
 * Event-loop delay of a bench child (perf_hooks histogram, 2 ms sampling), reset and read over
 * IPC per phase: tells whether latency tails come from the server's loop being blocked (GC, fsync,
 * long tasks) or from elsewhere. Used by the server children and the load client.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export type LoopDelay = { p50Ms: number; p99Ms: number; maxMs: number };

export function serveEventLoopDelay(): void {
  const h = monitorEventLoopDelay({ resolution: 2 });
  h.enable();
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'eld-reset') {
      h.reset();
      process.send?.({ type: 'eld-reset-done' });
    } else if (m?.type === 'eld-read') {
      process.send?.({ type: 'eld', value: readDelay(h) });
    }
  });
}

export function readDelay(h: ReturnType<typeof monitorEventLoopDelay>): LoopDelay {
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
}
