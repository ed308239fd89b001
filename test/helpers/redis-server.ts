/**
 * A private redis-server for one test, on a free loopback port, as a child process: the test can
 * kill it (an outage) and start it again on the same port without touching the machine's shared
 * Redis on 6379. Nothing is persisted, so a restart is a Redis that forgot every subscription.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './server.ts';

export type PrivateRedis = {
  port: number;
  url: string;
  /** Starts (again) on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** kill -9: connections drop at once, as when the Redis host dies. */
  kill(): Promise<void>;
  /** Subscribers Redis counts on a channel (PUBSUB NUMSUB). */
  subscribers(channel: string): Promise<number>;
};

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const ping = async (): Promise<boolean> => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  const redis: PrivateRedis = {
    port,
    url,
    async start() {
      if (child) return;
      const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
      child = proc;
      proc.once('exit', () => child === proc && (child = null));
      const deadline = Date.now() + 10_000;
      while (!(await ping())) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not come up`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      const proc = child;
      if (!proc) return;
      child = null;
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
    },
    async subscribers(channel) {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => {});
      try {
        await r.connect();
        const [, n] = (await r.pubsub('NUMSUB', channel)) as [string, number];
        return Number(n);
      } finally {
        r.disconnect();
      }
    }
  };
  return redis;
}
