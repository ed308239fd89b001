/**
 * The orchestrator's handle on the load-client child process: spawn it, call its ops over IPC with
 * a timeout each, stop it.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR, nextMessage, spawnTsChild, stopChild } from './proc.ts';
import { loopDelayProbe, type LoopDelayProbe } from './servers.ts';

export type LoadDriver = {
  pid: number;
  loopDelay: LoopDelayProbe;
  call<T = any>(op: string, args: unknown, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
};

export async function startLoadClient(): Promise<LoadDriver> {
  const child: ChildProcess = spawnTsChild(path.join(BENCH_DIR, 'load-client.ts'), { name: 'load', nodeArgs: ['--max-old-space-size=4096'] });
  await nextMessage(child, (m) => m?.type === 'ready', 30_000, 'load client start');
  let nextId = 0;
  return {
    pid: child.pid!,
    loopDelay: loopDelayProbe(child),
    async call<T>(op: string, args: unknown, timeoutMs: number): Promise<T> {
      const id = ++nextId;
      const reply = nextMessage<{ ok: boolean; result?: T; error?: string }>(child, (m) => m?.id === id, timeoutMs, `load op ${op}`);
      child.send({ id, op, args });
      const r = await reply;
      if (!r.ok) throw new Error(`load op ${op} failed: ${r.error}`);
      return r.result as T;
    },
    async stop() {
      await stopChild(child, 'SIGTERM', 5_000);
    }
  };
}
