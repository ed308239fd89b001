/**
 * Returning memory after rooms unload. An idle Node process does not run a full collection on its
 * own, so a server whose rooms all emptied keeps their garbage (and its RSS) indefinitely. After
 * rooms are evicted, one full collection is scheduled, debounced and rate-limited, so a burst of
 * evictions costs one pause, and only while nobody is connected to that memory anyway.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null = null;

function collector(): (() => void) | null {
  if (collect) return collect;
  if (typeof globalThis.gc === 'function') return (collect = globalThis.gc);
  try {
    // Exposes gc() to a fresh context without requiring --expose-gc on the command line.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * `idle`: whether the server is idle now. A forced full collection stops the event loop for tens
 * of milliseconds (~60 ms with a big plan's garbage), so it runs only when no room is in use;
 * while others are, V8's own incremental collector returns the memory in its time.
 */
export function createIdleCollector(idle: () => boolean = () => true, delayMs = 2_000, minIntervalMs = 10_000) {
  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  return {
    /** Call after rooms unloaded. */
    schedule(): void {
      if (timer) clearTimeout(timer);
      const wait = Math.max(delayMs, last + minIntervalMs - Date.now());
      timer = setTimeout(() => {
        timer = null;
        if (!idle()) return;
        last = Date.now();
        collector()?.();
      }, wait);
      timer.unref();
    },
    cancel(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    }
  };
}
