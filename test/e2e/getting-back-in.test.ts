/**
 * Getting back in (issue 13), in real Chromium against a real server:
 * - after joining through an invitation, the plan's plain address (a bookmark, a pasted address, a
 *   new tab) opens it; the landing page lists this browser's plans with the role and when each was
 *   last opened, and "Forget" signs out of one on this device; an address this browser has no
 *   session for says how to get in (paste the invitation link);
 * - offline start: the service worker caches the built client, so a plan reloaded with no network
 *   opens from the cached app and this browser's local store (y-indexeddb), shows the offline
 *   badge, takes edits, and syncs them when the network is back.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { invite } from '../helpers/access.ts';
import { contextPool, ensureClientBuilt, joinByName, launchBrowser, screenshot, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
const contexts = contextPool(() => browser);

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await contexts.closeAll();
  await browser?.close();
  await server?.stop();
});

async function addCard(page: Page, title: string): Promise<void> {
  await page.getByLabel('New card').fill(title);
  await page.getByLabel('New card').press('Enter');
}

const saved = (page: Page) => page.waitForFunction(() => document.querySelector('[data-state]')?.textContent?.includes('All changes saved'), null, { timeout: 15_000 });

describe('getting back in', () => {
  test('a joined plan opens from its bare address and is listed on the landing page; Forget signs out here', async () => {
    const room = await server.createPlan('Steering Q1');
    const admin = server.token(room, 'admin', 'Alan Admin');
    const minted = await invite(server.url, room, admin, { role: 'editor' });
    const ctx = await contexts.open();
    const page = await ctx.newPage();
    await joinByName(page, server.url, minted.url, room, 'Bea Bookmark');

    // A new tab with the bookmarked address (no token in it) is the same person.
    const tab = await ctx.newPage();
    await tab.goto(`${server.url}/p/${room}`);
    await waitForConnection(tab, 'connected');
    await tab.close();

    await page.goto(server.url + '/');
    const plans = page.getByRole('navigation', { name: 'Your plans' });
    const item = plans.getByRole('listitem').filter({ hasText: 'Steering Q1' });
    await item.waitFor({ timeout: 5_000 });
    expect((await item.textContent())!.replace(/\s+/g, ' ')).toMatch(/as Bea Bookmark, editor · last opened (just now|\d+ min ago)/);
    await screenshot(page, 'landing-your-plans-light');
    await item.getByRole('link', { name: 'Steering Q1' }).click();
    await page.waitForURL(`${server.url}/p/${room}`);
    await waitForConnection(page, 'connected');

    await page.goto(server.url + '/');
    const session = await page.evaluate((r) => JSON.parse(localStorage.getItem(`plenary:person:${r}`)!).token as string, room);
    await plans.getByRole('button', { name: 'Forget Steering Q1 on this device' }).click();
    await page.getByRole('button', { name: 'Forget it' }).click();
    await plans.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.evaluate((r) => localStorage.getItem(`plenary:person:${r}`), room)).toBeNull();
    // Ended on the server too, not only forgotten here.
    expect((await fetch(`${server.url}/api/session?room=${room}`, { headers: { authorization: `Bearer ${session}` } })).status).toBe(401);
    await page.goto(`${server.url}/p/${room}`);
    await page.getByRole('heading', { name: 'This plan needs an invitation' }).waitFor({ timeout: 5_000 });
  }, 60_000);

  test('an address without a session explains how to get in and opens a pasted invitation link', async () => {
    const room = await server.createPlan('Forwarded plan');
    const minted = await invite(server.url, room, server.token(room, 'admin', 'Alan Admin'), { role: 'viewer' });
    const page = await (await contexts.open()).newPage();
    await page.goto(`${server.url}/p/${room}`);
    await page.getByRole('heading', { name: 'This plan needs an invitation' }).waitFor({ timeout: 5_000 });
    await page.getByLabel('Invitation link').fill('https://example.org/p/not-a-link');
    await page.getByRole('button', { name: 'Open invitation' }).click();
    await page.getByRole('alert').filter({ hasText: 'That is not an invitation link' }).waitFor({ timeout: 2_000 });
    await screenshot(page, 'plan-needs-invitation-light');
    await page.getByLabel('Invitation link').fill(`${server.url}${minted.url}`);
    await page.getByLabel('Invitation link').press('Enter');
    await page.waitForURL(`${server.url}${minted.url}`, { timeout: 5_000 });
    await page.getByLabel('Your name').waitFor({ timeout: 5_000 });
  }, 60_000);
});

describe('offline start', () => {
  test('an offline reload opens the plan from the local store; edits made offline sync when back online', async () => {
    const room = await server.createPlan('Offline start');
    const admin = server.token(room, 'admin', 'Alan Admin');
    const minted = await invite(server.url, room, admin, { role: 'editor' });
    const ctx = await contexts.open();
    const page = await ctx.newPage();
    await joinByName(page, server.url, minted.url, room, 'Olga Offline');
    await addCard(page, 'Written online');
    await saved(page);
    // The worker has installed (the whole build is in its cache) and controls this page.
    const cached = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 50));
      const keys = await caches.keys();
      const cache = await caches.open(keys.find((k) => k.startsWith('plenary-'))!);
      return { controlled: !!navigator.serviceWorker.controller, keys, entries: (await cache.keys()).length };
    });
    expect(cached.controlled).toBe(true);
    expect(cached.keys.filter((k) => k.startsWith('plenary-'))).toHaveLength(1);
    expect(cached.entries).toBeGreaterThan(10);

    await ctx.setOffline(true);
    await page.reload();
    await waitForCardTitle(page, 'Written online', 10_000);
    await waitForConnection(page, 'offline', 10_000);
    await addCard(page, 'Written offline');
    await waitForCardTitle(page, 'Written offline', 5_000);
    await screenshot(page, 'offline-start-light');

    await ctx.setOffline(false);
    await saved(page);
    // Another person sees what was written offline: it reached the server.
    const other = await (await contexts.open()).newPage();
    await other.goto(`${server.url}/p/${room}?token=${encodeURIComponent(server.token(room, 'viewer', 'Vera Viewer'))}`);
    await waitForCardTitle(other, 'Written offline', 10_000);
  }, 90_000);

  test('a view opened for the first time while offline was cached too (views load lazily)', async () => {
    const room = await server.createPlan('Lazy views');
    const ctx = await contexts.open();
    const page = await ctx.newPage();
    const scripts = new Set<string>();
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
    });
    await page.goto(`${server.url}/p/${room}?token=${encodeURIComponent(server.token(room, 'editor', 'Lars Lazy'))}`);
    await waitForConnection(page, 'connected');
    await page.evaluate(() => navigator.serviceWorker.ready);
    const firstLoad = scripts.size;
    await ctx.setOffline(true);
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.locator('#plan-view').getByRole('heading').first().waitFor({ timeout: 10_000 });
    expect(await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).count()).toBe(0);
    expect(firstLoad).toBeGreaterThan(0);
    await ctx.setOffline(false);
  }, 60_000);
});
