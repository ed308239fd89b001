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
  // The item's accessible name starts with its name, the row label people see.
  const item = page.locator(`[data-item][aria-label^="${name}, ${kind.toLowerCase()},"]`);
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

type Box = { text: string; x: number; y: number; right: number; bottom: number };

/** The chart's visible days: right of the sticky corner, left of the scroller's right edge. */
async function chartEdges(page: Page): Promise<{ left: number; right: number }> {
  return page.locator('[role=region][aria-label="Timeline chart"]').evaluate((el) => {
    const corner = el.querySelector('.corner')!.getBoundingClientRect();
    return { left: corner.right, right: el.getBoundingClientRect().left + el.clientWidth };
  });
}

/** Screen boxes of the axis's labels (upper row "major", lower row "minor") and of the Today pill. */
async function axisBoxes(page: Page): Promise<{ major: Box[]; minor: Box[]; pill: Box | null }> {
  return page.locator('svg.axis').evaluate((svg) => {
    const box = (el: Element): Box => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent ?? '', x: r.x, y: r.y, right: r.right, bottom: r.bottom };
    };
    const pill = svg.querySelector('[data-today-pill] rect');
    return { major: [...svg.querySelectorAll('text.major-label')].map(box), minor: [...svg.querySelectorAll('text.minor-label')].map(box), pill: pill ? box(pill) : null };
  });
}

const intersects = (a: Box, b: Box) => a.x < b.right && b.x < a.right && a.y < b.bottom && b.y < a.bottom;
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function scrollChart(page: Page, left: number): Promise<void> {
  await page.locator('[role=region][aria-label="Timeline chart"]').evaluate((el, x) => (el.scrollLeft = x), left);
  await frames(page);
}

/** Every upper-row label on screen is a whole month name and starts right of the chart's left edge. */
async function expectWholeMonthLabels(page: Page): Promise<void> {
  const edges = await chartEdges(page);
  const shown = (await axisBoxes(page)).major.filter((b) => b.right > edges.left && b.x < edges.right);
  expect(shown.length).toBeGreaterThan(0);
  for (const b of shown) {
    expect(b.text).toMatch(/^(?:(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ’\d\d)$/);
    expect(b.x).toBeGreaterThanOrEqual(edges.left);
  }
}

/** The Today pill hides no axis label. */
async function expectPillClear(page: Page): Promise<void> {
  const { major, minor, pill } = await axisBoxes(page);
  expect(pill).not.toBeNull();
  const covered = [...major, ...minor].filter((b) => intersects(b, pill!)).map((b) => b.text);
  expect(covered).toEqual([]);
}

/** Ids of the items whose bar or diamond is within the chart's visible days. */
async function itemsInView(page: Page): Promise<string[]> {
  const edges = await chartEdges(page);
  const boxes = await page.locator('[data-item]').evaluateAll((els) =>
    els.map((el) => {
      const r = el.querySelector('.shape')!.getBoundingClientRect();
      return { id: el.getAttribute('data-item')!, x: r.x, right: r.right };
    })
  );
  return boxes.filter((b) => b.right > edges.left && b.x < edges.right).map((b) => b.id);
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

describe('timeline layout at 1280x800', () => {
  test('[axis] month labels stay whole at the left edge and the Today pill hides no label, at every zoom; item names start with the row label', async () => {
    const page = await openTimeline('Axel Axis', 'demo-gpu-cluster');
    await page.locator('[data-item="ms-cluster-accept"]').waitFor({ timeout: 5_000 });
    await frames(page);
    await expectWholeMonthLabels(page);
    await expectPillClear(page);
    // Scrolled so that a month has only 40, 90 or 140 px on screen: its label is pinned whole,
    // shortened or left out, never cut by the edge.
    const starts = await page.locator('svg.axis line.major').evaluateAll((lines) => lines.map((l) => Number(l.getAttribute('x1'))));
    for (const before of [40, 90, 140]) {
      await scrollChart(page, starts[2] - before);
      await expectWholeMonthLabels(page);
    }
    await screenshot(page, 'timeline-month-scrolled-light');
    for (const zoom of ['Week', 'Quarter'] as const) {
      await page.getByRole('button', { name: zoom, exact: true }).click();
      await page.getByRole('button', { name: 'Today', exact: true }).click();
      await frames(page);
      await expectPillClear(page);
      await screenshot(page, `timeline-${zoom.toLowerCase()}-today-light`);
    }
    // The accessible name of each item starts with the name people see on its row.
    const names = await page.locator('[data-item]').evaluateAll((els) =>
      els.map((el) => ({ label: el.getAttribute('aria-label') ?? '', row: document.querySelector(`[data-row="${el.getAttribute('data-item')}"] .name`)?.textContent ?? '?' }))
    );
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n.label.startsWith(`${n.row}, `), n.label).toBe(true);
  });

  test('[week] choosing Week shows items, also from an empty stretch; the chart opens on the items when none are near today', async () => {
    const far = await server.createPlan('Far items');
    const page = await openTimeline('Wanda Week', far);
    await createItem(page, 'Site survey', 'Phase', day(150), day(170));
    await createItem(page, 'Go-live', 'Milestone', day(200));
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await frames(page);
    expect(await itemsInView(page)).toEqual([]); // the premise: nothing near today
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.locator('button[aria-pressed="true"]', { hasText: 'Week' }).waitFor({ timeout: 2_000 });
    await frames(page);
    expect((await itemsInView(page)).length).toBeGreaterThan(0);
    await screenshot(page, 'timeline-week-light');

    const other = await openTimeline('Otto Open', far);
    await other.locator('[data-item]').first().waitFor({ timeout: 5_000 });
    await frames(other);
    expect((await itemsInView(other)).length).toBeGreaterThan(0);
  });

  test('[table] every row is on the page, no inner scroll box; long names end in "…" with the whole name in the title, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openTimeline(`Tess Table ${scheme}`, 'demo-gpu-cluster', scheme);
      const total = Number((await page.locator('[data-summary]').textContent())?.match(/(\d+) items/)?.[1]);
      await page.getByRole('button', { name: 'Table', exact: true }).click();
      const rows = page.locator('tr[data-row-id]');
      await rows.first().waitFor({ timeout: 5_000 });
      expect(await rows.count()).toBe(total);
      const boxes = await page.locator('table[aria-label="Timeline items"]').evaluate((table) => {
        const found: string[] = [];
        for (let el = table.parentElement; el && el !== document.documentElement; el = el.parentElement) {
          const y = getComputedStyle(el).overflowY;
          if ((y === 'auto' || y === 'scroll') && el.scrollHeight > el.clientHeight + 1) found.push(`${el.tagName}.${el.className}`);
        }
        return found;
      });
      expect(boxes).toEqual([]);
      const names = await page.locator('tr[data-row-id] td:first-child input').evaluateAll((inputs) =>
        inputs.map((i) => {
          const input = i as HTMLInputElement;
          return { value: input.value, title: input.title, label: input.getAttribute('aria-label') ?? '', clipped: input.scrollWidth > input.clientWidth, overflow: getComputedStyle(input).textOverflow };
        })
      );
      const clipped = names.filter((n) => n.clipped);
      expect(clipped.length).toBeGreaterThan(0);
      for (const n of clipped) {
        expect(n.overflow).toBe('ellipsis');
        expect(n.title).toBe(n.value);
        expect(n.label).toContain(n.value);
      }
      await screenshot(page, `timeline-table-${scheme}`);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await frames(page);
      await screenshot(page, `timeline-table-${scheme}-end`);
    }
  }, 45_000);
});
