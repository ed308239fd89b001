/**
 * The load-balanced topology: N Plenary servers as child processes (so a test can kill -9 one) on
 * one Postgres schema and one private redis-server (each server through its own TCP proxies, so a
 * test can take the store or the bus away from one server alone), behind a real HAProxy on loopback, round-robin,
 * no sticky sessions, WebSockets passed through. Clients connect to the balancer only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { MESSAGE_ACK, MESSAGE_PRIVATE, readAckBody } from '../../shared/protocol.ts';
import { connectClient } from './clients.ts';
import { privateRedis, type PrivateRedis } from './redis-server.ts';
import { freePort, spawnServer, tempDataDir, tokenFor, type SpawnedServer } from './server.ts';
import { dropSchemas, PG_URL } from './services.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export type Topology = {
  /** The balancer: http://127.0.0.1:PORT and ws://127.0.0.1:PORT/sync. */
  url: string;
  wsUrl: string;
  servers: SpawnedServer[];
  /** Each server's own path to Postgres (freeze one to take the store away from that server alone). */
  storePaths: TcpProxy[];
  /** Each server's own path to Redis (refuse one to cut that server alone off the bus). */
  busPaths: TcpProxy[];
  redis: PrivateRedis;
  /** The shared schema, read directly (not through any server). */
  store: PlenaryStore;
  token: ReturnType<typeof tokenFor>;
  /** The servers' shared PLENARY_SECRET (benchmarks sign their own tokens with it). */
  secret: string;
  /** Open sync sockets per server (from each live server's /healthz); a dead server counts -1. */
  sockets(): Promise<number[]>;
  /** Whether HAProxy's health checks currently hold each server as up (its stats page). */
  balancerSees(): Promise<boolean[]>;
  stop(): Promise<void>;
};

const SECRET = 'topology-test-secret-0123456789abcdef';

/** HAProxy's config for the test: the shipped example (server/deploy/haproxy.cfg), with fast checks. */
export function haproxyConfig(port: number, backends: number[], statsPort?: number): string {
  return [
    'global',
    '    maxconn 4096',
    'defaults',
    '    mode http',
    '    option http-server-close',
    '    timeout connect 1s',
    '    timeout client 60s',
    '    timeout server 60s',
    '    timeout tunnel 1h',
    '    option redispatch',
    '    retries 2',
    'frontend plenary',
    `    bind 127.0.0.1:${port}`,
    '    default_backend plenary_servers',
    'backend plenary_servers',
    '    balance roundrobin',
    '    option httpchk',
    '    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host plenary',
    '    http-check expect status 200',
    '    default-server inter 300ms fall 2 rise 2',
    ...backends.map((p, i) => `    server plenary${i + 1} 127.0.0.1:${p} check`),
    // What the balancer thinks of each server (CSV at /stats;csv), so a test can wait for it.
    ...(statsPort ? ['frontend stats', `    bind 127.0.0.1:${statsPort}`, '    stats enable', '    stats uri /stats'] : []),
    ''
  ].join('\n');
}

async function startHaproxy(port: number, backends: number[], statsPort: number): Promise<ChildProcess> {
  const dir = tempDataDir();
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, haproxyConfig(port, backends, statsPort));
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}): ${err}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok) return child;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not serve in 10 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `direct`: servers connect to Postgres and Redis themselves, not through proxies in this process
 * (the benchmark: a busy measuring process would stall the proxies, and with them every server's
 * store and bus; storePaths and busPaths are empty then).
 */
export async function startTopology(n = 3, env: Record<string, string> = {}, opts: { direct?: boolean } = {}): Promise<Topology> {
  const schema = `plenary_topology_${process.pid}_${Date.now().toString(36)}`;
  const redis = await privateRedis();
  await redis.start();
  // Opening the store first creates the schema, so the servers do not race to migrate it.
  const store = await openPostgresStore(PG_URL, { schema });
  const servers: SpawnedServer[] = [];
  const storePaths: TcpProxy[] = [];
  const busPaths: TcpProxy[] = [];
  const target = new URL(PG_URL);
  const redisTarget = new URL(redis.url);
  for (let i = 0; i < n; i++) {
    const url = new URL(PG_URL);
    const bus = new URL(redis.url);
    if (!opts.direct) {
      const path = await startTcpProxy(Number(target.port || 5432), target.hostname);
      storePaths.push(path);
      url.port = String(path.port);
      const busPath = await startTcpProxy(Number(redisTarget.port), redisTarget.hostname);
      busPaths.push(busPath);
      bus.port = String(busPath.port);
    }
    servers.push(
      await spawnServer({
        env: { STORE: url.toString(), STORE_SCHEMA: schema, BUS: bus.toString(), PLENARY_SECRET: SECRET, ROOM_IDLE_MS: '2000', STORE_TIMEOUT_MS: '2000', ...env }
      })
    );
  }
  const port = await freePort();
  const statsPort = await freePort();
  const haproxy = await startHaproxy(port, servers.map((s) => s.port), statsPort);
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    servers,
    storePaths,
    busPaths,
    redis,
    store,
    token: tokenFor(SECRET),
    secret: SECRET,
    async sockets() {
      return Promise.all(
        servers.map(async (s) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return -1;
          const res = await fetch(`${s.url}/healthz`, { signal: AbortSignal.timeout(3_000) });
          return ((await res.json()) as { sockets: number }).sockets;
        })
      );
    },
    async balancerSees() {
      const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`, { signal: AbortSignal.timeout(3_000) })).text();
      const rows = csv.split('\n').map((line) => line.split(','));
      const status = rows[0].indexOf('status');
      return servers.map((_, i) => (rows.find((r) => r[0] === 'plenary_servers' && r[1] === `plenary${i + 1}`)?.[status] ?? '').startsWith('UP'));
    },
    async stop() {
      haproxy.kill('SIGKILL');
      await Promise.all(servers.map((s) => s.kill('SIGKILL')));
      await Promise.all([...storePaths, ...busPaths].map((p) => p.close()));
      await store.close();
      await redis.kill();
      await dropSchemas([schema]);
    }
  };
}

/**
 * A stock client through the balancer that adds cards and records which of them the server
 * acknowledged (durable), for checking that no fault loses an acknowledged edit.
 */
export function ackedWriter(topology: Topology, room: string, name: string) {
  const c = connectClient(topology.wsUrl, room, topology.token(room, 'editor', name), { ack: true });
  const written: { title: string; clock: number }[] = [];
  const acked = new Set<string>();
  c.provider.messageHandlers[MESSAGE_ACK] = (_e: unknown, d: decoding.Decoder) => {
    const durable = readAckBody(d).clocks.get(c.doc.clientID) ?? 0;
    for (const w of written) if (w.clock <= durable) acked.add(w.title);
  };
  c.provider.messageHandlers[MESSAGE_PRIVATE] = () => {};
  const editor = createEditor(name.toLowerCase());
  return Object.assign(c, {
    room,
    written,
    acked,
    edit(title: string) {
      addCard(c.doc, editor, { title, status: 'todo', rank: 'a' });
      // The client's clock after this edit: an ack covering it makes this card durable.
      written.push({ title, clock: Y.getState(c.doc.store, c.doc.clientID) });
    }
  });
}
