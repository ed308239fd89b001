/**
 * Getting back in (issue 13): after joining through an invitation, the plan's plain address (a
 * bookmark, a pasted address, a new tab) opens it; the landing page lists this browser's plans
 * with the role and when each was last opened, and "Forget" signs out of one on this device; an
 * address this browser has no session for says how to get in (paste the invitation link).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { invite } from '../helpers/access.ts';
import { contextPool, ensureClientBuilt, launchBrowser, screenshot, waitForConnection } from '../helpers/browser.ts';
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

describe('getting back in', () => {
  test('a joined plan opens from its bare address and is listed on the landing page; Forget signs out here', async () => {
    const room = await server.createPlan('Steering Q1');
    const admin = server.token(room, 'admin', 'Alan Admin');
    const minted = await invite(server.url, room, admin, { role: 'editor' });
    const ctx = await contexts.open();
    const page = await ctx.newPage();
    await page.goto(`${server.url}${minted.url}`);
    await page.getByLabel('Your name').fill('Bea Bookmark');
    await page.getByRole('button', { name: 'Join the plan' }).click();
    await page.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
    await waitForConnection(page, 'connected');

    // A new tab with the bookmarked address (no token in it) is the same person.
    const tab = await ctx.newPage();
    await tab.goto(`${server.url}/p/${room}`);
    await waitForConnection(tab, 'connected');
    await tab.close();

    await page.goto(server.url + '/');
    const plans = page.getByRole('navigation', { name: 'Your plans' });
    const item = plans.getByRole('listitem').filter({ hasText: 'Steering Q1' });
    await item.waitFor({ timeout: 5_000 });
    expect((await item.textContent())!.replace(/\s+/g, ' ')).toMatch(/as Bea Bookmark, editor · last opened (just now|\d+ min\. ago)/);
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
