/**
 * The two servers under test, each in its own child process (so its RSS and CPU can be read from
 * /proc, and it does not share an event loop with the load generator):
 *
 * - Plenary: `startPlenary` on a temp DATA_DIR with SQLite, LOG_LEVEL=warn, ROOM_IDLE_MS=5000 and
 *   the per-connection limits raised so the benchmark measures the server, not its rate limiter.
 *   Its rooms are registered (and the big plan stored) in that SQLite file BEFORE it starts.
 * - Reference: @y/websocket-server's setupWSConnection, in memory, no persistence.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { createPlanRoom, storeNewRoom } from '../../server/plans.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import type { LoopDelay } from './event-loop.ts';
import { BENCH_DIR, nextMessage, rssBytes, spawnTsChild, stopChild } from './proc.ts';

export type ServerKind = 'plenary' | 'reference';

export type BenchServer = {
  kind: ServerKind;
  port: number;
  pid: number;
  /** Plenary only: the HMAC secret tokens are signed with. */
  secret: string | null;
  child: ChildProcess;
  rss(): number | null;
  /** Event-loop delay since the last reset (bench diagnostic). */
  loopDelay: LoopDelayProbe;
  /** Plenary only (bench diagnostic): a full GC in the child, then its RSS and heap used. */
  forceGc(): Promise<{ collected: boolean; rss: number; heapUsed: number } | null>;
  stop(): Promise<number | null>;
};

/**
 * glibc malloc settings `npm start` runs the server with (package.json "serve"): large buffers
 * (frames, encoded states) are mapped and given back to the system when freed, instead of staying
 * in malloc's arenas after a peak; fewer arenas on a 2-core machine. The benchmarks run the server
 * as it runs in production.
 */
export const ALLOCATOR_ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/** Limits raised far above what the benchmark sends (defaults: 400 msg/s, 8 MiB/s per socket). */
export const RAISED_LIMITS: Record<string, string> = {
  MAX_MESSAGES_PER_SECOND: '1000000',
  MAX_MESSAGE_BURST: '1000000',
  MAX_BYTES_PER_SECOND: String(1024 ** 3),
  MAX_BYTE_BURST: String(1024 ** 3),
  SEND_HIGH_WATER_BYTES: String(512 * 1024 ** 2)
};

/** Registers the bench rooms (and stores the big plan) in DATA_DIR's SQLite file, then closes it. */
export async function preparePlenaryData(dataDir: string, rooms: string[], bigRoom: { room: string; doc: Y.Doc }): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const store = openSqliteStore(path.join(dataDir, 'plenary.db'));
  try {
    for (const room of rooms) await createPlanRoom(store, { name: room, room }, 'bench');
    await storeNewRoom(store, bigRoom.room, 'plan', bigRoom.doc, 'bench');
  } finally {
    await store.close();
  }
}

export type LoopDelayProbe = { reset(): Promise<void>; read(): Promise<LoopDelay | null> };

/** Resets and reads a child's event-loop delay histogram over IPC (see event-loop.ts). */
export function loopDelayProbe(child: ChildProcess): LoopDelayProbe {
  return {
    async reset() {
      const done = nextMessage(child, (m) => m?.type === 'eld-reset-done', 5_000, 'event-loop delay reset');
      child.send({ type: 'eld-reset' });
      await done.catch(() => undefined);
    },
    async read() {
      const done = nextMessage<{ value: LoopDelay }>(child, (m) => m?.type === 'eld', 5_000, 'event-loop delay read');
      child.send({ type: 'eld-read' });
      return (await done.catch(() => null))?.value ?? null;
    }
  };
}

async function started(kind: ServerKind, child: ChildProcess, secret: string | null): Promise<BenchServer> {
  const ready = await nextMessage<{ port: number; pid: number }>(child, (m) => m?.type === 'ready', 30_000, `${kind} server start`);
  return {
    kind,
    port: ready.port,
    pid: child.pid!,
    secret,
    child,
    rss: () => rssBytes(child.pid!),
    loopDelay: loopDelayProbe(child),
    async forceGc() {
      if (kind !== 'plenary') return null;
      const done = nextMessage<{ collected: boolean; rss: number; heapUsed: number }>(child, (m) => m?.type === 'gc-done', 10_000, 'forced GC');
      child.send({ type: 'gc' });
      return done;
    },
    stop: () => stopChild(child, 'SIGTERM', 15_000)
  };
}

export async function startPlenaryServer(options: { dataDir: string; secret: string; cpuProfDir?: string }): Promise<BenchServer> {
  const nodeArgs = ['--expose-gc', ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [])];
  const child = spawnTsChild(path.join(BENCH_DIR, 'plenary-child.ts'), {
    name: 'plenary',
    nodeArgs,
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: options.dataDir,
      PLENARY_SECRET: options.secret,
      LOG_LEVEL: 'warn',
      ROOM_IDLE_MS: '5000',
      SEED_DEMO: '0',
      ...ALLOCATOR_ENV,
      ...RAISED_LIMITS
    }
  });
  return started('plenary', child, options.secret);
}

export async function startReferenceServer(options: { cpuProfDir?: string } = {}): Promise<BenchServer> {
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child = spawnTsChild(path.join(BENCH_DIR, 'reference-child.ts'), { name: 'reference', nodeArgs, env: { HOST: '127.0.0.1' } });
  return started('reference', child, null);
}
