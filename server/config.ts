/**
 * Configuration, read only from env vars (documented in README.md). Parsing is strict: a value
 * that is set but not a number fails startup with the variable's name, instead of running with a
 * surprising default.
 */
import path from 'node:path';
import { LIMITS, type Limits } from '../shared/protocol.ts';

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  /** HMAC secret; null → read or create DATA_DIR/secret. */
  secret: string | null;
  /** Public base URL printed in links; default http://localhost:PORT. */
  publicUrl: string | null;
  /** 'sqlite' (default), 'memory' or a postgres:// URL. */
  store: string;
  /** SQLite durability: 'process' survives kill -9; 'power' also survives power loss (fsync per commit). */
  durability: 'process' | 'power';
  /** Deadline of every store call (ms); past it the call fails and writes are held, not acknowledged. */
  storeTimeoutMs: number;
  /** Postgres schema holding Plenary's tables (several deployments, or tests, on one database). */
  storeSchema: string;
  /** Failing commits are held (not acknowledged) this long before the rooms are unloaded. */
  storeHoldMs: number;
  /** Fan-out bus for several servers sharing one store: a redis:// URL, or null for one server. */
  bus: string | null;
  limits: Limits;
  /** A room leaves memory this long after its last client left (and its log is flushed). */
  roomIdleMs: number;
  /** Checkpoint once the log since the last checkpoint has this many entries… */
  compactEntries: number;
  /** …or this many bytes. */
  compactBytes: number;
  /** Original updates older than this (and covered by a kept checkpoint) are pruned. 0 = keep forever. */
  retentionDays: number;
  /** Per-person rate limit on rebuilding past moments (GET /at, /compare); null = no limit. */
  rebuildRate: { perSecond: number; burst: number } | null;
  /** Liveness pings, online lists to the other servers and "last seen" writes run this often. */
  heartbeatMs: number;
  /** A connected person's lastSeenAt is written at most this often. */
  lastSeenEveryMs: number;
  /** Seed the demo plan on startup when it does not exist. */
  seedDemo: boolean;
  logLevel: string;
  /** Sign-in through an organisation's identity provider; null (the default) = off. */
  oidc: OidcConfig | null;
};

export type OidcConfig = {
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The callback registered at the provider; null = PUBLIC_URL + /auth/oidc/callback, else the request's origin. */
  redirectUrl: string | null;
  /** What the UI calls the provider ("Sign in with …"); default the issuer's host. */
  name: string;
};

const ENV_LIMITS: Record<keyof Limits, string> = {
  maxFrameBytes: 'MAX_FRAME_BYTES',
  messagesPerSecond: 'MAX_MESSAGES_PER_SECOND',
  messageBurst: 'MAX_MESSAGE_BURST',
  bytesPerSecond: 'MAX_BYTES_PER_SECOND',
  byteBurst: 'MAX_BYTE_BURST',
  maxAwarenessBytes: 'MAX_AWARENESS_BYTES',
  awarenessPerSecond: 'MAX_AWARENESS_PER_SECOND',
  awarenessBurst: 'MAX_AWARENESS_BURST',
  maxDocumentBytes: 'MAX_DOCUMENT_BYTES',
  sendHighWaterBytes: 'SEND_HIGH_WATER_BYTES',
  awarenessFlushMs: 'AWARENESS_FLUSH_MS',
  maxPrivateBytes: 'MAX_PRIVATE_BYTES',
  maxJsonDepth: 'MAX_JSON_DEPTH',
  maxJsonItems: 'MAX_JSON_ITEMS',
  maxJsonString: 'MAX_JSON_STRING',
  privatePerSecond: 'MAX_PRIVATE_PER_SECOND',
  privateBurst: 'MAX_PRIVATE_BURST',
  maxConnectionsPerSession: 'MAX_CONNECTIONS_PER_SESSION',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  stepwiseUpdateBytes: 'STEPWISE_UPDATE_BYTES',
  applySliceStructs: 'APPLY_SLICE_STRUCTS'
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** HISTORY_REBUILDS_PER_SEC (default 4; 0 = no limit) and HISTORY_REBUILD_BURST (default 20). */
function rebuildRate(env: NodeJS.ProcessEnv): { perSecond: number; burst: number } | null {
  const perSecond = number(env, 'HISTORY_REBUILDS_PER_SEC', 4);
  return perSecond === 0 ? null : { perSecond, burst: Math.max(1, number(env, 'HISTORY_REBUILD_BURST', 20)) };
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function durability(raw: string | undefined): 'process' | 'power' {
  if (!raw) return 'process';
  if (raw === 'process' || raw === 'power') return raw;
  throw new ConfigError(`DURABILITY must be "process" or "power", got "${raw}"`);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL may be plain http: only on this machine (a provider started by tests, or local development). */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

function httpsUrl(env: NodeJS.ProcessEnv, name: string): URL {
  const raw = env[name] as string;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) throw new ConfigError(`${name} must be an https:// URL (plain http only on localhost), got "${raw}"`);
  return url;
}

/**
 * OIDC is on when OIDC_ISSUER is set; then the client id and secret are required too, so a
 * half-configured server fails at startup instead of at someone's first sign-in.
 */
function oidc(env: NodeJS.ProcessEnv): OidcConfig | null {
  const set = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].filter((n) => env[n]);
  if (set.length === 0) return null;
  for (const n of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET']) if (!env[n]) throw new ConfigError(`${n} must be set when ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} (OIDC sign-in needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET)`);
  const issuer = httpsUrl(env, 'OIDC_ISSUER');
  const redirect = env.OIDC_REDIRECT_URL ? httpsUrl(env, 'OIDC_REDIRECT_URL') : null;
  return {
    issuer: env.OIDC_ISSUER as string,
    clientId: env.OIDC_CLIENT_ID as string,
    clientSecret: env.OIDC_CLIENT_SECRET as string,
    redirectUrl: redirect?.href ?? null,
    name: (env.OIDC_NAME || issuer.host).slice(0, 60)
  };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const limits = { ...LIMITS } as Limits;
  for (const [key, name] of Object.entries(ENV_LIMITS) as [keyof Limits, string][]) limits[key] = number(env, name, LIMITS[key]);
  const port = number(env, 'PORT', 3000);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    secret: env.PLENARY_SECRET || null,
    publicUrl: env.PUBLIC_URL || null,
    store: env.STORE || 'sqlite',
    bus: env.BUS || null,
    storeTimeoutMs: number(env, 'STORE_TIMEOUT_MS', 5_000),
    storeSchema: env.STORE_SCHEMA || 'plenary',
    storeHoldMs: number(env, 'STORE_HOLD_MS', 120_000),
    durability: durability(env.DURABILITY),
    limits,
    roomIdleMs: number(env, 'ROOM_IDLE_MS', 5_000),
    compactEntries: number(env, 'COMPACT_ENTRIES', 500),
    compactBytes: number(env, 'COMPACT_BYTES', 1024 * 1024),
    retentionDays: number(env, 'RETENTION_DAYS', 90),
    rebuildRate: rebuildRate(env),
    heartbeatMs: number(env, 'HEARTBEAT_MS', 30_000),
    lastSeenEveryMs: number(env, 'LAST_SEEN_MS', 60_000),
    seedDemo: env.SEED_DEMO !== '0',
    logLevel: env.LOG_LEVEL || 'info',
    oidc: oidc(env)
  };
}
