/**
 * The plan page in real Chromium against a real server: live edits between two people, presence,
 * offline edits that survive a server restart, a viewer's read-only page, admin sharing, and
 * screenshots in both themes (test-results/screenshots/, for a person to look at).
 *
 * Each person gets their own browser context: contexts share neither IndexedDB nor
 * BroadcastChannel, so everything that reaches page B went through the server.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  cardTitles,
  connectionLabel,
  ensureClientBuilt,
  launchBrowser,
  newContext,
  screenshot,
  waitForCardTitle,
  waitForConnection
} from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let room: string;
const contexts: BrowserContext[] = [];

async function openPlan(token: string, colorScheme: 'light' | 'dark' = 'light', path = `/p/${room}`): Promise<Page> {
  const context = await newContext(browser, colorScheme);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}${path}?view=list&token=${encodeURIComponent(token)}`);
  return page;
}

async function addCard(page: Page, title: string): Promise<void> {
  await page.getByLabel('New card').fill(title);
  await page.getByLabel('New card').press('Enter');
  await waitForCardTitle(page, title, 5_000);
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  room = await server.createPlan('GPU buildout');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('plan page', () => {
  let ada: Page;
  let grace: Page;

  test('an edit in one page appears in the other; presence shows both', async () => {
    ada = await openPlan(server.token(room, 'editor', 'Ada Lovelace'));
    grace = await openPlan(server.token(room, 'editor', 'Grace Hopper'));
    await waitForConnection(ada, 'connected');
    await waitForConnection(grace, 'connected');

    // The token left the address bar, so copying the address shares nothing.
    expect(ada.url()).not.toContain('token=');
    await expect(ada.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('GPU buildout');

    await addCard(ada, 'Rack the first GPU nodes');
    await waitForCardTitle(grace, 'Rack the first GPU nodes');

    // Grace renames it inline, sets points and status; Ada sees all three.
    const title = grace.locator('tbody input[data-field="title"]').first();
    await title.fill('Rack and cable the first GPU nodes');
    await title.press('Enter');
    await grace.getByLabel('Points of Rack and cable the first GPU nodes').fill('5');
    await grace.getByLabel('Points of Rack and cable the first GPU nodes').press('Enter');
    await grace.getByLabel('Status of Rack and cable the first GPU nodes').selectOption({ label: 'In progress' });
    await waitForCardTitle(ada, 'Rack and cable the first GPU nodes');
    await ada.waitForFunction(() => {
      const row = document.querySelector('tbody tr');
      return row?.querySelector('select')?.value === 'doing' && row.querySelector<HTMLInputElement>('td.points input')?.value === '5';
    }, null, { timeout: 5_000 });

    for (const page of [ada, grace]) {
      await page.waitForFunction(() => document.querySelectorAll('[aria-label="People here"] li').length === 2, null, { timeout: 5_000 });
      const names = await page.locator('[aria-label="People here"] li').allTextContents();
      expect(names.join(' ')).toContain('Ada Lovelace');
      expect(names.join(' ')).toContain('Grace Hopper');
    }
    await ada.waitForFunction(() => document.querySelector('[data-state]')?.textContent?.includes('All changes saved'), null, { timeout: 5_000 });
  });

  test('undo reverts only my own edit, for everyone', async () => {
    await addCard(ada, 'Order spare PSUs');
    await waitForCardTitle(grace, 'Order spare PSUs');
    await ada.getByRole('button', { name: 'Undo' }).click();
    await grace.waitForFunction(() => ![...document.querySelectorAll<HTMLInputElement>('tbody input[data-field="title"]')].some((i) => i.value === 'Order spare PSUs'), null, { timeout: 5_000 });
    // Grace's rename of the first card is hers: Ada's undo left it alone.
    expect(await cardTitles(ada)).toEqual(['Rack and cable the first GPU nodes']);
    await ada.keyboard.press('Control+Shift+Z');
    await waitForCardTitle(grace, 'Order spare PSUs');

    // Delete from the keyboard: Delete, then the confirmation takes focus; Ctrl+Z brings it back.
    await ada.getByRole('button', { name: 'Delete Order spare PSUs' }).focus();
    await ada.keyboard.press('Enter');
    expect(await ada.evaluate(() => document.activeElement?.textContent)).toBe('Delete card');
    await ada.keyboard.press('Enter');
    await grace.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1, null, { timeout: 5_000 });
    await ada.keyboard.press('Control+z');
    await waitForCardTitle(grace, 'Order spare PSUs');
  });

  test('a chosen display name replaces the token name for everyone', async () => {
    await grace.getByRole('button', { name: /Your name: Grace Hopper/ }).click();
    await grace.getByLabel('Your name').fill('Rear Admiral Hopper');
    await grace.getByLabel('Your name').press('Enter');
    await ada.getByText('Rear Admiral Hopper').waitFor({ timeout: 5_000 });
    expect(await grace.getByRole('button', { name: /Your name: Rear Admiral Hopper/ }).isVisible()).toBe(true);
  });

  test('offline edits are counted, kept, and reach the other page after the server restarts', async () => {
    const { port, dataDir } = server;
    await server.stop();
    await waitForConnection(ada, 'offline', 10_000);

    await addCard(ada, 'Edited while the server was down');
    expect(await connectionLabel(ada)).toBe('Offline · 1 edit pending');
    await addCard(ada, 'Second offline edit');
    expect(await connectionLabel(ada)).toBe('Offline · 2 edits pending');
    await screenshot(ada, 'plan-offline-light');

    server = await startServer({ port, dataDir });
    await waitForCardTitle(grace, 'Edited while the server was down', 15_000);
    await waitForCardTitle(grace, 'Second offline edit', 5_000);
    await ada.waitForFunction(() => document.querySelector('[data-state]')?.textContent?.includes('All changes saved'), null, { timeout: 10_000 });
    // Both re-announce their presence on reconnect, so each sees the other again at once.
    for (const page of [ada, grace]) {
      await page.waitForFunction(() => document.querySelectorAll('[aria-label="People here"] li').length === 2, null, { timeout: 5_000 });
    }
  });

  test('a viewer link opens the plan with editing disabled', async () => {
    const vera = await openPlan(server.token(room, 'viewer', 'Vera Viewer'));
    await waitForConnection(vera, 'connected');
    await waitForCardTitle(vera, 'Second offline edit');
    expect(await vera.getByLabel('New card').isDisabled()).toBe(true);
    expect(await vera.locator('tbody input[data-field="title"]').first().isDisabled()).toBe(true);
    expect(await vera.locator('tbody select').first().isDisabled()).toBe(true);
    expect(await vera.getByText('View only', { exact: true }).isVisible()).toBe(true);
    expect(await vera.getByRole('button', { name: 'People' }).count()).toBe(0);
    await screenshot(vera, 'plan-viewer-light');
  });

  test('a token for another room is refused with the reason', async () => {
    const other = await server.createPlan('Other plan');
    const page = await openPlan(server.token(other, 'editor', 'Eve'));
    await waitForConnection(page, 'refused', 15_000);
    expect(await page.getByRole('alert').textContent()).toContain('the token does not grant this room');
    await screenshot(page, 'plan-refused-light');
    await page.close();
  });

  test('an expired token ends the session with the close reason, and no reconnect loop', async () => {
    // Five seconds: long enough to connect on a busy machine, so the expiry ends a live session.
    const page = await openPlan(server.token(room, 'editor', 'Shorty', 5));
    await waitForConnection(page, 'connected');
    await waitForConnection(page, 'refused', 12_000);
    expect(await page.getByRole('alert').textContent()).toContain('token expired');
    await page.close();
  });

  test('an admin invites a viewer and the invitation opens read-only', async () => {
    const admin = await openPlan(server.token(room, 'admin', 'Alan Admin', 40 * 86_400));
    await waitForConnection(admin, 'connected');
    await admin.getByRole('button', { name: 'People' }).click();
    await admin.getByLabel('Role', { exact: true }).selectOption('viewer');
    await admin.getByLabel('Expires after').selectOption({ label: '30 days' });
    await admin.getByRole('button', { name: 'Create invitation' }).click();
    const link = admin.getByLabel(/Invitation for a/);
    await link.waitFor({ timeout: 5_000 });
    const url = await link.inputValue();
    expect(url).toMatch(/\/join\/[A-Za-z0-9_-]+$/);
    await screenshot(admin, 'share-dialog-light');
    await admin.keyboard.press('Escape');

    const shared = await admin.context().newPage();
    await shared.goto(url);
    await shared.getByLabel('Your name').fill('Vic Viewer');
    await shared.getByRole('button', { name: 'Join the plan' }).click();
    await shared.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
    await waitForConnection(shared, 'connected');
    expect(await shared.getByLabel('New card').isDisabled()).toBe(true);
    await shared.close();

    // New plan from the plan page: the app moves to it without a reload and drops the token.
    await admin.getByRole('button', { name: 'New plan' }).click();
    await admin.getByLabel('Plan name').fill('Retro board');
    await admin.getByLabel('Plan name').press('Enter');
    await admin.waitForFunction(() => document.querySelector('h1')?.textContent === 'Retro board', null, { timeout: 5_000 });
    await waitForConnection(admin, 'connected');
    await admin.waitForFunction(() => !location.search.includes('token='), null, { timeout: 2_000 });
    expect(admin.url()).toMatch(/\/p\/retro-board/);
  });

  test('screenshots at 1280x800 in light and dark', async () => {
    await addCard(ada, 'Negotiate colo power contract');
    await screenshot(ada, 'plan-light');
    const dark = await openPlan(server.token(room, 'editor', 'Dora Dark'), 'dark');
    await waitForConnection(dark, 'connected');
    await waitForCardTitle(dark, 'Negotiate colo power contract');
    await dark.waitForFunction(() => document.querySelectorAll('[aria-label="People here"] li').length >= 3, null, { timeout: 5_000 });
    await screenshot(dark, 'plan-dark');

    // Transient states a person meets: confirming a delete, editing one's name.
    await dark.getByRole('button', { name: 'Delete Negotiate colo power contract' }).click();
    await dark.getByRole('button', { name: 'Your name: Dora Dark. Change name' }).click();
    await screenshot(dark, 'plan-dark-confirm-and-rename');
    await dark.keyboard.press('Escape');
    await dark.getByRole('button', { name: 'Keep' }).click();

    // The toggle overrides the system preference, and the choice survives a reload.
    await dark.getByRole('button', { name: /Change theme/ }).click();
    expect(await dark.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await dark.reload();
    await waitForConnection(dark, 'connected');
    expect(await dark.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await screenshot(dark, 'plan-light-by-toggle');

    const landing = await (await newContext(browser, 'dark')).newPage();
    contexts.push(landing.context());
    await landing.goto(`${server.url}/?token=${encodeURIComponent(server.token('*', 'admin', 'Alan Admin'))}`);
    await landing.getByLabel('Plan name').waitFor({ timeout: 5_000 });
    await screenshot(landing, 'landing-dark');
  });
});
