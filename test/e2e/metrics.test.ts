/**
 * The metrics view of the seeded demo plan in real Chromium: every chart draws, an edit from
 * another client (a card of the active sprint moved to Done) shows up live, exports carry the
 * expected content, and screenshots in both themes land in test-results/screenshots/.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { moveCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { ensureClientBuilt, launchBrowser, newContext, screenshot } from '../helpers/browser.ts';
import { connectClient, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'demo-gpu-cluster';
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const clients: TestClient[] = [];

async function openMetrics(colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await newContext(browser, colorScheme);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/p/${ROOM}?view=metrics&token=${encodeURIComponent(server.token(ROOM, 'editor', 'Ada'))}`);
  await page.locator('[data-chart="burndown"] svg.chart').waitFor({ timeout: 15_000 });
  return page;
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer({ seed: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('metrics view', () => {
  let page: Page;

  test('every chart renders with data', async () => {
    page = await openMetrics('light');
    for (const chart of ['burndown', 'burnup', 'velocity', 'cfd', 'cycle', 'forecast', 'capacity', 'risk']) {
      const drawn = await page.locator(`[data-chart="${chart}"] svg.chart`).evaluate((svg) => {
        const paths = [...svg.querySelectorAll('path')].filter((p) => (p.getAttribute('d') ?? '').length > 4);
        const bars = [...svg.querySelectorAll('rect.bar')].filter((r) => Number(r.getAttribute('height')) > 0 || Number(r.getAttribute('width')) > 0);
        const points = svg.querySelectorAll('circle.point, path.point');
        return paths.length + bars.length + points.length;
      });
      expect(drawn, chart).toBeGreaterThan(0);
    }
    expect(await page.locator('[data-chart="velocity"] rect.bar.completed[data-series]').count()).toBe(4);
    // The info button lists the chart's rules.
    await page.locator('[data-chart="burndown"] button[aria-controls]').click();
    await expect(page.locator('[data-chart="burndown"] .rules').textContent()).resolves.toContain('BD4');
    await screenshot(page, 'metrics-light');
  });

  test('end labels of chart lines never overlap, and the forecast reads as sentences', async () => {
    // Two series ending at close values (burn-up: scope 62 and commitment 59) once drew their labels over each other.
    const overlaps = await page.locator('svg.chart').evaluateAll((svgs) =>
      svgs.flatMap((svg) => {
        const boxes = [...svg.querySelectorAll('text.end-label, text.marker-label')].map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
        const out: string[] = [];
        for (let a = 0; a < boxes.length; a++)
          for (let b = a + 1; b < boxes.length; b++) {
            const [p, q] = [boxes[a].r, boxes[b].r];
            if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom) out.push(`${boxes[a].text} / ${boxes[b].text}`);
          }
        return out;
      })
    );
    expect(overlaps).toEqual([]);
    expect(await page.locator('[data-chart="burnup"] text.end-label').count()).toBeGreaterThan(2);

    // [FC4] The end of the active sprint: a sentence, not "0 (50 %) · 0 (85 %) · 0 (95 %)".
    const howMany = (await page.locator('[data-forecast-how-many]').textContent())!;
    expect(howMany).not.toMatch(/\(\d+ ?%\)/);
    expect(howMany).toMatch(/^(By \d{1,2} \w{3} \d{4} \(end of Helios \d\): a 50% chance of finishing at least \d+ more cards?|Not even one more card is likely to be done by \d{1,2} \w{3} \d{4} \(end of Helios \d\))/);
    // A chosen date answers for that date.
    await page.getByLabel('How many by').fill('2027-03-31');
    await expect.poll(() => page.locator('[data-forecast-how-many]').textContent()).toMatch(/^By 31 Mar 2027: a 50% chance of finishing at least \d+ more cards, 85% of at least \d+ and 95% of at least \d+\.$/);
    // [FC3] The chart's summary says what the dates mean.
    expect(await page.locator('[data-chart="forecast"] svg.chart').getAttribute('aria-label')).toMatch(/^\d+ cards not done: a 50% chance of finishing them all by \d{1,2} \w{3} \d{4}, 85% by .+ and 95% by .+; forecast from \d+ completions over the last 30 working days\.$/);
    await page.locator('[data-chart="forecast"]').screenshot({ path: 'test-results/screenshots/metrics-forecast-light.png' });
  });

  test('an edit by someone else changes the burn-down and throughput live', async () => {
    const read = () =>
      page.evaluate(() => ({
        remaining: Number(document.querySelector('[data-chart="burndown"] svg.chart')?.getAttribute('data-last-remaining')),
        throughput: Number(document.querySelector('[data-chart="cfd"] svg.chart')?.getAttribute('data-throughput'))
      }));
    const before = await read();
    const client = connectClient(server.wsUrl, ROOM, server.token(ROOM, 'editor', 'Grace'));
    clients.push(client);
    await waitForSync(client);
    const plan = snapshot(client.doc);
    const active = plan.sprints.find((s) => s.state === 'active')!;
    const done = plan.statuses.find((s) => s.category === 'done')!;
    const card = plan.cards.find((c) => c.sprint === active.id && plan.statuses.find((s) => s.id === c.status)?.category !== 'done' && (c.points ?? 0) > 0)!;
    expect(card).toBeTruthy();
    moveCard(client.doc, createEditor('u-grace', 'user', Date.now), card.id, { status: done.id });
    await page.waitForFunction(
      (b) => {
        const r = Number(document.querySelector('[data-chart="burndown"] svg.chart')?.getAttribute('data-last-remaining'));
        const t = Number(document.querySelector('[data-chart="cfd"] svg.chart')?.getAttribute('data-throughput'));
        return r < b.remaining && t === b.throughput + 1;
      },
      before,
      { timeout: 5_000 }
    ).catch(async (err) => {
      console.log('before', before, 'after', await read(), 'card', card.id, card.points);
      throw err;
    });
    const after = await read();
    expect(after.remaining).toBe(before.remaining - card.points!);
  });

  test('CSV and SVG exports carry the chart and its data', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart="velocity"] button', { hasText: 'CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/velocity.*\.csv$/);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    expect(text.startsWith('\uFEFFSprint,Start,End,Committed,Completed')).toBe(true);
    expect(text.trim().split('\r\n')).toHaveLength(5);
    const [svg] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart="burndown"] button', { hasText: 'SVG' }).click()]);
    expect(svg.suggestedFilename()).toMatch(/burn-down.*\.svg$/);
    const markup = fs.readFileSync((await svg.path())!, 'utf8');
    expect(markup).toContain('<svg');
    expect(markup).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(markup).toMatch(/data-series="remaining" d="M[\d.]+/);
    expect(markup).toContain('stroke-dasharray');
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-chart="cfd"] button', { hasText: 'PNG' }).click()]);
    const bytes = fs.readFileSync((await png.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // The data table toggle shows the same rows.
    await page.locator('[data-chart="velocity"] button', { hasText: 'Table' }).click();
    expect(await page.locator('[data-chart="velocity"] table tbody tr').count()).toBe(4);
  });

  test('dark theme screenshot', async () => {
    const dark = await openMetrics('dark');
    await screenshot(dark, 'metrics-dark');
    await dark.screenshot({ path: 'test-results/screenshots/metrics-dark-full.png', fullPage: true });
  });
});
