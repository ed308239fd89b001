/**
 * The benchmarks that run as sections of `npm run bench` after the load benchmark, each its own
 * script and process (they start servers of their own): the per-update budget (update-budget.ts)
 * and the chaos run (chaos.ts). A section's progress goes to our stderr; its one JSON report (its
 * stdout) is returned to be put into the bench report, with its exit code.
 *
 * BENCH_SECTIONS: comma-separated names to run (default `budget,chaos`; empty for none).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR, progress, ROOT } from './proc.ts';

const SECTIONS = {
  budget: { file: 'update-budget.ts', timeoutMs: 7 * 60_000 },
  chaos: { file: 'chaos.ts', timeoutMs: (Number(process.env.CHAOS_SECONDS ?? 60) + 200) * 1000 }
} as const;

/** The longest the selected sections may take together. */
export function sectionsTimeoutMs(): number {
  return sectionNames().reduce((ms, n) => ms + SECTIONS[n].timeoutMs, 0);
}

export type SectionResult = { exitCode: number | null; report: unknown; error?: string };

export function sectionNames(): (keyof typeof SECTIONS)[] {
  const raw = process.env.BENCH_SECTIONS ?? 'budget,chaos';
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(n in SECTIONS)) throw new Error(`BENCH_SECTIONS: unknown section ${n} (known: ${Object.keys(SECTIONS).join(', ')})`);
  return names as (keyof typeof SECTIONS)[];
}

export function runSection(name: keyof typeof SECTIONS): Promise<SectionResult> {
  const { file, timeoutMs } = SECTIONS[name];
  progress(`section ${name}: ${file}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, file)], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => (out += d));
    // SIGTERM first: a section kills its own servers on it (and they exit when it is gone anyway).
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }, timeoutMs);
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', onExit);
      let report: unknown = null;
      let error: string | undefined;
      try {
        report = JSON.parse(out.trim() || 'null');
      } catch {
        error = `no JSON report on stdout (${out.length} bytes)`;
      }
      if (signal) error = `killed (${signal}) after ${timeoutMs / 1000} s`;
      progress(`section ${name}: exit ${code ?? signal}`);
      resolve({ exitCode: code, report, error });
    });
  });
}

export async function runSections(): Promise<Record<string, SectionResult> | null> {
  const names = sectionNames();
  if (!names.length) return null;
  const out: Record<string, SectionResult> = {};
  for (const name of names) out[name] = await runSection(name);
  return out;
}
