/**
 * The steering views in real Chromium against a real server with the demo plan: two people (Ada in
 * light, Grace in dark) add and edit RAID items with the keyboard, re-score a risk on the heat map
 * by mouse drag and by keyboard and see each other's moves, run the meeting with a shared timer and
 * facilitator mode, export the status pack (Markdown, CSV, PDF by Chromium's print-to-PDF) and import
 * a register. Screenshots of every view in both themes go to test-results/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForConnection } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'demo-gpu-cluster';
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ada: Page;
let grace: Page;
const errors: string[] = [];

async function open(name: string, scheme: 'light' | 'dark', view: string): Promise<Page> {
  const context = await newContext(browser, scheme);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  await page.goto(`${server.url}/p/${ROOM}?view=${view}&token=${encodeURIComponent(server.token(ROOM, 'editor', name))}`);
  await waitForConnection(page, 'connected');
  return page;
}

async function tab(page: Page, label: string): Promise<void> {
  await page.getByRole('tab', { name: label, exact: true }).click();
}

/** The RAID id of the row whose title is `title`, waiting for it to appear. */
async function raidId(page: Page, title: string): Promise<string> {
  const row = page.locator('tr[data-raid-id]', { has: page.locator(`span.title[title="${title}"]`) });
  await row.waitFor({ timeout: 5_000 });
  return (await row.getAttribute('data-raid-id'))!;
}

