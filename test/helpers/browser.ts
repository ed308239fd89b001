/**
 * Browsers for end-to-end tests: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), plus building the client once when build/client is missing or older than its sources,
 * and bounded waiting on what a page shows.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

const CHROMIUM = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // --lang: a date input is drawn in the browser's own language, not the context's locale, so
    // the browser speaks en-GB like the contexts below (a person's browser does this by itself).
    env: { ...process.env, LANG: 'en_GB.UTF-8', LANGUAGE: 'en_GB' },
    args: ['--lang=en-GB', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
}

/** A fresh profile (own IndexedDB, own BroadcastChannel) at the size the UI is designed for. */
export function newContext(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
  // en-GB: the person's locale the app formats in (shared/format) and date inputs follow, fixed so tests read one form.
  return browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme, locale: 'en-GB' });
}

const SOURCES = ['client/src', 'client/static', 'shared', 'svelte.config.js', 'vite.config.ts'];

function newestMtime(p: string): number {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/**
 * Builds the client (`svelte-kit sync && vite build`, ~20 s) unless build/client is newer than every
 * source. A lock directory keeps two test files running in parallel from building at once.
 */
export async function ensureClientBuilt(): Promise<void> {
  const index = path.join(ROOT, 'build', 'client', 'index.html');
  const fresh = () => (fs.statSync(index, { throwIfNoEntry: false })?.mtimeMs ?? 0) > Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (fresh()) return;
  const lock = path.join(ROOT, '.tmp', 'client-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another file is building; a lock older than two minutes is left over from a killed run.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another client build');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (fresh()) return;
    const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
    execFileSync(bin('svelte-kit'), ['sync'], { cwd: ROOT, stdio: 'pipe' });
    execFileSync(bin('vite'), ['build'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Waits until the page's connection indicator shows `state` (and, optionally, a pending count). */
export async function waitForConnection(page: Page, state: string, timeout = 10_000): Promise<void> {
  await page.locator(`[role=status][data-state="${state}"]`).waitFor({ timeout });
}

export async function connectionLabel(page: Page): Promise<string> {
  return (await page.locator('[role=status][data-state] [data-label]').textContent())?.trim() ?? '';
}

/** Titles of the cards in the list, in order. */
export function cardTitles(page: Page): Promise<string[]> {
  return page.locator('tbody input[data-field="title"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
}

/** Waits until a card titled `title` is on the page: a List row's title field, or a card on the board or backlog. */
export async function waitForCardTitle(page: Page, title: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (t) =>
      [...document.querySelectorAll<HTMLInputElement>('tbody input[data-field="title"]')].some((i) => i.value === t) ||
      [...document.querySelectorAll('[data-card-id] .title')].some((el) => el.textContent?.trim() === t),
    title,
    { timeout }
  );
}

/** Opens one of the plan's views by its tab, as a person would, and waits until it is the one shown. */
export async function showView(page: Page, id: string): Promise<void> {
  await page.locator(`#tab-${id}`).click();
  await page.locator(`#tab-${id}[aria-selected="true"]`).waitFor({ timeout: 5_000 });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * One screenshot per colour scheme (`<name>-light.png`, `<name>-dark.png`). Two animation frames
 * pass after each switch so the scheme's styles have painted; the page is left in light.
 */
export async function screenshotSchemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await screenshot(page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Browser contexts a test file opens as it goes (one per person) and closes together in afterAll. */
export function contextPool(browser: () => Browser): { open(colorScheme?: 'light' | 'dark'): Promise<BrowserContext>; closeAll(): Promise<void> } {
  const open: BrowserContext[] = [];
  return {
    async open(colorScheme: 'light' | 'dark' = 'light') {
      const c = await newContext(browser(), colorScheme);
      open.push(c);
      return c;
    },
    async closeAll() {
      for (const c of open.splice(0)) await c.close().catch(() => {});
    }
  };
}

/** Accepts an invitation by name in the page and waits for its plan's bare address, connected. */
export async function joinByName(page: Page, base: string, invitationUrl: string, room: string, name: string): Promise<void> {
  await page.goto(`${base}${invitationUrl}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join the plan' }).click();
  await page.waitForURL(`${base}/p/${room}`, { timeout: 10_000 });
  await waitForConnection(page, 'connected');
}
