/**
 * axe-core scans of every view of the seeded demo plan, light and dark, in real Chromium: no
 * violation of serious or critical impact. One browser and one server for the file; each view is
 * a navigation in the same page so the scan stays within seconds per view.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeFindings, seriousViolations } from '../helpers/axe.ts';
import { ensureClientBuilt, launchBrowser, newContext } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'demo-gpu-cluster';
/** Known faults not yet mended, each a rule and the targets it may name. Anything else fails the scan. */
const KNOWN: { rule: string; target: RegExp }[] = [];
const VIEWS = (process.env.AXE_VIEWS ?? 'board,list,backlog,raid,risks,decisions,meeting,pack,timeline,standup,retros,metrics,history').split(',');
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function open(colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await newContext(browser, colorScheme);
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer({ seed: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe.each(['light', 'dark'] as const)('%s theme', (scheme) => {
  test('every view has no serious or critical axe violation', async () => {
    const page = await open(scheme);
    const token = encodeURIComponent(server.token(ROOM, 'admin', 'Ada'));
    const report: string[] = [];
    for (const view of VIEWS) {
      await page.goto(`${server.url}/p/${ROOM}?view=${view}&token=${token}`);
      await page.locator('main').first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      const found = (await seriousViolations(page))
        .map((f) => ({ ...f, targets: f.targets.filter((t) => !KNOWN.some((k) => k.rule === f.rule && k.target.test(t))) }))
        .filter((f) => f.targets.length > 0);
      if (found.length) report.push(`[${view}]\n${describeFindings(found)}`);
    }
    expect(report.join('\n\n')).toBe('');
  }, 120_000);
});
