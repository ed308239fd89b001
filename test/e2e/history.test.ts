/**
 * The history view in real Chromium (issue 14): a plan edited through a stock client, then opened
 * at a named moment: the page shows the plan read-only as it was then, clearly marked, while a
 * live edit lands and leaves that view alone; the slider's end shows the plan as it is now; an
 * editor names the moment shown and the version appears; a viewer gets no naming form.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addCard, cards, rankAtEnd } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { ensureClientBuilt, launchBrowser, newContext, screenshot } from '../helpers/browser.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let room: string;
let client: TestClient;
const contexts: BrowserContext[] = [];

/** Until the server has committed the client's plan as the client sees it. */
async function committed() {
  const want = JSON.stringify(snapshot(client.doc));
  await waitFor(() => {
    const r = server.server.rooms.get(room);
    return r && !r.uncommitted && JSON.stringify(snapshot(r.doc)) === want;
  }, 'the edit committed');
}

async function openHistory(role: 'viewer' | 'editor', name: string): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/p/${room}?view=history&token=${encodeURIComponent(server.token(room, role, name))}`);
  await page.getByRole('heading', { name: 'History', exact: true }).waitFor({ timeout: 15_000 });
  return page;
}

const pastTitles = (page: Page) => page.locator('[data-testid="history-past"] li.card').evaluateAll((els) => els.map((e) => e.firstChild?.textContent?.trim() ?? ''));

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  browser = await launchBrowser();
  room = await server.createPlan('History e2e');
  client = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ann'));
  await waitForSync(client);
}, 180_000);

afterAll(async () => {
  client?.destroy();
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

describe('history view', () => {
  test('shows a named past moment read-only while live edits go on, and the slider end is now', async () => {
    const ann = createEditor('u-ann', 'user');
    const todo = statuses.list(client.doc)[0].id;
    const alpha = addCard(client.doc, ann, { title: 'Alpha', status: todo, rank: rankAtEnd(client.doc) });
    await committed();
    const then = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    cards.update(client.doc, ann, alpha, { title: 'Alpha renamed' });
    addCard(client.doc, ann, { title: 'Beta', status: todo, rank: rankAtEnd(client.doc) });
    await committed();
    const res = await fetch(`${server.url}/api/plans/${room}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token(room, 'editor', 'Ann')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Before the rename', at: then })
    });
    expect(res.status).toBe(201);

    const page = await openHistory('viewer', 'Vic');
    await page.getByRole('button', { name: /Before the rename/ }).click();
    const banner = page.getByRole('status').filter({ hasText: 'Read-only: the plan as it was' });
    await banner.waitFor();
    await waitFor(async () => JSON.stringify(await pastTitles(page)) === JSON.stringify(['Alpha']), 'the past plan shown');
    // A viewer cannot name versions.
    expect(await page.getByRole('button', { name: 'Save version' }).count()).toBe(0);

    // A live edit lands: the past view stays as it was.
    addCard(client.doc, ann, { title: 'Gamma', status: todo, rank: rankAtEnd(client.doc) });
    await committed();
    await new Promise((r) => setTimeout(r, 300));
    expect(await pastTitles(page)).toEqual(['Alpha']);

    // The slider, by keyboard: the history's `now` is when the page loaded it, so reload first
    // for Gamma to be inside its range.
    await page.reload();
    await page.getByRole('heading', { name: 'History', exact: true }).waitFor();
    const slider = page.getByRole('slider', { name: 'Moment' });
    await slider.focus();
    // It starts at now; Home goes to the plan's creation (no cards yet), End back to now.
    await slider.press('Home');
    await page.getByRole('status').filter({ hasText: 'Read-only: the plan as it was' }).waitFor();
    await waitFor(async () => (await page.locator('[data-testid="history-past"] section.column').count()) > 0, 'the columns at creation');
    expect(await pastTitles(page)).toEqual([]);
    await slider.press('End');
    await waitFor(async () => JSON.stringify(await pastTitles(page)) === JSON.stringify(['Alpha renamed', 'Beta', 'Gamma']), 'the present shown', 10_000);
    await screenshot(page, 'history-view');
  }, 60_000);

  test('an editor names the moment shown and it is listed', async () => {
    const page = await openHistory('editor', 'Ed');
    await page.getByRole('button', { name: /Before the rename/ }).click();
    await waitFor(async () => JSON.stringify(await pastTitles(page)) === JSON.stringify(['Alpha']), 'the past plan shown');
    await page.getByLabel('Name this moment').fill('Steering 12 Nov');
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByRole('button', { name: /Steering 12 Nov/ }).waitFor();
    const history = await (await fetch(`${server.url}/api/plans/${room}/history`, { headers: { authorization: `Bearer ${server.token(room, 'viewer', 'V')}` } })).json();
    const names = history.versions.map((v: { name: string }) => v.name);
    expect(names).toContain('Steering 12 Nov');
    const steering = history.versions.find((v: { name: string }) => v.name === 'Steering 12 Nov');
    const before = history.versions.find((v: { name: string }) => v.name === 'Before the rename');
    expect(steering.at).toBe(before.at);
    expect(steering.by).toBe('u-ed');

    // Forward from the moment shown (End on the slider): only the changes since are fetched.
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/at?')) asked.push(r.url());
    });
    const slider = page.getByRole('slider', { name: 'Moment' });
    await slider.focus();
    await slider.press('End');
    await waitFor(async () => JSON.stringify(await pastTitles(page)) === JSON.stringify(['Alpha renamed', 'Beta', 'Gamma']), 'the present shown');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((u) => new URL(u).searchParams.get('from') === String(before.at))).toBe(true);
    // Back to an earlier moment: a full rebuild (no `from`).
    await slider.press('Home');
    await waitFor(async () => (await pastTitles(page)).length === 0, 'the plan at its creation');
    expect(new URL(asked.at(-1)!).searchParams.get('from')).toBeNull();
  }, 60_000);
});
