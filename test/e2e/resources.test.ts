/**
 * The Resources view in real Chromium against a real server with the demo plan (issue 15). Ada
 * books Priya on top of her shadow-mode evaluation; Grace, in another browser, sees the
 * over-allocation and the threatened milestone appear. Ada opens the cell and moves the booking a
 * week later with the keyboard. Grace logs the suggested risk for Tom in one click and both see it
 * logged, linked to the milestone and the resource. Screenshots go to test-results/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForConnection } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'demo-gpu-cluster';
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

/** The demo's anchor: the Monday of this week in the plan's zone; `day(n)` is n days after it. */
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(Date.now());
const monday = Date.parse(`${today}T00:00:00Z`) - ((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) * 86_400_000;
const day = (n: number) => new Date(monday + n * 86_400_000).toISOString().slice(0, 10);

async function open(name: string): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  await page.goto(`${server.url}/p/${ROOM}?view=resources&token=${encodeURIComponent(server.token(ROOM, 'editor', name))}`);
  await waitForConnection(page, 'connected', 30_000);
  await page.locator('table.heat').waitFor({ timeout: 30_000 });
  return page;
}

const cell = (page: Page, resource: string, week: string) => page.locator(`button[data-resource="${resource}"][data-week="${week}"]`);
const threat = (page: Page, key: string) => page.locator(`li[data-threat="${key}"]`);

describe('resources view', () => {
  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startServer({ seed: true, env: { ROOM_IDLE_MS: '60000' } });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });

  test('book, see it for another user, move it with the keyboard, log the risk', async () => {
    const ada = await open('Ada');
    const grace = await open('Grace');
    // The seeded over-allocation: Tom next week, marked by icon and text.
    await expect.poll(() => cell(ada, 'm-tom', day(7)).textContent(), { timeout: 5_000 }).toContain('over');
    expect(await cell(ada, 'm-tom', day(7)).getAttribute('aria-label')).toContain('over-allocated');
    await threat(ada, 'm-tom:ms-cluster-accept').waitFor({ timeout: 5_000 });
    await screenshot(ada, 'resources-people');
    expect(await threat(grace, 'm-priya:ms-shadow').count()).toBe(0);

    // Ada books Priya full time for a week in which she is already at 60 %.
    const form = ada.locator('form[aria-label="New booking"]');
    const selects = form.locator('select');
    await selects.nth(0).selectOption('m-priya');
    await selects.nth(1).selectOption('milestone');
    await selects.nth(2).selectOption('ms-shadow');
    await form.locator('input').nth(0).fill('Extra evaluation runs');
    await form.locator('input[type=date]').nth(0).fill(day(14));
    await form.locator('input[type=date]').nth(1).fill(day(18));
    await form.locator('input[type=number]').fill('100');
    await form.getByRole('button', { name: 'Book' }).click();

    // Grace sees the over-allocation and the threatened milestone appear.
    await expect.poll(() => cell(grace, 'm-priya', day(14)).textContent(), { timeout: 5_000 }).toContain('over');
    await threat(grace, 'm-priya:ms-shadow').waitFor({ timeout: 5_000 });

    // Ada drills into the cell and moves the booking a week later, keyboard only.
    await cell(ada, 'm-priya', day(14)).focus();
    await ada.keyboard.press('Enter');
    const row = ada.locator('.detail li', { hasText: 'Extra evaluation runs' });
    await row.waitFor({ timeout: 5_000 });
    const later = row.getByRole('button', { name: 'Week later →' });
    await later.focus();
    await ada.keyboard.press('Enter');
    await expect.poll(() => ada.locator('[role=status][aria-live=polite]').last().textContent(), { timeout: 5_000 }).toContain('moved to Priya Raman');
    await expect.poll(() => cell(grace, 'm-priya', day(14)).textContent(), { timeout: 5_000 }).not.toContain('over');
    await expect.poll(() => cell(grace, 'm-priya', day(21)).textContent(), { timeout: 5_000 }).toContain('over');
    await screenshot(ada, 'resources-detail');

    // Grace logs the suggested risk for Tom; both see it logged, linked to the milestone and Tom.
    await threat(grace, 'm-tom:ms-cluster-accept').getByRole('button', { name: 'Log risk' }).click();
    for (const page of [grace, ada]) {
      await threat(page, 'm-tom:ms-cluster-accept').locator('a', { hasText: 'Over-allocation of Tom Okafor' }).waitFor({ timeout: 5_000 });
      expect(await threat(page, 'm-tom:ms-cluster-accept').getByRole('button', { name: 'Log risk' }).count()).toBe(0);
    }
    await ada.getByRole('button', { name: 'Pools', exact: true }).click();
    await ada.locator('button[data-resource="pool-gpu"]').first().waitFor({ timeout: 5_000 });
    await screenshot(ada, 'resources-pools');
    // The status pack shows the resource picture with the logged risk.
    await ada.getByRole('tab', { name: 'Status pack', exact: true }).click();
    const picture = ada.locator('section[data-section="resources"]');
    await picture.waitFor({ timeout: 10_000 });
    await expect.poll(() => picture.textContent(), { timeout: 5_000 }).toContain('Priya Raman over-allocated');
    expect(await picture.textContent()).toContain('risk logged');
    expect(errors).toEqual([]);
  }, 150_000);
});
