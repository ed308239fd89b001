/**
 * axe-core in a real page: injects the engine (from node_modules, no network) and returns the
 * violations of serious or critical impact, each as "rule: target, target" so a failure names them.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export type AxeFinding = { rule: string; impact: string; targets: string[] };

export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  const found = await page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof import('axe-core') }).axe.run;
    const result = await run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ rule: v.id, impact: v.impact ?? 'unknown', targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return found.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

export function describeFindings(findings: AxeFinding[]): string {
  return findings.map((f) => `${f.rule} (${f.impact}): ${f.targets.slice(0, 5).join(', ')}${f.targets.length > 5 ? ` … ${f.targets.length} nodes` : ''}`).join('\n');
}
