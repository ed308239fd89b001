/**
 * Refusals explain themselves (issue 10), in real Chromium against a real server: a person revoked
 * through the access API reads why and what to do, and the page stops (no new socket, no "Try
 * again"); a room the server unloads (4500) comes back by itself after a countdown; a person past
 * the per-person socket cap (4436) is told to close a tab, sees the countdown, and "Try now" works
 * from the keyboard once a tab is closed. Signing out ends the session and says so (4435).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accept, invite, revokePerson } from '../helpers/access.ts';
import { contextPool, ensureClientBuilt, launchBrowser, screenshot, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { waitFor } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import type { Room } from '../../server/sync/room.ts';

let server: TestServer;
let browser: Browser;

const contexts = contextPool(() => browser);
const context = contexts.open;

async function openPlan(room: string, token: string, ctx?: BrowserContext): Promise<Page> {
  const page = await (ctx ?? (await context())).newPage();
  await page.goto(`${server.url}/p/${room}?view=list&token=${encodeURIComponent(token)}`);
  return page;
}

/** Counts the WebSockets a page opens from now on (a retry loop shows up here). */
function countSockets(page: Page): { readonly count: number } {
  let count = 0;
  page.on('websocket', () => count++);
  return {
    get count() {
      return count;
    }
  };
}

/**
 * Records every connection notice and countdown the page shows from now on, however briefly (the
 * first retry after an unload is about half a second away).
 */
