/**
 * The machine's PostgreSQL and Redis, started when they are down (CI images do not run them as
 * services). Bounded waits only.
 */
import { execSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import postgres from 'postgres';

export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function canConnectPostgres(): Promise<boolean> {
  const sql = postgres(PG_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function canConnectRedis(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

async function ensure(what: string, check: () => Promise<boolean>, start: string): Promise<void> {
  if (await check()) return;
  execSync(start, { stdio: 'inherit' });
  for (let attempt = 0; attempt < 40; attempt++) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`${what} did not come up`);
}

export const ensurePostgres = () =>
  ensure('postgres', canConnectPostgres, 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');

export const ensureRedis = () =>
  ensure('redis', canConnectRedis, 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');

/** Drops test schemas created with a unique prefix. */
export async function dropSchemas(schemas: string[]): Promise<void> {
  if (!schemas.length) return;
  const sql = postgres(PG_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop schema if exists ${schemas.map((s) => `"${s}"`).join(', ')} cascade`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
