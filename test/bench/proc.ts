/**
 * Child processes of the benchmark: spawning TypeScript entries with an IPC channel, reading their
 * memory and CPU from /proc, and killing every one of them when the benchmark ends, however it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BENCH_DIR = import.meta.dirname;
export const ROOT = path.resolve(BENCH_DIR, '..', '..');

const children = new Set<ChildProcess>();

/** Progress goes to stderr; stdout is reserved for the one final JSON object. */
export function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/**
 * Runs `node [nodeArgs] --import tsx <entry>` with an IPC channel. The child's stdout and stderr are
 * forwarded to our stderr line by line with a prefix, so nothing a child prints reaches our stdout.
 */
export function spawnTsChild(entry: string, options: { name: string; env?: Record<string, string>; nodeArgs?: string[] }): ChildProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        process.stderr.write(`  [${options.name}] ${buf.slice(0, nl)}\n`);
        buf = buf.slice(nl + 1);
      }
      if (buf.length > 64 * 1024) buf = ''; // a runaway line without newline: drop it
    });
  }
  return child;
}

/** Waits for the first IPC message matching `accept`, or fails on exit or timeout. */
export function nextMessage<T>(child: ChildProcess, accept: (m: any) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    const onMessage = (m: unknown) => {
      if (accept(m)) done(null, m as T);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`${what}: child exited (${code ?? signal})`));
    const done = (err: Error | null, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends `signal`, waits up to `graceMs` for the exit, then SIGKILLs. Resolves with the exit code. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** Last resort, synchronous: used from exit handlers. */
export function killAllChildren(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
}

/** Resident set size of a process in bytes (VmRSS), or null if it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU time of a process in milliseconds (from /proc/<pid>/stat), or null. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux we run on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

/** Measures a process's CPU use over an interval, as a percentage of one core. */
export function cpuMeter(pid: number): () => number | null {
  const t0 = performance.now();
  const c0 = cpuMs(pid);
  return () => {
    const c1 = cpuMs(pid);
    if (c0 === null || c1 === null) return null;
    return Math.round(((c1 - c0) / (performance.now() - t0)) * 1000) / 10;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
