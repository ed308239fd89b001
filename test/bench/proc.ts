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

/** Busy CPU time of the whole machine in ms (all cores), from /proc/stat. */
function machineBusyMs(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Microseconds during which some task waited for I/O (Linux PSI), or null where PSI is missing. */
function ioStallUs(): number | null {
  try {
    const m = /^some .* total=(\d+)$/m.exec(fs.readFileSync('/proc/pressure/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * CPU use over an interval, in % of one core: the server's, the load generator's, and everything
 * else on the machine (other processes, kernel softirq) — the last one tells whether a number was
 * measured on a busy machine — and the share of the interval with tasks stalled on I/O.
 */
export function phaseMeter(
  serverPid: number,
  loadPid: number
): () => { serverCpuPct: number | null; loadCpuPct: number | null; otherCpuPct: number | null; ioStallPct: number | null } {
  const t0 = performance.now();
  const io0 = ioStallUs();
  const s0 = cpuMs(serverPid);
  const l0 = cpuMs(loadPid);
  const m0 = machineBusyMs();
  const me0 = process.cpuUsage();
  return () => {
    const wall = performance.now() - t0;
    const s1 = cpuMs(serverPid);
    const l1 = cpuMs(loadPid);
    const m1 = machineBusyMs();
    const me = process.cpuUsage(me0);
    const io1 = ioStallUs();
    const pct = (x: number) => Math.round((x / wall) * 1000) / 10;
    const server = s0 !== null && s1 !== null ? s1 - s0 : null;
    const load = l0 !== null && l1 !== null ? l1 - l0 : null;
    const other = m0 !== null && m1 !== null && server !== null && load !== null ? Math.max(0, m1 - m0 - server - load - (me.user + me.system) / 1000) : null;
    return {
      serverCpuPct: server === null ? null : pct(server),
      loadCpuPct: load === null ? null : pct(load),
      otherCpuPct: other === null ? null : pct(other),
      // Share of the phase during which some task (ours included: Plenary's fsyncs) waited for I/O.
      ioStallPct: io0 !== null && io1 !== null ? pct((io1 - io0) / 1000) : null
    };
  };
}

/**
 * Waits (at most `maxMs`) until the rest of the machine is quiet: other processes using less than
 * `limitPct` of one core over a one-second window. The machine may be shared with other work (test
 * suites, browsers); a phase measured while it is busy says little about the server.
 */
export async function waitForQuiet(serverPid: number, loadPid: number, maxMs: number, limitPct = 25): Promise<{ waitedMs: number; otherCpuPct: number | null }> {
  const t0 = performance.now();
  let other: number | null;
  for (;;) {
    const meter = phaseMeter(serverPid, loadPid);
    await sleep(1_000);
    other = meter().otherCpuPct;
    if (other === null || other < limitPct || performance.now() - t0 >= maxMs) break;
  }
  return { waitedMs: Math.round(performance.now() - t0), otherCpuPct: other };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
