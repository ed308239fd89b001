/**
 * Descriptions written before the editor used @lexical/rich-text, @lexical/list and @lexical/link
 * open and edit in today's editor (client/src/lib/editor/normalize.ts migrates them as they are
 * read). The fixture, test/e2e/fixtures/legacy-description.json, is the Y.XmlText tree that the
 * hand-written heading, list and link nodes of commit 72a1d63 wrote through @lexical/yjs (run
 * headless, then dumped): lists with `__listType` but no `__tag` or `__start`, items with no
 * `__value`, links with `__url` alone. Real server, two people in real Chromium, and a viewer.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard, cardDescription } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { contextPool, ensureClientBuilt, launchBrowser, screenshot, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { buildLegacy } from '../helpers/legacy-description.ts';
import { blocks, editorOf, panel, waitForText } from '../helpers/card-detail.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'legacy-description-e2e';
const CARD = 'Swap the rack PSUs';

let server: TestServer;
let browser: Browser;
const contexts = contextPool(() => browser);

async function openPlan(name: string, role: 'editor' | 'viewer' = 'editor'): Promise<Page> {
  const context = await contexts.open('light');
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (err) => console.error(`[${name}] page error:`, err));
  page.on('console', (m) => m.type() === 'error' && console.error(`[${name}] console error:`, m.text()));
  await page.goto(`${server.url}/p/${ROOM}?view=list&token=${encodeURIComponent(server.token(ROOM, role, name))}`);
  await waitForConnection(page, 'connected');
  await waitForCardTitle(page, CARD);
  await page.getByRole('button', { name: `Open ${CARD}` }).click();
  await page.locator('dialog.card-detail [data-editor-root] h2').waitFor({ timeout: 5_000 });
  return page;
}

const numbers = (page: Page) => editorOf(page).evaluate((el) => [...el.querySelectorAll('ol > li')].map((li) => (li as HTMLLIElement).value));

/** The caret at the end of the block (or item) whose text is exactly `text`. */
async function caretAfter(page: Page, selector: string, text: string): Promise<void> {
  await editorOf(page).locator(selector, { hasText: text }).click();
  await page.keyboard.press('End');
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  const doc = new Y.Doc();
  const ed = createEditor('test', 'seed', () => Date.UTC(2026, 10, 2, 9));
  createPlan(doc, ed, { name: 'GPU buildout' });
  const id = addCard(doc, ed, { title: CARD, status: 'todo', rank: 'a' });
  doc.transact(() => buildLegacy(cardDescription(doc, id)!));
  await storeNewRoom(server.server.store, ROOM, 'plan', doc, 'test');
  doc.destroy();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await contexts.closeAll();
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('a description in the format of the hand-written nodes', () => {
  let ada: Page;
  let grace: Page;

  test('renders its headings, bulleted and numbered lists, bold text and link', async () => {
    [ada, grace] = await Promise.all([openPlan('Ada Lovelace'), openPlan('Grace Hopper')]);
    const expected = ['h2:Rollout plan', 'p:Read the runbook and get sign-off first.', 'ul:order PDUscable spines', 'h3:Steps', 'ol:drain rack Aswap PSUsre-enable'];
    for (const page of [ada, grace]) {
      expect(await blocks(page)).toEqual(expected);
      expect(await numbers(page)).toEqual([1, 2, 3]);
      expect(await editorOf(page).locator('strong').textContent()).toBe('sign-off');
      const link = editorOf(page).locator('a', { hasText: 'runbook' });
      expect(await link.getAttribute('href')).toBe('https://wiki.example.com/rollout');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toContain('noopener');
    }
    // The toolbar reads the old nodes too.
    await caretAfter(ada, 'h3', 'Steps');
    await panel(ada).getByRole('button', { name: 'Heading 3', pressed: true }).waitFor({ timeout: 2_000 });
    await caretAfter(ada, 'ul > li', 'cable spines');
    await panel(ada).getByRole('button', { name: 'Bulleted list', pressed: true }).waitFor({ timeout: 2_000 });
  });

  test('edits in it reach everyone: list items, a heading level, a link address', async () => {
    // A bulleted list stays bulleted when it grows; a numbered one renumbers.
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('label ports', { delay: 10 });
    await grace
      .locator('dialog.card-detail [data-editor-root] ul > li', {
        hasText: 'label ports'
      })
      .waitFor({ timeout: 5_000 });
    await caretAfter(grace, 'ol > li', 'swap PSUs');
    await grace.keyboard.press('Enter');
    await grace.keyboard.type('burn in', { delay: 10 });
    await ada
      .locator('dialog.card-detail [data-editor-root] ol > li', {
        hasText: 'burn in'
      })
      .waitFor({ timeout: 5_000 });
    for (const page of [ada, grace]) {
      expect(await page.locator('dialog.card-detail [data-editor-root] ul > li').allTextContents()).toEqual(['order PDUs', 'cable spines', 'label ports']);
      expect(await page.locator('dialog.card-detail [data-editor-root] ol > li').allTextContents()).toEqual(['drain rack A', 'swap PSUs', 'burn in', 're-enable']);
      expect(await numbers(page)).toEqual([1, 2, 3, 4]);
    }

    // The old heading changes level by the toolbar.
    await caretAfter(ada, 'h3', 'Steps');
    await panel(ada).getByRole('button', { name: 'Heading 1' }).click();
    await grace.locator('dialog.card-detail [data-editor-root] h1', { hasText: 'Steps' }).waitFor({ timeout: 5_000 });

    // The old link: the caret in it, Ctrl+K shows its address; a new one reaches Grace.
    await editorOf(ada).locator('a', { hasText: 'runbook' }).click();
    await panel(ada).getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name: 'Link', exact: true, pressed: true }).waitFor({ timeout: 2_000 });
    await ada.keyboard.press('Control+k');
    const field = panel(ada).getByLabel('Link address');
    expect(await field.inputValue()).toBe('https://wiki.example.com/rollout');
    await field.fill('wiki.example.com/rollout-v2');
    await field.press('Enter');
    await grace.waitForFunction(() => document.querySelector('dialog.card-detail [data-editor-root] a')?.getAttribute('href') === 'https://wiki.example.com/rollout-v2', null, { timeout: 5_000 });

    // New blocks beside the old ones: a quote by shortcut; "#### " is not a level the editor offers.
    await caretAfter(ada, 'ol > li', 're-enable');
    // Typing at once after the click sometimes lands back in the link just edited (seen here, not
    // yet explained): let the caret settle, as card-detail.test.ts does after its link.
    await panel(ada).getByRole('button', { name: 'Numbered list', pressed: true }).waitFor({ timeout: 2_000 });
    await ada.waitForTimeout(600);
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('> Check the PDU labels first', { delay: 10 });
    await grace.locator('dialog.card-detail [data-editor-root] blockquote', { hasText: 'Check the PDU labels first' }).waitFor({ timeout: 5_000 });
    await panel(ada).getByRole('button', { name: 'Quote', pressed: true }).waitFor({ timeout: 2_000 });
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('#### not a heading', { delay: 10 });
    await waitForText(grace, '#### not a heading');
    await ada.waitForTimeout(200);
    expect((await blocks(grace)).slice(-2)).toEqual(['blockquote:Check the PDU labels first', 'p:#### not a heading']);
    expect(await editorOf(grace).innerHTML()).toBe(await editorOf(ada).innerHTML());
    await screenshot(ada, 'legacy-description-edited');
    // The toolbar's names contain its buttons' visible text ("H1, Heading 1", "1. Numbered list").
    expect((await seriousViolations(ada)).filter((f) => f.rule === 'label-content-name-mismatch')).toEqual([]);
  });

  test('a viewer sees the same description, read-only', async () => {
    const vera = await openPlan('Vera Viewer', 'viewer');
    await vera.locator('dialog.card-detail [data-editor-root] h1', { hasText: 'Steps' }).waitFor({ timeout: 5_000 });
    expect(await numbers(vera)).toEqual([1, 2, 3, 4]);
    expect(await editorOf(vera).getAttribute('contenteditable')).toBe('false');
    await vera.locator('dialog.card-detail [data-editor-root] blockquote').waitFor({ timeout: 5_000 });
    expect(await blocks(vera)).toEqual(await blocks(ada));
  });
});
