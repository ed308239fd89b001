#!/usr/bin/env node
/**
 * `npm test`: everything, from a fresh clone. Generates SvelteKit's tsconfig, builds the client
 * for the end-to-end tests, runs vitest (unit, contract, integration, e2e) with a JSON report, the
 * code checks (ESLint, svelte-check) and a short fuzzing run, and prints the closing line CI
 * reads: `N passed, N failed`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
const reportFile = path.join(root, 'test-results', 'vitest.json');
fs.mkdirSync(path.dirname(reportFile), { recursive: true });

let failedSetup = 0;
for (const [what, args] of [
  ['svelte-kit sync', ['svelte-kit', 'sync']],
  ['client build', ['vite', 'build', '--logLevel', 'warn']]
]) {
  const r = run('npx', args);
  if (r.status !== 0) {
    console.error(`setup step failed: ${what}`);
    failedSetup++;
  }
}

const extra = process.argv.slice(2);
// Two passes: unit, contract and integration suites in parallel workers; then the browser suites
// one file at a time, so Chromium never competes with servers under test for the 2 cores.
const passes = extra.length
  ? [['all', extra]]
  : [
      ['node', ['test/unit', 'test/integration']],
      ['browser', ['test/e2e', '--no-file-parallelism']]
    ];

let passed = 0;
let failed = failedSetup;
for (const [name, args] of passes) {
  const out = reportFile.replace('.json', `-${name}.json`);
  fs.rmSync(out, { force: true });
  const r = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args]);
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    // A file that failed to load has no failed tests but is a failure all the same.
    failed += report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed')).length;
    if (r.status !== 0 && report.numFailedTests === 0 && report.testResults.every((f) => f.status !== 'failed')) failed += 1;
  } catch {
    failed += 1;
  }
}
// Code checks, one result each: ESLint (eslint.config.js), svelte-check (types and a11y warnings
// in components; any warning fails it).
if (!extra.length) {
  for (const [what, args] of [
    ['eslint', ['eslint', '.']],
    ['svelte-check', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']]
  ]) {
    const r = run('npx', args);
    if (r.status === 0) passed++;
    else {
      console.error(`check failed: ${what}`);
      failed++;
    }
  }
}
// Coverage-guided fuzzing, short run (~60 s, fixed seed): one result per target (test/fuzz/run.mjs).
if (!extra.length) {
  const fuzzReport = path.join(root, 'test-results', 'fuzz.json');
  fs.rmSync(fuzzReport, { force: true });
  run('node', ['test/fuzz/run.mjs', '--short']);
  try {
    for (const t of JSON.parse(fs.readFileSync(fuzzReport, 'utf8'))) {
      if (t.ok) passed++;
      else failed++;
    }
  } catch {
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
