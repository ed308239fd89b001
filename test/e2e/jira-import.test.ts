/**
 * A full Jira Cloud export imported through the backlog's import dialog lands epics, rich
 * descriptions and due dates [J7, J8, J11] (real server, real Chromium; the fixture of
 * test/unit/jira-import.test.ts). The description is checked as the card editor renders it, so the
 * rich-text shape the import writes is read by Lexical itself.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForConnection } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
const room = 'jira-import-e2e';

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  const doc = new Y.Doc();
  createPlan(doc, createEditor('setup', 'server'), { name: 'Shop', timeZone: 'Europe/London' });
  await storeNewRoom(server.server.store, room, 'plan', doc, 'setup');
  doc.destroy();
  browser = await launchBrowser();
  context = await newContext(browser, 'light');
  context.setDefaultTimeout(5_000);
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

async function openCard(page: Page, id: string): Promise<void> {
  await page.locator(`[data-row-id="${id}"] [data-card-id]`).focus();
  await page.keyboard.press('Enter');
  await page.locator('dialog.card-detail [data-editor-root]').waitFor();
}

test('[J7, J8, J11] the 75-row export imports 72 cards and 3 epics, with descriptions, epics and due dates', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${server.url}/p/${room}?view=backlog&token=${encodeURIComponent(server.token(room, 'editor', 'Ana'))}`);
  await waitForConnection(page, 'connected');
  await page.getByRole('button', { name: 'Import Jira CSV…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a Jira CSV' });
  const summary = dialog.locator('[data-import-summary]');

  // [J10] The spreadsheet re-save: month-first detected and offered; day-first refuses rows.
  const resaved = fs.readFileSync(new URL('../unit/fixtures/jira-cloud-resaved.csv', import.meta.url));
  await page.locator('#import-file').setInputFiles({ name: 'jira-cloud-resaved.csv', mimeType: 'text/csv', buffer: resaved });
  await summary.waitFor();
  expect(await dialog.locator('[data-import-date-order]').textContent()).toContain('Detected from the file');
  expect(await dialog.getByLabel('Dates like 9/8/2021 read as').inputValue()).toBe('mdy');
  expect(await summary.textContent()).toMatch(/^72 rows ready, 3 epics, \d+ warnings\.$/);
  await dialog.getByLabel('Dates like 9/8/2021 read as').selectOption('dmy');
  await page.waitForFunction(() => /with problems/.test(document.querySelector('[data-import-summary]')?.textContent ?? ''));
  expect(await dialog.locator('[data-import-date-order]').textContent()).toContain('you chose otherwise');
  await dialog.locator('[data-import-date-order]').scrollIntoViewIfNeeded();
  await screenshot(page, 'backlog-import-jira-date-order');

  const csv = fs.readFileSync(new URL('../unit/fixtures/jira-cloud-export.csv', import.meta.url));
  await page.locator('#import-file').setInputFiles({ name: 'jira-cloud-export.csv', mimeType: 'text/csv', buffer: csv });
  await page.waitForFunction(() => !document.querySelector('[data-import-date-order]'));
  expect(await summary.textContent()).toMatch(/^72 rows ready, 3 epics, \d+ warnings\.$/);
  expect(await dialog.locator('[data-import-unmapped]').textContent()).toContain('Reporter, Updated');
  await screenshot(page, 'backlog-import-jira-full');
  await dialog.getByRole('button', { name: 'Import 72 cards and 3 epics' }).click();
  await dialog.getByText(/^Imported 72 cards and 3 epics\./).waitFor();
  await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();

  await openCard(page, 'SHOP-8');
  const detail = page.locator('dialog.card-detail');
  const editor = detail.locator('[data-editor-root]');
  await editor.locator('h3', { hasText: 'Acceptance' }).waitFor();
  expect(await editor.locator('ol li').allTextContents()).toEqual(['totals update live', 'no page reload']);
  expect(await editor.locator('a').getAttribute('href')).toBe('https://example.com/figma');
  expect(await editor.locator('code, .code, [class*="code"]').first().textContent()).toBe('checkout.ts');
  expect(await detail.getByLabel('Epic').inputValue()).toBe('SHOP-3');
  await screenshot(page, 'card-detail-imported-description');
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' }).catch(() => {});

  await openCard(page, 'SHOP-9');
  const second = page.locator('dialog.card-detail');
  await second.locator('[data-editor-root] ul li').first().waitFor();
  expect(await second.locator('[data-editor-root] ul li').allTextContents()).toEqual(['open the basket', 'press Pay, twice']);
  expect(await second.getByLabel('Due date').inputValue()).toBe('2024-04-10');
  expect(await second.getByLabel('Epic').inputValue()).toBe('SHOP-1');
}, 60_000);
