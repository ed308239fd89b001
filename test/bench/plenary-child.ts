/**
 * Entry of the Plenary server child process: the real server (`startPlenary`) configured from env
 * vars, exactly as server/main.ts does it, minus the demo seed. Reports its port over IPC, stops
 * cleanly on SIGTERM (so `--cpu-prof` can write its profile) and exits if the parent goes away.
 */
import { readConfig } from '../../server/config.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { startPlenary } from '../../server/server.ts';
import { serveEventLoopDelay } from './event-loop.ts';

const config = readConfig(process.env);
const server = await startPlenary(config, { log: createLogger(config.logLevel) });
serveEventLoopDelay();
process.send?.({ type: 'ready', port: server.port, pid: process.pid });

// Bench diagnostic (the child runs with --expose-gc): after the honest RSS reading, tell apart
// memory still referenced from garbage V8 simply has not collected yet.
process.on('message', (m: { type?: string }) => {
  if (m?.type !== 'gc') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  process.send?.({ type: 'gc-done', collected: typeof gc === 'function', rss, heapUsed, heapTotal, external, arrayBuffers });
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const hardStop = setTimeout(() => process.exit(2), 10_000);
  hardStop.unref();
  server.close().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    }
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
