/**
 * The connection badge names a store outage, in real Chromium: the server's Postgres (through a
 * proxy the test freezes) stops answering, a card added meanwhile is "Not saved yet", with the
 * count of pending edits and a warning glyph, not colour alone; when the database answers again
 * the badge says everything is saved and the card is in the store.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { createPlanRoom } from '../../server/plans.ts';
import { cards } from '../../shared/doc/cards.ts';
import { connectionLabel, ensureClientBuilt, launchBrowser, newContext, screenshot, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { waitFor } from '../helpers/clients.ts';
import { serverBehindProxy, type ProxiedServer } from '../helpers/proxied-store.ts';
import { tokenFor } from '../helpers/server.ts';
import { ensurePostgres } from '../helpers/services.ts';

const SECRET = 'store-held-e2e-secret-0123456789abcdef';
let proxied: ProxiedServer;
let browser: Browser;

beforeAll(async () => {
  await ensurePostgres();
  await ensureClientBuilt();
  proxied = await serverBehindProxy(SECRET);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await proxied?.stop();
});

describe('store held', () => {
  test('a frozen database shows as "Not saved yet" in the badge, and "All changes saved" once it answers', async () => {
    const { server, proxy, direct } = proxied;
    const room = await createPlanRoom(direct, { name: 'Held plan' }, 'test');
    const page = await (await newContext(browser)).newPage();
    await page.goto(`http://127.0.0.1:${server.port}/p/${room}?view=list&token=${encodeURIComponent(tokenFor(SECRET)(room, 'editor', 'Ana'))}`);
    await waitForConnection(page, 'connected');
    await waitFor(async () => (await connectionLabel(page)) === 'All changes saved', 'saved at first');

    proxy.freeze();
    await page.getByLabel('New card').fill('Written while the database hangs');
    await page.getByLabel('New card').press('Enter');
    await waitForCardTitle(page, 'Written while the database hangs');
    await waitForConnection(page, 'held', 10_000);
    const badge = page.locator('[role=status][data-state="held"]');
    expect(await connectionLabel(page)).toMatch(/^Not saved yet · \d+ edits? pending · server storage unavailable$/);
    expect(await badge.locator('.glyph').textContent()).toBe('⚠');
    await screenshot(page, 'store-held');

    await proxy.resume();
    await waitForConnection(page, 'connected', 10_000);
    await waitFor(async () => (await connectionLabel(page)) === 'All changes saved', 'saved after the database answers', 10_000);
    const loaded = await direct.load(room);
    const doc = new Y.Doc();
    if (loaded.checkpoint) Y.applyUpdate(doc, loaded.checkpoint.data);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
    expect(cards.list(doc).map((c) => c.title)).toContain('Written while the database hangs');
    doc.destroy();
  }, 60_000);
});
