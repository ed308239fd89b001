/**
 * The timeline view in real Chromium against a real server, two people at once (one browser
 * context each, so everything that reaches the other page went through the server): creating
 * items, linking them by dragging, moving one by mouse and by keyboard and watching its successor
 * shift and the critical path change on both pages, a refused loop, a loop made by two offline
 * edits that meet after a restart and is fixed from the banner, and screenshots of the demo plan
 * at 1280x800 in light and dark (test-results/screenshots/).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addDays } from '../../shared/planning/dates.ts';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForConnection } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let room: string;
const contexts: BrowserContext[] = [];
const today = new Date().toISOString().slice(0, 10);
const day = (n: number) => addDays(today, n);

async function openTimeline(name: string, planRoom = room, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await newContext(browser, colorScheme);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/p/${planRoom}?view=timeline&token=${encodeURIComponent(server.token(planRoom, 'editor', name))}`);
  // Generous: the machine may be busy with other suites.
  await waitForConnection(page, 'connected', 20_000);
  await page.getByRole('heading', { name: 'Timeline', level: 2 }).waitFor({ timeout: 10_000 });
  return page;
}

async function createItem(page: Page, name: string, kind: 'Phase' | 'Milestone', start: string, end?: string): Promise<string> {
  await page.getByRole('button', { name: 'New item' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('radio', { name: new RegExp(`^${kind}`) }).check();
  await dialog.getByLabel(kind === 'Phase' ? 'Start' : 'Date', { exact: true }).fill(start);
  if (end) await dialog.getByLabel('End (last day)').fill(end);
  await dialog.getByRole('button', { name: 'Create' }).click();
  const item = page.locator(`[data-item][aria-label^="${kind}: ${name},"]`);
  await item.waitFor({ timeout: 5_000 });
  return (await item.getAttribute('data-item'))!;
}

const item = (page: Page, id: string): Locator => page.locator(`[data-item="${id}"]`);

async function waitForAttr(page: Page, id: string, attr: string, value: string, timeout = 5_000): Promise<void> {
  await page.waitForFunction(
    ([i, a, v]) => document.querySelector(`[data-item="${i}"]`)?.getAttribute(a) === v,
    [id, attr, value] as const,
    { timeout }
  );
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = (await locator.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer({ seed: true });
  room = await server.createPlan('Timeline e2e');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('timeline', () => {
  let ada: Page;
  let grace: Page;
  const ids: Record<string, string> = {};

  test('two people: create, link by dragging, move by mouse and keyboard; the successor shifts and the critical path changes on both pages', async () => {
    ada = await openTimeline('Ada Lovelace');
    grace = await openTimeline('Grace Hopper');

    ids.racks = await createItem(ada, 'Racks', 'Phase', day(0), day(9));
    ids.fabric = await createItem(ada, 'Fabric', 'Phase', day(12), day(16));
    ids.permits = await createItem(grace, 'Permits', 'Phase', day(0), day(25));
    for (const page of [ada, grace]) for (const id of Object.values(ids)) await item(page, id).waitFor({ timeout: 5_000 });

    // Link Racks → Fabric by dragging Racks' end handle onto Fabric.
    const from = await centre(item(ada, ids.racks).locator('.link-handle'));
    const to = await centre(item(ada, ids.fabric).locator('.shape'));
    await ada.mouse.move(from.x, from.y);
    await ada.mouse.down();
    for (let i = 1; i <= 5; i++) await ada.mouse.move(from.x + ((to.x - from.x) * i) / 5, from.y + ((to.y - from.y) * i) / 5);
    await ada.mouse.up();
    for (const page of [ada, grace]) await page.locator(`path.arrow[data-from="${ids.racks}"][data-to="${ids.fabric}"]`).waitFor({ timeout: 5_000 });
    // Permits ends last: it alone is critical.
    for (const page of [ada, grace]) {
      await waitForAttr(page, ids.permits, 'data-critical', 'true');
      expect(await item(page, ids.racks).getAttribute('data-critical')).toBe('false');
    }

    // Mouse: drag Racks 7 days later (month zoom: 8 px a day). The preview says what it pushes.
    const bar = await centre(item(ada, ids.racks).locator('.shape'));
    await ada.mouse.move(bar.x, bar.y);
    await ada.mouse.down();
    for (let i = 1; i <= 7; i++) await ada.mouse.move(bar.x + 8 * i, bar.y);
    await ada.locator('[data-preview-text]').waitFor({ timeout: 2_000 });
    expect(await ada.locator('[data-preview-text]').textContent()).toContain('pushes 1 item by up to 5 days');
    expect(await ada.locator(`[data-ghost="${ids.fabric}"]`).count()).toBe(1);
    await screenshot(ada, 'timeline-drag-preview-light');
    await ada.mouse.up();
    for (const page of [ada, grace]) {
      await waitForAttr(page, ids.racks, 'data-start', day(7));
      await waitForAttr(page, ids.fabric, 'data-start', day(17));
      expect(await item(page, ids.fabric).getAttribute('data-end')).toBe(day(21));
    }
    await ada.locator('[data-live]').filter({ hasText: 'pushes 1 item by up to 5 days' }).waitFor({ timeout: 2_000 });

    // Keyboard, on Grace's page: Shift+→ moves Racks a week; Fabric is pushed past Permits' end,
    // so the critical path becomes Racks → Fabric.
    await item(grace, ids.racks).focus();
    await grace.keyboard.press('Shift+ArrowRight');
    for (const page of [ada, grace]) {
      await waitForAttr(page, ids.racks, 'data-start', day(14));
      await waitForAttr(page, ids.fabric, 'data-start', day(24));
      await waitForAttr(page, ids.racks, 'data-critical', 'true');
      await waitForAttr(page, ids.fabric, 'data-critical', 'true');
      await waitForAttr(page, ids.permits, 'data-critical', 'false');
    }
    // Focus stays on the moved item; Alt+→ lengthens it by a day; ↓ moves to the next item.
    expect(await grace.evaluate(() => document.activeElement?.getAttribute('data-item'))).toBe(ids.racks);
    await grace.keyboard.press('Alt+ArrowRight');
    await waitForAttr(ada, ids.racks, 'data-end', day(24));
    await waitForAttr(ada, ids.fabric, 'data-start', day(25));
    expect(await grace.locator('[data-live]').textContent()).toContain('Fabric');
    await grace.keyboard.press('ArrowDown');
    expect(await grace.evaluate(() => document.activeElement?.getAttribute('data-item'))).toBe(ids.fabric);
    expect(await ada.getByText('⚑ Critical', { exact: true }).count()).toBe(2);
  }, 60_000);

  test('dragging an edge resizes; dragging across an empty lane opens a new phase with those days', async () => {
    const edge = await centre(item(ada, ids.permits).locator('[data-handle="end"]'));
    await ada.mouse.move(edge.x, edge.y);
    await ada.mouse.down();
    for (let i = 1; i <= 3; i++) await ada.mouse.move(edge.x + 8 * i, edge.y);
    await ada.mouse.up();
    await waitForAttr(grace, ids.permits, 'data-end', day(28));
    expect(await item(grace, ids.permits).getAttribute('data-start')).toBe(day(0));

    const band = (await ada.locator('rect.lane-band').first().boundingBox())!;
    const x = (await item(ada, ids.racks).locator('.shape').boundingBox())!.x + 2;
    await ada.mouse.move(x, band.y + band.height / 2);
    await ada.mouse.down();
    for (let i = 1; i <= 4; i++) await ada.mouse.move(x + 8 * i, band.y + band.height / 2);
    await ada.mouse.up();
    const dialog = ada.locator('dialog[open]');
    await dialog.waitFor({ timeout: 2_000 });
    expect(await dialog.getByRole('radio', { name: /^Phase/ }).isChecked()).toBe(true);
    expect(await dialog.getByLabel('Start', { exact: true }).inputValue()).toBe(day(14));
    expect(await dialog.getByLabel('End (last day)').inputValue()).toBe(day(18));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await ada.waitForFunction(() => !document.querySelector('dialog[open]'), null, { timeout: 2_000 });
  });

  test('a dependency that would close a loop is refused with the loop named', async () => {
    // Through the details panel: Racks may not wait for Fabric, which already waits for Racks.
    await item(ada, ids.racks).locator('.shape').click();
    const details = ada.locator(`[data-details="${ids.racks}"]`);
    await details.getByLabel('Add a predecessor').selectOption({ label: 'Fabric' });
    await details.getByRole('button', { name: 'Add', exact: true }).click();
    const error = details.locator('[data-link-error]');
    await error.waitFor({ timeout: 2_000 });
    expect(await error.textContent()).toBe('Racks already leads to Fabric, so this dependency would close a loop: Fabric → Racks → Fabric');
    expect(await ada.locator('[data-refusal]').textContent()).toContain('would close a loop');

    // By dragging Fabric's end handle onto Racks: the same refusal, and nothing is written.
    const from = await centre(item(ada, ids.fabric).locator('.link-handle'));
    const to = await centre(item(ada, ids.racks).locator('.shape'));
    await ada.mouse.move(from.x, from.y);
    await ada.mouse.down();
    for (let i = 1; i <= 5; i++) await ada.mouse.move(from.x + ((to.x - from.x) * i) / 5, from.y + ((to.y - from.y) * i) / 5);
    await ada.mouse.up();
    await ada.locator('[data-refusal]').filter({ hasText: 'Fabric → Racks → Fabric' }).waitFor({ timeout: 2_000 });
    expect(await grace.locator('path.arrow').count()).toBe(1);
    await ada.getByRole('button', { name: 'Close details' }).click();
  });

  test('a loop made by two offline edits is shown on both pages and fixed from the banner', async () => {
    const { port, dataDir } = server;
    await server.stop();
    await waitForConnection(ada, 'offline');
    await waitForConnection(grace, 'offline');
    // Each edit is valid on its own replica: Permits waits for Racks here, Racks for Permits there.
    for (const [page, waiter, predecessor] of [
      [ada, ids.permits, 'Racks'],
      [grace, ids.racks, 'Permits']
    ] as const) {
      await item(page, waiter).locator('.shape').click();
      const details = page.locator(`[data-details="${waiter}"]`);
      await details.getByLabel('Add a predecessor').selectOption({ label: predecessor });
      await details.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('button', { name: 'Close details' }).click();
    }
    server = await startServer({ port, dataDir });
    for (const page of [ada, grace]) {
      await page.locator('[data-loop]').waitFor({ timeout: 15_000 });
      const text = (await page.locator('[data-loop]').textContent()) ?? '';
      expect(text).toMatch(/Dependencies form a loop:\s*(Racks → Permits → Racks|Permits → Racks → Permits)/);
    }
    await screenshot(grace, 'timeline-loop-banner-light');
    await grace.locator('[data-loop]').getByRole('button', { name: 'Fix' }).click();
    for (const page of [ada, grace]) {
      await page.waitForFunction(() => !document.querySelector('[data-loop]'), null, { timeout: 5_000 });
      await page.waitForFunction(() => document.querySelectorAll('path.arrow').length === 2, null, { timeout: 5_000 });
    }
  });

  test('screenshots of the demo plan at 1280x800, light and dark: chart, details with the stage gate, table', async () => {
    const light = await openTimeline('Eleanor Light', 'demo-gpu-cluster', 'light');
    await light.locator('[data-item="ms-cluster-accept"]').waitFor({ timeout: 5_000 });
    // The demo's critical path and its slippage are on screen.
    expect(Number(await light.locator('[data-slippage]').getAttribute('data-slippage'))).toBeGreaterThan(0);
    await light.waitForTimeout(600); // the forecast overlay arrives shortly after the first render
    await screenshot(light, 'timeline-light');
    await light.locator('[data-item="ms-cluster-accept"] .shape').click();
    const gate = light.locator('[data-details="ms-cluster-accept"] [data-evidence]');
    await gate.waitFor({ timeout: 2_000 });
    expect(await gate.getAttribute('data-evidence')).toBe('not-ready');
    expect(await gate.locator('[data-risk="R-1"]').count()).toBe(1);
    await light.locator('[data-details="ms-cluster-accept"] [data-gate]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(light, 'timeline-gate-light');

    const dark = await openTimeline('Dora Dark', 'demo-gpu-cluster', 'dark');
    await dark.locator('[data-item="ms-cluster-accept"]').waitFor({ timeout: 5_000 });
    // Quarter zoom shows the whole programme, critical path included.
    await dark.getByRole('button', { name: 'Quarter', exact: true }).click();
    await dark.waitForTimeout(600);
    await screenshot(dark, 'timeline-dark');
    await dark.getByRole('button', { name: 'Table', exact: true }).click();
    await dark.locator('[data-row-id="ms-cluster-accept"]').waitFor({ timeout: 2_000 });
    await screenshot(dark, 'timeline-table-dark');
  }, 45_000);
});
