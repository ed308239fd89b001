/**
 * Replays what the fuzzers (test/fuzz/run.mjs) keep, through the same target functions:
 * - every seed of the checked-in corpus (test/fuzz/corpus/<target>/): real client handshakes,
 *   poker and retro sessions, real CSV exports must run clean;
 * - every fixed finding (test/fuzz/regressions/<target>/<file>): the input that once crashed a
 *   target must not crash it again.
 * New findings land in regressions/<target>/pending/ with the fuzzer's report beside them; they are
 * listed here as skipped until the bug is fixed and the file is moved up out of pending/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const FUZZ = path.resolve(import.meta.dirname, '..', 'fuzz');
const TARGETS = ['protocol', 'room', 'csv'] as const;
type Target = { fuzz(data: Uint8Array): void | Promise<void> };

const load = (name: string): Promise<Target> => import(`../fuzz/targets/${name}.ts`);
const inputs = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.endsWith('.txt') && fs.statSync(path.join(dir, f)).isFile()) : []);
const read = (dir: string, f: string) => new Uint8Array(fs.readFileSync(path.join(dir, f)));

for (const name of TARGETS) {
  describe(`fuzz target ${name}`, () => {
    const corpus = path.join(FUZZ, 'corpus', name);
    const regressions = path.join(FUZZ, 'regressions', name);
    const pending = path.join(regressions, 'pending');

    it('has a seed corpus, and every seed runs clean', async () => {
      const seeds = inputs(corpus);
      expect(seeds.length).toBeGreaterThan(3);
      const target = await load(name);
      for (const f of seeds) await expect(Promise.resolve().then(() => target.fuzz(read(corpus, f))), f).resolves.toBeUndefined();
    }, 60_000);

    for (const f of inputs(regressions)) {
      it(`fixed finding ${f} stays fixed`, async () => {
        const target = await load(name);
        await expect(Promise.resolve().then(() => target.fuzz(read(regressions, f)))).resolves.toBeUndefined();
      }, 30_000);
    }

    for (const f of inputs(pending)) {
      const report = fs.existsSync(path.join(pending, `${f}.txt`)) ? fs.readFileSync(path.join(pending, `${f}.txt`), 'utf8') : '';
      const summary = report.split('\n').find((l) => /Finding|Error/.test(l))?.trim().slice(0, 160) ?? '';
      it.skip(`pending finding ${f} (not fixed yet): ${summary}`, () => {});
    }
  });
}