/** Waits until risk `id` sits in heat-map cell (l, i) on `page`. */
async function waitForCell(page: Page, id: string, l: number, i: number): Promise<void> {
  await page.locator(`td[data-l="${l}"][data-i="${i}"] [data-risk-id="${id}"]`).waitFor({ timeout: 5_000 });
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = (await page.locator(selector).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Text of a PDF written by Chromium (Skia): inflates every stream, reads each font's ToUnicode CMap
 * and decodes the hex strings of Tj/TJ operators with the font selected by Tf. Enough to check that
 * expected words are in the file, not a general PDF reader.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream: Buffer | null }>();
  const objRe = /(\d+) 0 obj([\s\S]*?)endobj/g;
  for (let m; (m = objRe.exec(raw)); ) {
    const body = m[2];
    const s = body.indexOf('stream');
    let stream: Buffer | null = null;
    if (s >= 0) {
      const start = m.index + m[0].indexOf(body) + s + 'stream'.length + (body[s + 6] === '\r' ? 2 : 1);
      const end = raw.indexOf('endstream', start);
      const bytes = pdf.subarray(start, end);
      try {
        stream = /FlateDecode/.test(body.slice(0, s)) ? zlib.inflateSync(bytes) : bytes;
      } catch {
        stream = null;
      }
    }
    objects.set(m[1], { dict: s >= 0 ? body.slice(0, s) : body, stream });
  }
  const cmaps = new Map<string, Map<string, string>>();
  const cmapOf = (objId: string): Map<string, string> => {
    let map = cmaps.get(objId);
    if (map) return map;
    map = new Map();
    const font = objects.get(objId)?.dict ?? '';
    const ref = /\/ToUnicode (\d+) 0 R/.exec(font)?.[1];
    const text = ref ? (objects.get(ref)?.stream?.toString('latin1') ?? '') : '';
    const utf16 = (hex: string) => String.fromCodePoint(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
    for (const block of text.match(/beginbfchar([\s\S]*?)endbfchar/g) ?? []) {
      for (const [, a, b] of block.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(a.toUpperCase(), utf16(b));
    }
    for (const block of text.match(/beginbfrange([\s\S]*?)endbfrange/g) ?? []) {
      for (const [, a, b, c] of block.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        const width = a.length;
        for (let k = parseInt(a, 16), n = 0; k <= parseInt(b, 16); k++, n++) {
          map.set(k.toString(16).toUpperCase().padStart(width, '0'), String.fromCodePoint(parseInt(c, 16) + n));
        }
      }
    }
    cmaps.set(objId, map);
    return map;
  };
  // Font resource names → font objects, from every /Font dictionary in the file.
  const fonts = new Map<string, string>();
  for (const [, inner] of raw.matchAll(/\/Font\s*<<([^>]*)>>/g)) for (const [, name, id] of inner.matchAll(/\/(\w+) (\d+) 0 R/g)) fonts.set(name, id);
  let out = '';
  for (const { stream } of objects.values()) {
    const content = stream?.toString('latin1') ?? '';
    if (!/\bTf\b/.test(content)) continue;
    let map = new Map<string, string>();
    for (const [, fontName, hexes, tj] of content.matchAll(/\/(\w+) [\d.]+ Tf|(\[[^\]]*\]|<[0-9A-Fa-f]*>)\s*(TJ|Tj)/g)) {
      if (fontName) {
        map = cmapOf(fonts.get(fontName) ?? '');
        continue;
      }
      for (const [, hex] of (hexes ?? '').matchAll(/<([0-9A-Fa-f]*)>/g)) {
        const unit = [...map.keys()][0]?.length ?? 4;
        for (let k = 0; k < hex.length; k += unit) out += map.get(hex.slice(k, k + unit).toUpperCase()) ?? '';
      }
      out += tj === 'TJ' ? ' ' : '';
    }
    out += '\n';
  }
  return out.replace(/\s+/g, ' ');
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer({ seed: true });
  browser = await launchBrowser();
  [ada, grace] = await Promise.all([open('Ada Lovelace', 'light', 'raid'), open('Grace Hopper', 'dark', 'risks')]);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('steering', () => {
  let risk = '';
  const TITLE = 'Optics vendor lock-in';

  test('RAID log: add a risk, edit cells with the keyboard (Enter saves, Escape cancels), history kept', async () => {
    await ada.getByLabel('New RAID item').fill(TITLE);
    await ada.getByLabel('New RAID item').press('Enter');
    risk = await raidId(ada, TITLE);

    // Keyboard path through the grid: select the row's likelihood cell, arrow keys, Enter to edit.
    const row = ada.locator(`tr[data-raid-id="${risk}"]`);
    await row.locator('td[data-key="title"]').click();
    await ada.keyboard.press('ArrowRight');
    await ada.keyboard.press('ArrowRight');
    await ada.keyboard.press('ArrowRight');
    expect(await ada.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe('likelihood');
    await ada.keyboard.press('Enter');
    await ada.getByLabel(`Likelihood of ${TITLE}`).selectOption('2');
    await ada.getByLabel(`Likelihood of ${TITLE}`).press('Enter');
    await expect.poll(() => row.locator('td[data-key="likelihood"]').textContent()).toBe('2');
    expect(await ada.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe('likelihood');

    // Escape cancels: impact stays 3.
    await ada.keyboard.press('ArrowRight');
    await ada.keyboard.press('Enter');
    await ada.getByLabel(`Impact of ${TITLE}`).selectOption('5');
    await ada.getByLabel(`Impact of ${TITLE}`).press('Escape');
    expect(await row.locator('td[data-key="impact"]').textContent()).toBe('3');
    expect(await ada.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe('impact');

    // Grace sees the new risk on her heat map in its cell.
    await waitForCell(grace, risk, 2, 3);

    // The detail panel shows the history with who changed what.
    await row.locator('td[data-key="details"] button').click();
    const panel = ada.getByRole('complementary');
    await panel.getByText('Likelihood: 3 → 2').waitFor({ timeout: 5_000 });
    expect(await panel.getByText('Created').count()).toBe(1);
    // The description is rich text, co-edited through the plan's editor.
    await panel.getByRole('textbox', { name: 'Description', exact: true }).click();
    await ada.keyboard.type('One vendor supplies every 800G transceiver.');
    await screenshot(ada, 'steering-raid-detail-light');
    await ada.keyboard.press('Escape');
  });

  test('heat map: drag a chip with the mouse, and move one with the keyboard; the other page sees both', async () => {
    await tab(ada, 'Heat map');
    await waitForCell(ada, risk, 2, 3);

    // Grace drags it (mouse) from (2, 3) to (4, 5).
    const from = await center(grace, `[data-risk-id="${risk}"]`);
    const to = await center(grace, 'td[data-l="4"][data-i="5"]');
    await grace.mouse.move(from.x, from.y);
    await grace.mouse.down();
    await grace.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
    await grace.mouse.move(to.x, to.y, { steps: 5 });
    await grace.mouse.up();
    await waitForCell(grace, risk, 4, 5);
    await waitForCell(ada, risk, 4, 5);

    // Ada moves it with the keyboard: Enter picks it up, arrows move, Enter drops.
    await ada.locator(`[data-risk-id="${risk}"]`).focus();
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('ArrowDown');
    await ada.keyboard.press('ArrowDown');
    await ada.keyboard.press('ArrowLeft');
    expect(await ada.locator('td.target').getAttribute('data-l')).toBe('2');
    expect(await ada.locator('td.target').getAttribute('data-i')).toBe('4');
    expect(await ada.locator('.heat > [aria-live="assertive"]').textContent()).toContain('likelihood 2 (Unlikely), impact 4 (Major): score 8, Amber');
    await ada.keyboard.press('Enter');
    await waitForCell(ada, risk, 2, 4);
    await waitForCell(grace, risk, 2, 4);
    // Focus stays on the moved chip, and Escape cancels a move.
    expect(await ada.evaluate(() => document.activeElement?.getAttribute('data-risk-id'))).toBe(risk);
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('ArrowUp');
    await ada.keyboard.press('Escape');
    await waitForCell(ada, risk, 2, 4);

    // Residual mode: the new risk has no residual score yet; it waits in the tray.
    await grace.getByRole('radio', { name: 'Residual (after response)' }).check();
    await grace.locator(`.tray [data-risk-id="${risk}"]`).waitFor({ timeout: 5_000 });
    await screenshot(grace, 'steering-heatmap-residual-dark');
    await grace.getByRole('radio', { name: 'Inherent' }).check();
    await screenshot(ada, 'steering-heatmap-light');
    await screenshot(grace, 'steering-heatmap-dark');
  });

  test('meeting: shared timer, RAG with a comment, and facilitator mode with opt-out', async () => {
    await tab(ada, 'Meeting');
    await ada.getByRole('button', { name: 'Start' }).click();
    await ada.locator('[data-phase="running"]').waitFor();
    // Starting the meeting names the moment as a version, stored by the server for Ada's session.
    await expect
      .poll(async () => (await server.server.store.listVersions(ROOM)).filter((v) => v.name.startsWith('Steering ')).map((v) => v.createdBy.length > 0), { timeout: 5_000 })
      .toEqual([true]);

    // Ada presents: Grace's page follows her to the meeting view, then to the section she clicks.
    await ada.getByRole('button', { name: 'Present' }).click();
    await grace.waitForURL(/view=meeting/, { timeout: 5_000 });
    await grace.getByText('Ada Lovelace is presenting').waitFor({ timeout: 5_000 });
    await grace.locator('[data-phase="running"]').waitFor({ timeout: 5_000 });
    const times = await Promise.all([ada, grace].map((p) => p.locator('[role="timer"]').textContent()));
    const secs = (t: string | null) => t!.split(':').reduce((n, x) => n * 60 + Number(x), 0);
    expect(Math.abs(secs(times[0]) - secs(times[1]))).toBeLessThanOrEqual(2);
    // It counts down on the other page too.
    await grace.waitForFunction(() => document.querySelector('[role="timer"]')?.textContent === '29:58', null, { timeout: 5_000 });

    await ada.getByRole('heading', { name: 'Milestones: next 30 days and slipping' }).click();
    await grace.locator('[data-follow-target="meeting-milestones"][data-followed="true"]').waitFor({ timeout: 5_000 });

    // RAG is set with a comment, and reaches the other page as text, not colour alone.
    await ada.getByRole('button', { name: 'Update RAG of Data platform (sensor-data ingestion pipeline)' }).click();
    await ada.getByRole('radio', { name: 'Amber' }).check();
    expect(await ada.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);
    await ada.getByLabel(/^Comment/).fill('');
    expect(await ada.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await ada.getByLabel(/^Comment/).fill('Load test at 100k msg/s slipped a week.');
    await ada.getByRole('button', { name: 'Save' }).click();
    await grace.getByText('Load test at 100k msg/s slipped a week.').waitFor({ timeout: 5_000 });
    await ada.evaluate(() => window.scrollTo(0, 0));
    await screenshot(ada, 'steering-meeting-light');
    await screenshot(grace, 'steering-meeting-following-dark');

    // Grace opts out: Ada's next section is not highlighted for her.
    await grace.getByLabel('Follow the presenter').uncheck();
    await ada.getByRole('heading', { name: 'Decisions needed' }).click();
    await ada.waitForTimeout(400);
    expect(await grace.locator('[data-follow-target="meeting-decisions"][data-followed="true"]').count()).toBe(0);
    await grace.getByLabel('Follow the presenter').check();
    await grace.locator('[data-follow-target="meeting-decisions"][data-followed="true"]').waitFor({ timeout: 5_000 });
    await ada.getByRole('button', { name: /Presenting/ }).click();
    await grace.getByText('Ada Lovelace is presenting').waitFor({ state: 'detached', timeout: 5_000 });
  });

  test('decisions: add one inline and edit its rationale, options and links', async () => {
    await tab(ada, 'Decisions');
    await tab(grace, 'Decisions');
    await ada.getByLabel('New decision', { exact: true }).fill('Second optics vendor for spares');
    await ada.getByLabel('New decision', { exact: true }).press('Enter');
    await ada.getByLabel('Options considered').fill('Dual-source optics\nSingle vendor with buffer stock');
    await ada.getByLabel('Rationale').fill('Limits exposure to one vendor’s RMA queue.');
    await ada.getByLabel('Rationale').blur();
    await ada.getByLabel('Link Second optics vendor for spares to').selectOption({ label: `Risk: ${TITLE}` });
    await ada.getByRole('button', { name: 'Add link' }).click();
    const row = grace.locator('tr[data-title="Second optics vendor for spares"]');
    await row.getByText(TITLE).waitFor({ timeout: 5_000 });
    expect(await row.getByLabel('Status of Second optics vendor for spares').inputValue()).toBe('proposed');
    await row.getByRole('button', { name: /More/ }).click();
    expect(await grace.getByLabel('Options considered').inputValue()).toBe('Dual-source optics\nSingle vendor with buffer stock');
    await screenshot(ada, 'steering-decisions-light');
    await screenshot(grace, 'steering-decisions-dark');
  });

  test('import: preview with line-numbered problems, good rows arrive together', async () => {
    await tab(ada, 'RAID log');
    await tab(grace, 'RAID log');
    await ada.getByRole('button', { name: 'Import CSV…' }).click();
    const csv = [
      'Type,Title,Owner,Probability,Severity,Next review',
      'Risk,Customs hold on spare GPUs,Tom Okafor,3,4,2030-01-15',
      'Rumour,Unknown kind row,,3,3,',
      'Issue,"Badge printer, \nlobby B",Nobody Known,2,2,',
      'Risk,Bad likelihood,,9,2,',
      'Risk,Bad date,,2,2,31/12/2025'
    ].join('\r\n');
    await ada.locator('dialog input[type="file"]').setInputFiles({ name: 'register.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + csv) });
    const dialog = ada.getByRole('dialog');
    await dialog.getByText('2 rows ready to import').waitFor({ timeout: 5_000 });
    const problems = await dialog.getByRole('list', { name: 'Rows with problems' }).textContent();
    expect(problems).toContain('Line 3');
    expect(problems).toContain('unknown kind “Rumour”');
    expect(problems).toContain('Line 6');
    expect(problems).toContain('likelihood “9”');
    expect(problems).toContain('Line 7');
    expect(problems).toContain('31/12/2025');
    expect(await dialog.getByLabel('Import column Probability as').inputValue()).toBe('likelihood');
    await screenshot(ada, 'steering-import-light');
    await dialog.getByRole('button', { name: 'Import 2 rows' }).click();
    await dialog.getByText('Imported 2 items. 3 rows were not imported').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await raidId(grace, 'Customs hold on spare GPUs');
    await raidId(grace, 'Badge printer, lobby B');
  });

  test('bulk actions: select rows, change owner and close them', async () => {
    const ids = [await raidId(ada, 'Customs hold on spare GPUs'), await raidId(ada, 'Badge printer, lobby B')];
    for (const id of ids) {
      await ada.locator(`tr[data-raid-id="${id}"] td[data-key="kind"]`).click();
      await ada.keyboard.press('ArrowLeft');
      await ada.keyboard.press('Space');
    }
    await ada.getByText('2 selected', { exact: true }).waitFor();
    await ada.getByRole('group', { name: 'Bulk actions' }).getByLabel('Owner').selectOption({ label: 'Priya Raman' });
    await ada.getByRole('button', { name: 'Set owner' }).click();
    await ada.getByRole('button', { name: 'Close', exact: true }).click();
    for (const id of ids) {
      await expect.poll(() => grace.locator(`tr[data-raid-id="${id}"] td[data-key="status"]`).textContent()).toContain('Closed');
      expect(await grace.locator(`tr[data-raid-id="${id}"] td[data-key="owner"]`).textContent()).toContain('Priya Raman');
    }
    await ada.getByRole('button', { name: 'Clear selection' }).click();
    // Filters: overdue reviews only.
    await grace.getByLabel('Review overdue').check();
    await expect.poll(() => grace.locator('tbody tr[data-raid-id]').count()).toBe(2);
    await screenshot(grace, 'steering-raid-filtered-dark');
    await grace.getByRole('button', { name: 'Clear filters' }).click();
    // Score pills fit their cells at 1280x800 in both themes (a "9 ◆ Amber" pill once ran out of its column, clipped).
    for (const page of [ada, grace]) expect(await pillsOutsideCells(page, 'td[data-key="score"]')).toEqual([]);
    await screenshot(ada, 'steering-raid-light');
    await screenshot(grace, 'steering-raid-dark');
  });

  test('presenter follow: the follower’s address names the presenter’s view; the band overlaps nothing and the followed table keeps its columns', async () => {
    const lastHeader = () => grace.locator('table[role="grid"] th.h-details').boundingBox();
    const before = (await lastHeader())!;
    await ada.getByRole('button', { name: 'Present' }).click();
    await grace.getByText('Ada Lovelace is presenting').waitFor({ timeout: 5_000 });

    // Ada goes to the heat map and back: Grace follows, and her address says which view she is on, so a reload stays there.
    const viewOf = (page: Page) => page.evaluate(() => new URLSearchParams(location.search).get('view'));
    await tab(ada, 'Heat map');
    await grace.locator('#tab-risks[aria-selected="true"]').waitFor({ timeout: 5_000 });
    await expect.poll(() => viewOf(grace)).toBe('risks');
    expect(await viewOf(ada)).toBe('risks');
    await tab(ada, 'RAID log');
    await grace.locator('#tab-raid[aria-selected="true"]').waitFor({ timeout: 5_000 });
    await expect.poll(() => viewOf(grace)).toBe('raid');

    // Ada opens a row: Grace's row is outlined and named in the band.
    const row = grace.locator(`tr[data-raid-id="${risk}"]`);
    await ada.locator(`tr[data-raid-id="${risk}"] td[data-key="details"] button`).click();
    await grace.locator(`tr[data-raid-id="${risk}"][data-followed="true"]`).waitFor({ timeout: 5_000 });
    expect(await grace.locator('[data-follow-band]').textContent()).toContain(TITLE);
    // The table keeps its columns (a tag on the followed row once became a twelfth column and squeezed the others).
    const after = (await lastHeader())!;
    expect(Math.abs(after.x + after.width - (before.x + before.width))).toBeLessThan(1);
    const rowBox = (await row.boundingBox())!;
    expect(Math.abs(rowBox.x + rowBox.width - (after.x + after.width))).toBeLessThan(1);
    // The band takes its own space: it overlaps no row of the table.
    const overlapping = await grace.evaluate(() => {
      const band = document.querySelector('[data-follow-band]')!.getBoundingClientRect();
      return [...document.querySelectorAll('table[role="grid"] tr')].filter((tr) => {
        const r = tr.getBoundingClientRect();
        return r.top < band.bottom && band.top < r.bottom && r.left < band.right && band.left < r.right;
      }).length;
    });
    expect(overlapping).toBe(0);
    await row.scrollIntoViewIfNeeded();
    await screenshot(grace, 'steering-raid-following-dark');
    await ada.getByRole('complementary').getByRole('button', { name: /Close/ }).first().click();
    await ada.getByRole('button', { name: /Presenting/ }).click();
    await grace.getByText('Ada Lovelace is presenting').waitFor({ state: 'detached', timeout: 5_000 });
  });

  test('status pack: Markdown and CSV downloads, and a PDF with every section', async () => {
    // A risk whose title would run as a formula in a spreadsheet.
    await ada.getByLabel('New RAID item').fill('=HYPERLINK("http://evil.example","click")');
    await ada.getByLabel('New RAID item').press('Enter');
    await tab(ada, 'Status pack');
    await tab(grace, 'Status pack');
    await ada.getByRole('heading', { name: 'Top risks', exact: true }).waitFor();

    const [md] = await Promise.all([ada.waitForEvent('download'), ada.getByRole('button', { name: 'Download Markdown' }).click()]);
    const markdown = fs.readFileSync((await md.path())!, 'utf8');
    expect(md.suggestedFilename()).toMatch(/^project-helios.*-status-pack-\d{4}-\d{2}-\d{2}-\d{4}\.md$/);
    expect(markdown).toMatch(/^# Project Helios .* — steering status pack\n\n_as of \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \w+ \(Europe\/London\)_/);
    for (const h of ['## Key figures', '## Workstreams', '## Top risks', '## Decisions needed']) expect(markdown).toContain(h);
    expect(markdown).toContain('Load test at 100k msg/s slipped a week.');
    expect(markdown).toContain('Second optics vendor for spares');

    const [csv] = await Promise.all([ada.waitForEvent('download'), ada.getByRole('button', { name: 'RAID', exact: true }).click()]);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).toContain(`,risk,${TITLE},,open,`);
    expect(text).toContain('One vendor supplies every 800G transceiver.');
    const [dec] = await Promise.all([ada.waitForEvent('download'), ada.getByRole('button', { name: 'Decisions', exact: true }).click()]);
    expect(fs.readFileSync((await dec.path())!, 'utf8')).toContain('Second optics vendor for spares');

    // The printable view has every section; Chromium prints it to PDF with the print stylesheet.
    const sections = await ada.locator('[data-testid="status-pack"] section').evaluateAll((s) => s.map((x) => x.getAttribute('data-section')));
    expect(sections).toEqual(['figures', 'workstreams', 'milestones', 'resources', 'risks', 'issues', 'decisions', 'register']);
    expect(await ada.locator('[data-asof]').textContent()).toMatch(/^as of .* \(Europe\/London\)$/);
    const pdf = await ada.pdf({ format: 'A4', printBackground: true });
    fs.mkdirSync('test-results', { recursive: true });
    fs.writeFileSync('test-results/steering-status-pack.pdf', pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    const extracted = hasPdftotext() ? execFileSync('pdftotext', ['-layout', 'test-results/steering-status-pack.pdf', '-']).toString() : pdfText(pdf);
    // Compared without spaces and with ligatures undone: Chromium places glyph runs one by one.
    const squash = (t: string) => t.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
    for (const words of ['Steering status pack', 'Key figures', 'Workstreams', 'Top risks', 'Decisions needed', 'Appendix', TITLE, 'Europe/London']) {
      expect(squash(extracted)).toContain(squash(words));
    }
    // Nothing of the app's chrome is printed: not the toolbar, not the app header (your name, the save state, the room), not the view tabs.
    for (const chrome of ['Download Markdown', 'All changes saved', 'Your name', 'demo-gpu-cluster', 'Heat map']) expect(squash(extracted)).not.toContain(squash(chrome));

    // On screen at 1280x800 a date, score, status or lateness never breaks inside ("2026-12-" over "09").
    for (const page of [ada, grace]) expect(await valuesBrokenOverLines(page)).toEqual([]);
    expect(await pillsOutsideCells(ada, '[data-testid="status-pack"] td')).toEqual([]);
    await screenshot(ada, 'steering-pack-light');
    await ada.screenshot({ path: 'test-results/screenshots/steering-pack-light-full.png', fullPage: true });

    // What the print stylesheet makes of it (the PDF above is this, paginated): only the pack, black on white, page margins from @page.
    await ada.emulateMedia({ media: 'print' });
    for (const chrome of ['header.doc-header', 'nav[aria-label="Plan views"]', '[role="toolbar"]', '[role="tablist"]']) expect(await ada.locator(chrome).isVisible(), chrome).toBe(false);
    expect(await ada.locator('button:visible, input:visible, select:visible').count()).toBe(0);
    expect((await ada.locator('[data-testid="status-pack"]').boundingBox())!.x).toBeLessThan(1);
    expect(await ada.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('[data-testid="status-pack"] td')!).color])).toEqual([
      'rgb(255, 255, 255)',
      'rgb(0, 0, 0)'
    ]);
    expect(await pageMargin(ada)).toBe('14mm 12mm');
    await screenshot(ada, 'steering-pack-print');
    await ada.screenshot({ path: 'test-results/screenshots/steering-pack-print-full.png', fullPage: true });
    await ada.emulateMedia({ media: 'screen' });
    await grace.emulateMedia({ media: 'print' });
    expect(await grace.locator('header.doc-header').isVisible()).toBe(false);
    await screenshot(grace, 'steering-pack-print-from-dark');
    await grace.emulateMedia({ media: 'screen' });
    await screenshot(grace, 'steering-pack-dark');
    expect(errors).toEqual([]);
  });
});

/** Text of the RAG pills matched by `cells` whose box is not inside their cell's box. */
function pillsOutsideCells(page: Page, cells: string): Promise<string[]> {
  return page.locator(cells).evaluateAll((tds) =>
    tds.flatMap((td) =>
      [...td.querySelectorAll('.rag')]
        .filter((pill) => {
          const p = pill.getBoundingClientRect();
          const c = td.getBoundingClientRect();
          return p.left < c.left - 0.5 || p.right > c.right + 0.5 || p.top < c.top - 0.5 || p.bottom > c.bottom + 0.5;
        })
        .map((pill) => pill.textContent ?? '')
    )
  );
}

/**
 * Values in the status pack's short columns (dates, scores, RAG, status, lateness, L×I) that run
 * over more than one line: two of the cell's line boxes lie one under the other.
 */
function valuesBrokenOverLines(page: Page): Promise<string[]> {
  return page.locator('[data-testid="status-pack"] table').evaluateAll((tables) =>
    tables.flatMap((table) => {
      const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim().toLowerCase());
      const cols = heads.flatMap((h, i) => (/^(due|baseline|slip|review|score|rag|status|kind|l×i)$/.test(h) ? [i] : []));
      return [...table.querySelectorAll('tbody tr')].flatMap((tr) =>
        cols
          .map((i) => tr.children[i])
          .filter((td) => {
            const range = document.createRange();
            range.selectNodeContents(td);
            const lines = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
            return lines.some((a) => lines.some((b) => b.top >= a.bottom - 1));
          })
          .map((td) => td.textContent!.trim())
      );
    })
  );
}

/** The margin of the first @page rule in the page's style sheets (inside @media rules too). */
function pageMargin(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const find = (rules: CSSRuleList): string | null => {
      for (const r of rules) {
        if (r instanceof CSSPageRule && r.style.margin) return r.style.margin;
        if (r instanceof CSSGroupingRule) {
          const m = find(r.cssRules);
          if (m) return m;
        }
      }
      return null;
    };
    for (const sheet of document.styleSheets) {
      const m = find(sheet.cssRules);
      if (m) return m;
    }
    return null;
  });
}

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
