/**
 * Test servers: real Plenary servers on free loopback ports with a real SQLite file in a temp
 * data folder. `startServer` runs in-process (fast); `spawnServer` runs `server/main.ts` as a child
 * process, for tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { signToken } from '../../server/auth/token.ts';
import { loadSecret } from '../../server/auth/secret.ts';
import { readConfig } from '../../server/config.ts';
import { createPlanRoom } from '../../server/plans.ts';
import { startPlenary, type PlenaryServer } from '../../server/server.ts';
import { createLogger } from '../../server/observability/logger.ts';
import type { Role } from '../../shared/protocol.ts';
import type { RoomExtension } from '../../server/extensions/extension.ts';
import type { FanoutBus } from '../../server/fanout/bus.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'plenary-test-'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export type TestServer = {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  secret: string;
  server: PlenaryServer;
  token(room: string, role: Role, name?: string, expiresInSeconds?: number): string;
  /** Creates a plan room (server-side, like the API) and returns its name. */
  createPlan(name?: string): Promise<string>;
  /** Graceful stop (the SIGTERM path). */
  stop(): Promise<void>;
  /** Starts again on the same port and data folder. */
  restart(): Promise<void>;
};

export type ServerOptions = {
  env?: Record<string, string>; dataDir?: string; port?: number; seed?: boolean; extensions?: readonly RoomExtension[]; bus?: FanoutBus;
  /** The server's clock (receive times, checkpoints, history); real time when absent. */
  now?: () => number;
  /** The built client to serve (default: build/client). */
  clientDir?: string;
  /** spawnServer: wait only until it answers /healthz at all (a server started with its store down answers 503). */
  anyHealth?: boolean;
};

export function tokenFor(secret: string) {
  return (room: string, role: Role, name: string = role, expiresInSeconds = 3600) =>
    signToken(secret, { sub: `u-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name, room, role, exp: Math.floor(Date.now() / 1000) + expiresInSeconds });
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const port = options.port ?? (await freePort());
  const env = { HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ROOM_IDLE_MS: '500', ...options.env };
  const log = createLogger(env.LOG_LEVEL);
  const boot = () => startPlenary(readConfig(env), { log, extensions: options.extensions, bus: options.bus, now: options.now, clientDir: options.clientDir });
  let server = await boot();
  if (options.seed) {
    const { seedDemo } = await import('../../server/seed/seed.ts');
    await seedDemo(server.store);
  }
  const t: TestServer = {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    port,
    dataDir,
    secret: server.secret,
    get server() {
      return server;
    },
    token: tokenFor(server.secret),
    createPlan: (name = 'Test plan') => createPlanRoom(server.store, { name }, 'test'),
    stop: () => server.close(),
    async restart() {
      await server.close();
      server = await boot();
    }
  };
  return t;
}

export type SpawnedServer = {
  url: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  secret: string;
  child: ChildProcess;
  output: () => string;
  token(room: string, role: Role, name?: string): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
};

/** Runs `server/main.ts` in a child process and waits until it serves /healthz. */
export async function spawnServer(options: ServerOptions = {}): Promise<SpawnedServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const port = options.port ?? (await freePort());
  const secret = loadSecret(dataDir, null);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SEED_DEMO: options.seed ? '1' : '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(url + '/healthz');
      if (res.ok || options.anyHealth) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in 20 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    port,
    dataDir,
    secret,
    child,
    output: () => out,
    token: tokenFor(secret),
    kill(signal = 'SIGKILL') {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    }
  };
}