async function watchNotices(page: Page): Promise<() => Promise<{ setbacks: string[]; countdowns: string[] }>> {
  await page.evaluate(() => {
    const seen = { setbacks: [] as string[], countdowns: [] as string[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const look = () => {
      for (const el of document.querySelectorAll('[data-setback]')) seen.setbacks.push(el.getAttribute('data-setback')!);
      for (const el of document.querySelectorAll('[data-retry-in]')) seen.countdowns.push(el.textContent!.trim());
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __seen: { setbacks: string[]; countdowns: string[] } }).__seen);
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer({ env: { MAX_CONNECTIONS_PER_SESSION: '2' } });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await contexts.closeAll();
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('refusals explain themselves', () => {
  test('revoked through the access API: the page says so, offers a new invitation, and never reconnects', async () => {
    const room = await server.createPlan('Revoked plan');
    const admin = server.token(room, 'admin', 'Alan Admin');
    const minted = await invite(server.url, room, admin, { role: 'editor' });
    const rita = await accept(server.url, minted.code, 'Rita Revoked');
    const page = await openPlan(room, rita.token);
    await waitForConnection(page, 'connected');
    const sockets = countSockets(page);

    await revokePerson(server.url, room, admin, rita.person.id);
    const notice = page.locator('[role=alert][data-refusal=revoked]');
    await notice.waitFor({ timeout: 3_000 });
    const text = (await notice.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('Your access to this plan was revoked by an admin.');
    expect(text).toContain('ask the plan’s admin for a new invitation');
    expect(text).toContain('(4434)');
    // Nothing to retry: no button that would loop, and the pill says so in words.
    expect(await notice.getByRole('button').count()).toBe(0);
    await waitForConnection(page, 'refused', 1_000);
    expect(await page.locator('[role=status][data-state]').getAttribute('title')).toBe('Your access to this plan was revoked by an admin.');
    await screenshot(page, 'refusal-revoked-light');

    await new Promise((r) => setTimeout(r, 3_000));
    expect(sockets.count).toBe(0);
    expect([...server.server.sync.connections].filter((c) => c.author === rita.person.id)).toHaveLength(0);
    await waitForConnection(page, 'refused', 500);
  });

  test('a room the server unloads (4500) reconnects by itself after a countdown, and edits flow again', async () => {
    const room = await server.createPlan('Unloaded plan');
    const page = await openPlan(room, server.token(room, 'editor', 'Uma Unload'));
    await waitForConnection(page, 'connected');
    await page.getByLabel('New card').fill('Before the unload');
    await page.getByLabel('New card').press('Enter');
    await waitForCardTitle(page, 'Before the unload');
    const seen = await watchNotices(page);
    const sockets = countSockets(page);

    const resident = server.server.rooms.get(room) as Room;
    server.server.rooms.failed(resident, 'test', new Error('forced by the test'));

    await waitFor(async () => (await seen()).setbacks.includes('internal'), 'the unload notice', 5_000);
    await waitForConnection(page, 'connected', 10_000);
    await page.locator('[data-setback]').waitFor({ state: 'detached', timeout: 5_000 });
    const { countdowns } = await seen();
    expect(countdowns.some((t) => /^Trying again in \d+ s\.$/.test(t))).toBe(true);
    // Backed off, not hammered: one reconnect normally, a few at most on a slow machine.
    expect(sockets.count).toBeGreaterThanOrEqual(1);
    expect(sockets.count).toBeLessThan(4);
    // A fresh room on the server: the page's next edit is committed and served to a newcomer.
    await page.getByLabel('New card').fill('After the unload');
    await page.getByLabel('New card').press('Enter');
    const other = await openPlan(room, server.token(room, 'viewer', 'Otto Other'));
    await waitForCardTitle(other, 'After the unload', 10_000);
    await waitForCardTitle(other, 'Before the unload', 1_000);
  });

  test('signing out of a plan: asked once more, the server ends the session, this browser forgets it', async () => {
    const room = await server.createPlan('Shared laptop');
    const admin = server.token(room, 'admin', 'Alan Admin');
    const minted = await invite(server.url, room, admin, { role: 'editor' });
    const page = await (await context()).newPage();
    await page.goto(`${server.url}${minted.url}`);
    await page.getByLabel('Your name').fill('Sam Shared');
    await page.getByRole('button', { name: 'Join the plan' }).click();
    await page.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
    await waitForConnection(page, 'connected');
    const token = await page.evaluate((r) => JSON.parse(localStorage.getItem(`plenary:person:${r}`)!).token as string, room);

    // Offline: an edit the server has not confirmed is named before anything is discarded, and a
    // sign-out the server cannot hear does not happen.
    await page.context().setOffline(true);
    await waitForConnection(page, 'offline', 10_000);
    await page.getByLabel('New card').fill('Written offline');
    await page.getByLabel('New card').press('Enter');
    await page.getByRole('button', { name: 'Sign out of this plan' }).click();
    await page.getByRole('group', { name: 'Sign out? 1 edit not saved to the server yet will be discarded from this device.' }).waitFor({ timeout: 2_000 });
    await page.getByRole('button', { name: 'Discard 1 edit and sign out' }).click();
    await page.getByRole('alert').filter({ hasText: 'The server cannot be reached, so you are still signed in.' }).waitFor({ timeout: 5_000 });
    expect(await page.evaluate((r) => localStorage.getItem(`plenary:person:${r}`), room)).not.toBeNull();
    await page.context().setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-state]')?.textContent?.includes('All changes saved'), null, { timeout: 15_000 });

    await page.getByRole('button', { name: 'Sign out of this plan' }).click();
    await page.getByRole('group', { name: 'Sign out of this plan in this browser?' }).waitFor({ timeout: 2_000 });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    const notice = page.locator('[role=alert][data-refusal=signedOut]');
    await notice.waitFor({ timeout: 3_000 });
    expect((await notice.textContent())!.replace(/\s+/g, ' ')).toContain('You signed out of this plan in this browser. Open your invitation link again to come back.');
    await waitForConnection(page, 'refused', 1_000);
    // Forgotten here, dead on the server, and the plan is no longer on screen.
    expect(await page.evaluate((r) => localStorage.getItem(`plenary:person:${r}`), room)).toBeNull();
    expect((await fetch(`${server.url}/api/session?room=${room}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect(await page.getByLabel('New card').count()).toBe(0);
    await screenshot(page, 'refusal-signed-out-light');
    await page.reload();
    await page.getByRole('heading', { name: 'This plan needs an invitation' }).waitFor({ timeout: 5_000 });
  });

  test('past the per-person socket cap (4436): "close a tab", a countdown, and "Try now" from the keyboard', async () => {
    const room = await server.createPlan('Busy plan');
    const token = server.token(room, 'editor', 'Tia Tabs');
    const ctx = await context();
    const first = await openPlan(room, token, ctx);
    await waitForConnection(first, 'connected');
    const second = await openPlan(room, token, ctx);
    await waitForConnection(second, 'connected');
    const third = await openPlan(room, token, ctx);

    const notice = third.locator('[role=status][data-setback=tooManyConnections]');
    await notice.waitFor({ timeout: 5_000 });
    expect((await notice.textContent())!.replace(/\s+/g, ' ')).toContain('Too many open tabs for you on this server. Close one; Plenary tries again by itself.');
    const countdown = notice.locator('[data-retry-in]');
    expect(await countdown.textContent()).toMatch(/^Trying again in [3-6] s\.$/);
    await third.locator('[role=status][data-state] [data-retry-in]').waitFor({ timeout: 1_000 });
    await screenshot(third, 'refusal-too-many-tabs-light');

    await first.close();
    await waitFor(() => [...server.server.sync.connections].filter((c) => c.roomName === room).length < 2, 'the closed tab’s socket to go', 5_000);
    // Keyboard: the button is in the tab order and Enter retries at once, well before the countdown.
    const tryNow = notice.getByRole('button', { name: 'Try now' });
    await tryNow.focus();
    expect(await third.evaluate(() => document.activeElement?.textContent)).toBe('Try now');
    const pressed = Date.now();
    await third.keyboard.press('Enter');
    await waitForConnection(third, 'connected', 3_000);
    expect(Date.now() - pressed).toBeLessThan(3_000);
    await notice.waitFor({ state: 'detached', timeout: 5_000 });
  });
});
