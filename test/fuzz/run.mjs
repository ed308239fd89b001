#!/usr/bin/env node
/**
 * Coverage-guided fuzzing with Jazzer.js (libFuzzer in-process, edge coverage from instrumented JS).
 *
 *   npm run fuzz                          every target, FUZZ_SECONDS each (default 300)
 *   npm run fuzz -- room csv              some targets
 *   node test/fuzz/run.mjs --short        the pass `npm test` runs: ~60 s for all, fixed seed
 *   FUZZ_SEED=7 FUZZ_SECONDS=30 npm run fuzz
 *
 * Targets (test/fuzz/targets/*.ts) are bundled with esbuild into CommonJS under test/fuzz/.build,
 * because Jazzer.js instruments code as it is required; our sources, yjs, lib0 and y-protocols are
 * in the bundle and so instrumented (pino and prom-client stay outside, uninstrumented).
 * Seeds: test/fuzz/corpus/<target>/ (checked in, see make-seeds.ts); dictionaries: dict/<target>.dict.
 * The long run keeps what it finds in test/fuzz/.work/<target>/ (not checked in) and starts from it
 * next time; the short run starts from the seeds alone in a fresh directory, so it is repeatable.
 * A crash is copied to test/fuzz/regressions/<target>/pending/ with its report next to it; once the
 * bug is fixed, move it up a level and test/unit/fuzz-regressions.test.ts replays it for good.
 *
 * Prints one line per target (executions, exec/s, edges and features covered, corpus size, result)
 * and writes them to test-results/fuzz.json. Exits non-zero if any target found something.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { jazzerEnv } from './jazzer-compat.mjs';

const here = import.meta.dirname;
const root = path.resolve(here, '..', '..');
const TARGETS = {
  // sync: the target returns nothing to await, so Jazzer's faster synchronous loop is used.
  protocol: { sync: true, maxLen: 4096, timeoutMs: 5_000 },
  csv: { sync: true, maxLen: 8192, timeoutMs: 5_000 },
  room: { sync: false, maxLen: 16384, timeoutMs: 20_000 }
};
// The short run's time per target: ~60 s for all three with startup and bundling.
const SHORT_SECONDS = { protocol: 12, csv: 14, room: 22 };

const args = process.argv.slice(2);
const short = args.includes('--short');
const names = args.filter((a) => !a.startsWith('--'));
const chosen = names.length ? names : Object.keys(TARGETS);
for (const n of chosen) if (!TARGETS[n]) throw new Error(`unknown fuzz target ${n}; targets: ${Object.keys(TARGETS).join(', ')}`);
const seed = process.env.FUZZ_SEED ?? (short ? '1' : String(Date.now() % 2 ** 31));

const buildDir = path.join(here, '.build');
fs.mkdirSync(buildDir, { recursive: true });
await build({
  entryPoints: Object.fromEntries(chosen.map((n) => [n, path.join(here, 'targets', `${n}.ts`)])),
  outdir: buildDir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['pino', 'prom-client'],
  // client code imports its types through this alias; only types, erased, but esbuild resolves them
  alias: { $shared: path.join(root, 'shared') },
  logLevel: 'warning'
});

const env = { ...process.env, ...jazzerEnv() };
const cli = path.join(root, 'node_modules', '@jazzer.js', 'core', 'dist', 'cli.js');

/** Runs one target; resolves with its figures. */
function fuzzTarget(name) {
  const t = TARGETS[name];
  const seconds = Number(process.env.FUZZ_SECONDS ?? (short ? SHORT_SECONDS[name] : 300));
  const work = short ? fs.mkdtempSync(path.join(os.tmpdir(), `plenary-fuzz-${name}-`)) : path.join(here, '.work', name);
  const artifacts = path.join(work, 'artifacts') + path.sep;
  fs.mkdirSync(artifacts, { recursive: true });
  const argv = [
    cli,
    path.join(buildDir, `${name}.cjs`),
    work,
    path.join(here, 'corpus', name),
    ...(t.sync ? ['--sync'] : []),
    `--timeout=${t.timeoutMs}`,
    // Jazzer's own bug detectors look for command injection and the like, which this code has no
    // way to reach; our targets check what matters here themselves.
    '--disableBugDetectors=.*',
    '--',
    `-max_total_time=${seconds}`,
    `-seed=${seed}`,
    `-max_len=${t.maxLen}`,
    `-dict=${path.join(here, 'dict', `${name}.dict`)}`,
    `-artifact_prefix=${artifacts}`,
    '-print_final_stats=1',
    '-rss_limit_mb=4096'
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (chunk) => {
      out += chunk;
      if (process.env.FUZZ_VERBOSE) process.stderr.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code, signal) => {
      const seconds = (Date.now() - started) / 1000;
      const status = [...out.matchAll(/^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)\/\S+.*?exec\/s: (\d+)/gm)].at(-1);
      const stat = (key) => Number(out.match(new RegExp(`stat::${key}:\\s+(\\d+)`))?.[1] ?? NaN);
      const crashes = fs.readdirSync(artifacts).filter((f) => /^(crash|timeout|oom|leak)-/.test(f));
      const result = {
        target: name,
        seconds: Math.round(seconds),
        executions: stat('number_of_executed_units') || Number(status?.[1] ?? 0),
        execPerSecond: stat('average_exec_per_sec') || Number(status?.[5] ?? 0),
        edges: Number(status?.[2] ?? 0),
        features: Number(status?.[3] ?? 0),
        corpus: Number(status?.[4] ?? 0),
        seed: Number(seed),
        exit: signal ?? code,
        findings: crashes.map((f) => saveFinding(name, path.join(artifacts, f), out))
      };
      result.ok = code === 0 && result.findings.length === 0;
      if (!result.ok && result.findings.length === 0) result.error = out.split('\n').slice(-30).join('\n');
      if (short) fs.rmSync(work, { recursive: true, force: true });
      resolve(result);
    });
  });
}

/** Copies a crashing input to regressions/<target>/pending/ with the fuzzer's report beside it. */
function saveFinding(name, file, out) {
  const dir = path.join(here, 'regressions', name, 'pending');
  fs.mkdirSync(dir, { recursive: true });
  const base = path.basename(file);
  fs.copyFileSync(file, path.join(dir, base));
  const report = out.slice(Math.max(0, out.search(/==\d+== |Uncaught Exception|FuzzFinding/)), out.length).split('\n').slice(0, 80).join('\n');
  fs.writeFileSync(path.join(dir, `${base}.txt`), `${report}\n`);
  return { file: path.relative(root, path.join(dir, base)), message: report.split('\n').find((l) => /Error|Finding|Exception/.test(l))?.trim() ?? '' };
}

const results = [];
for (const name of chosen) {
  const r = await fuzzTarget(name);
  results.push(r);
  const line = `fuzz ${name}: ${r.executions} execs in ${r.seconds}s (${r.execPerSecond}/s), cov ${r.edges} edges, ft ${r.features}, corpus ${r.corpus}, seed ${r.seed}`;
  console.log(`${line} — ${r.ok ? 'no findings' : r.findings.length ? 'FINDING' : `FAILED (exit ${r.exit})`}`);
  for (const f of r.findings) console.log(`  ${f.file}: ${f.message}`);
  if (r.error) console.log(r.error);
}
const outFile = path.join(root, 'test-results', 'fuzz.json');
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
process.exit(results.every((r) => r.ok) ? 0 : 1);
