/**
 * Assembles a Plenary server from its parts. No side effects on import: main.ts starts one for real,
 * tests start as many as they like on port 0.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { loadSecret } from './auth/secret.ts';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import { ApiKeys } from './api/keys.ts';
import { handleUpgrade } from './http/upgrade.ts';
import { healthCheck } from './http/health.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { createMemoryStore } from './persistence/memory.ts';
import { openPostgresStore } from './persistence/postgres.ts';
import { openSqliteStore } from './persistence/sqlite.ts';
import type { PlenaryStore } from './persistence/access-store.ts';
import { People } from './auth/people.ts';
import { OidcClient } from './auth/oidc.ts';
import { liveAccess, recheckAccess } from './sync/access-live.ts';
import { Online } from './sync/online.ts';
import { randomBytes } from 'node:crypto';
import { EXTENSIONS } from './extensions/index.ts';
import type { RoomExtension } from './extensions/extension.ts';
import type { FanoutBus } from './fanout/bus.ts';
import { openRedisBus } from './fanout/redis.ts';
import { Rooms } from './sync/rooms.ts';
import { SyncServer } from './sync/sync-server.ts';

export type PlenaryServer = {
  port: number;
  url: string;
  secret: string;
  store: PlenaryStore;
  /** Personal sessions and access changes (issue 11). */
  people: People;
  rooms: Rooms;
  sync: SyncServer;
  log: Logger;
  /** SIGTERM path: refuse new sockets, commit everything, close sockets "going away", close the store. */
  close(): Promise<void>;
};

export async function openStore(config: Config): Promise<PlenaryStore> {
  if (config.store === 'memory') return createMemoryStore();
  if (config.store.startsWith('postgres://') || config.store.startsWith('postgresql://')) return openPostgresStore(config.store, { timeoutMs: config.storeTimeoutMs, schema: config.storeSchema, waitForDatabase: true });
  fs.mkdirSync(config.dataDir, { recursive: true });
  return openSqliteStore(path.join(config.dataDir, 'plenary.db'), config.durability);
}

export const CLIENT_DIR = path.resolve(import.meta.dirname, '..', 'build', 'client');

export async function startPlenary(
  config: Config,
  options: { store?: PlenaryStore; bus?: FanoutBus; log?: Logger; clientDir?: string; extensions?: readonly RoomExtension[]; now?: () => number } = {}
): Promise<PlenaryServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const store = options.store ?? (await openStore(config));
  const bus = options.bus ?? (config.bus ? await openRedisBus(config.bus) : undefined);
  const secret = loadSecret(config.dataDir, config.secret);
  const metrics = createMetrics();
  if (bus) {
    metrics.busUp.set(bus.up ? 1 : 0);
    bus.onStatus(({ up, reconnected }) => {
      metrics.busUp.set(up ? 1 : 0);
      if (reconnected) metrics.busReconnects.inc();
      if (up) log.info({ bus: bus.name, reconnected }, 'fan-out bus up');
      else log.warn({ bus: bus.name }, 'fan-out bus down: serving this server\'s clients alone until it is back');
    });
  }
  const serverId = randomBytes(6).toString('base64url');
  const people = new People(store);
  const rooms = new Rooms({ store, limits: config.limits, log, metrics, roomIdleMs: config.roomIdleMs, compactEntries: config.compactEntries, compactBytes: config.compactBytes, retentionDays: config.retentionDays, storeHoldMs: config.storeHoldMs, bus, serverId, extensions: options.extensions ?? EXTENSIONS, extensionStates: store, now: options.now });
  const sync = new SyncServer(rooms, config.limits, metrics, log, config.heartbeatMs);
  const online = new Online({ people, connections: sync.connections, log, bus, serverId, heartbeatMs: config.heartbeatMs, lastSeenEveryMs: config.lastSeenEveryMs });
  sync.onBeat = async () => {
    await Promise.all([online.beat(), recheckAccess(sync.connections, people)]);
  };
  sync.onSocketsChanged = () => online.changed();
  await liveAccess(people, sync.connections, log, bus, serverId, online);
  const apiKeys = new ApiKeys(store, options.now);
  await apiKeys.wire(bus, serverId, (err) => log.warn({ err }, 'API key notice not published'));
  const oidc = config.oidc ? new OidcClient(config.oidc) : null;
  const stats = () => ({ rooms: rooms.size, sockets: sync.connections.size });
  const health = healthCheck({ store, bus, metrics, stats, timeoutMs: config.storeTimeoutMs });
  const app = createApp({
    secret, store, metrics, people, online: (personId) => online.has(personId), clientDir: options.clientDir ?? CLIENT_DIR, rooms, resident: (name) => rooms.get(name)?.doc,
    admitsAddress: (address) => sync.admitsAddress(address), stats, health, oidc, publicUrl: config.publicUrl, log, now: options.now,
    apiKeys, rebuildRate: config.rebuildRate
  });
  // Frames above maxFrameBytes are closed by us with a Plenary close code; ws's own hard cap (which
  // closes with 1009) only guards memory against absurd frames.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxFrameBytes * 4, perMessageDeflate: false });
  let accepting = true;
  const server = createAdaptorServer({ fetch: app.fetch });
  server.on('upgrade', handleUpgrade({ secret, store, people, metrics, log, wss, sync, accepting: () => accepting }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  let closing: Promise<void> | null = null;
  return {
    port,
    url: config.publicUrl ?? `http://${host}:${port}`,
    secret,
    store,
    people,
    rooms,
    sync,
    log,
    close() {
      closing ??= (async () => {
        accepting = false;
        online.stop();
        server.close();
        await sync.shutdown();
        wss.close();
        if (!options.bus) await bus?.close();
        if (!options.store) await store.close();
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      })();
      return closing;
    }
  };
}
