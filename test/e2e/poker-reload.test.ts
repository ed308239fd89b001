/**
 * A returning person is never locked out (issue 10), in real Chromium against a real server.
 *
 * A poker round runs in a plan (the server writes its `poker` root), with an editor's page and an
 * admin's page open. Then each of them reloads ten times and goes Back once. The page's IndexedDB
 * copy (y-indexeddb) holds the server's poker items, and it is read while the socket's handshake is
 * in flight, so it is re-sent to the server: that must never count as a forbidden write. Every
 * time the plan opens with no refusal notice, the connection indicator never says "refused", and
 * a card the returning person adds right after reaches the facilitator's page (frames of one
 * socket are handled in order, so whatever the page re-sent before that card was accepted). The
 * server's own count of policy closes stays at zero for forbiddenWrite and invalidUpdate.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { waitFor } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let room: string;
const contexts: BrowserContext[] = [];
const CARD = 'Rack the GPU nodes';
const RELOADS = 10;

async function openPlan(token: string): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/p/${room}?view=list&token=${encodeURIComponent(token)}`);
  return page;
}

const dialog = (page: Page) => page.getByRole('dialog');
const panel = (page: Page) => dialog(page).locator('section.poker');

async function openPoker(page: Page): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^Planning poker for ${CARD}`) }).click();
  await panel(page).waitFor({ timeout: 5_000 });
}

/** What the server counted as closes by its policy, per reason (GET /metrics). */
async function policyCloses(): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^plenary_policy_closes_total\{reason="([^"]+)"\} (\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** The refusal notice, if the page shows one. */
async function refusal(page: Page): Promise<string | null> {
  const refused = await page.locator('[role=status][data-state="refused"]').count();
  const alert = page.locator('[role=alert][data-refusal]');
  if (!refused && !(await alert.count())) return null;
  return ((await alert.count()) ? await alert.first().textContent() : 'connection refused')?.replace(/\s+/g, ' ').trim() ?? 'refused';
}

/**
 * After a reload (or Back): the plan opens, and a card added by this page reaches the watcher's
 * page. Returns the refusal text instead when the page was refused.
 */
async function opensAndWrites(page: Page, watcher: Page, title: string): Promise<string | null> {
  await waitFor(async () => (await refusal(page)) ?? (await page.locator('[role=status][data-state="connected"]').count()), `${title}: connected or refused`, 15_000);
  const early = await refusal(page);
  if (early) return early;
  await waitForCardTitle(page, CARD);
  await page.getByLabel('New card').fill(title);
  await page.getByLabel('New card').press('Enter');
  const seen = () => watcher.locator('tbody input[data-field="title"]').evaluateAll((inputs, t) => inputs.some((i) => (i as HTMLInputElement).value === t), title);
  await waitFor(async () => (await refusal(page)) ?? (await seen()), `${title}: reaches the facilitator or is refused`, 15_000);
  return refusal(page);
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  room = await server.createPlan('GPU buildout');
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('reloading after a poker round', () => {
  test('an editor and an admin reload ten times and go Back once: the plan opens every time, never refused', async () => {
    const fay = await openPlan(server.token(room, 'facilitator', 'Fay Facilitator'));
    const pat = await openPlan(server.token(room, 'editor', 'Pat Participant'));
    const ada = await openPlan(server.token(room, 'admin', 'Ada Admin'));
    for (const page of [fay, pat, ada]) await waitForConnection(page, 'connected');
    await fay.getByLabel('New card').fill(CARD);
    await fay.getByLabel('New card').press('Enter');
    for (const page of [fay, pat, ada]) await waitForCardTitle(page, CARD);

    // A round: Fay opens it, Pat and Ada vote, Fay reveals and accepts. The server writes `poker`.
    await openPoker(fay);
    await dialog(fay).getByLabel('I vote too').uncheck();
    await dialog(fay).getByRole('button', { name: 'Start round' }).click();
    await panel(fay).locator('[data-testid=poker-status]').filter({ hasText: 'Round 1 · Voting' }).waitFor({ timeout: 5_000 });
    for (const [page, value] of [
      [pat, '5'],
      [ada, '8']
    ] as const) {
      await page.getByRole('button', { name: `Planning poker for ${CARD} (voting now)` }).waitFor({ timeout: 5_000 });
      await openPoker(page);
      await dialog(page).getByRole('group', { name: 'Your estimate' }).getByRole('button', { name: value, exact: true }).click();
      await panel(page).locator('[data-testid=poker-mine]').filter({ hasText: `Your vote: ${value} points` }).waitFor({ timeout: 5_000 });
    }
    await panel(fay).locator('[data-testid=poker-voted]').filter({ hasText: '2 voted' }).waitFor({ timeout: 5_000 });
    await dialog(fay).getByRole('button', { name: 'Reveal votes' }).click();
    await dialog(fay).getByRole('button', { name: /^Accept/ }).click();
    for (const page of [fay, pat, ada]) await panel(page).locator('[data-testid=poker-agreed]').waitFor({ timeout: 5_000 });
    // Let the pages' IndexedDB copies take in the round (y-indexeddb writes asynchronously).
    await pat.waitForTimeout(300);
    const closesBefore = await policyCloses();

    const refusals: string[] = [];
    for (const [who, page] of [
      ['editor', pat],
      ['admin', ada]
    ] as const) {
      for (let i = 1; i <= RELOADS; i++) {
        await page.reload();
        const refused = await opensAndWrites(page, fay, `${who} after reload ${i}`);
        if (refused) {
          refusals.push(`${who}, reload ${i}: ${refused}`);
          await screenshot(page, `poker-reload-refused-${who}-${i}`);
          // "Try again", as a person would, so the next reload starts from a working page.
          await page.getByRole('button', { name: 'Try again' }).click();
          await waitForConnection(page, 'connected', 15_000);
        }
      }
      // Back: away to the landing page and back to the plan.
      await page.goto(`${server.url}/`);
      await page.goBack();
      const refused = await opensAndWrites(page, fay, `${who} after Back`);
      if (refused) refusals.push(`${who}, Back: ${refused}`);
    }
    const closesAfter = await policyCloses();
    expect(refusals).toEqual([]);
    for (const reason of ['forbiddenWrite', 'invalidUpdate']) expect({ reason, closes: (closesAfter[reason] ?? 0) - (closesBefore[reason] ?? 0) }).toEqual({ reason, closes: 0 });
    // The round is still there for everyone.
    for (const page of [pat, ada]) {
      await page.waitForFunction((card) => (document.querySelector(`input[aria-label="Points of ${card}"]`) as HTMLInputElement | null)?.value !== '', CARD, { timeout: 5_000 });
    }
    await screenshot(ada, 'poker-reload-admin-after');
  }, 240_000);
});
