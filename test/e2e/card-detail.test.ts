/**
 * The card detail panel in real Chromium against a real server: two people (separate browser
 * contexts, so everything between them goes through the server) editing one card's description
 * at once, carets labelled with names, markdown shortcuts and the toolbar, undo that only takes
 * back one's own typing, @mentions in comments, fields and their history, a viewer's read-only
 * panel, keyboard handling of the dialog, and screenshots in both themes (for a person to look at).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addCard } from '../../shared/doc/cards.ts';
import { addMember } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addRaidItem } from '../../shared/doc/raid.ts';
import { epics, sprints } from '../../shared/doc/sprints.ts';
import { milestones } from '../../shared/doc/timeline.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { blocks, editorOf, panel, waitForText } from '../helpers/card-detail.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'card-detail-e2e';
const CARD = 'Rack the GPU nodes';
const RENAMED = 'Rack and cable the GPU nodes';
const EMPTY_CARD = 'Order optics';

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A plan whose members have the ids our test tokens give their users, so names resolve. */
async function seedPlan(): Promise<void> {
  const doc = new Y.Doc();
  const ed = createEditor('test', 'seed', () => Date.UTC(2026, 10, 2, 9));
  createPlan(doc, ed, { name: 'GPU buildout' });
  const person = (name: string, title: string) => ({ name, title, timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:00', defaultCapacity: 10 });
  addMember(doc, ed, person('Ada Lovelace', 'SRE lead'), 'u-ada-lovelace');
  addMember(doc, ed, person('Grace Hopper', 'Network engineer'), 'u-grace-hopper');
  addMember(doc, ed, person('Alan Turing', 'Capacity planner'), 'm-alan');
  sprints.add(doc, ed, { name: 'Sprint 1', goal: 'First rack live', start: '2026-11-02', end: '2026-11-13', state: 'active', commitment: null, closedAt: null });
  epics.add(doc, ed, { name: 'Compute', rank: 'i' });
  addRaidItem(doc, ed, {
    kind: 'risk',
    title: 'PDU lead time slips',
    owner: null,
    status: 'open',
    raised: '2026-11-01',
    review: null,
    due: null,
    likelihood: 3,
    impact: 4,
    residualLikelihood: null,
    residualImpact: null,
    links: []
  });
  milestones.add(doc, ed, { name: 'Cluster live', kind: 'milestone', workstream: null, start: '2026-12-15', end: '2026-12-15', baselineStart: null, baselineEnd: null, stage: 'build', owner: null });
  // A long name: a select is as wide as its longest option, which once pushed the picker off the panel.
  milestones.add(doc, ed, { name: 'GPU acceptance benchmark signed off by the customer’s infrastructure steering group', kind: 'milestone', workstream: null, start: '2027-01-20', end: '2027-01-20', baselineStart: null, baselineEnd: null, stage: 'build', owner: null });
  addCard(doc, ed, { title: CARD, status: 'todo', rank: 'a' });
  addCard(doc, ed, { title: EMPTY_CARD, status: 'todo', rank: 'b' });
  await storeNewRoom(server.server.store, ROOM, 'plan', doc, 'test');
  doc.destroy();
}

async function openPlan(name: string, role: 'editor' | 'viewer' = 'editor', colorScheme: 'light' | 'dark' = 'light', title = CARD): Promise<Page> {
  const context = await newContext(browser, colorScheme);
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (err) => console.error(`[${name}] page error:`, err));
  page.on('console', (m) => m.type() === 'error' && console.error(`[${name}] console error:`, m.text()));
  await page.goto(`${server.url}/p/${ROOM}?view=list&token=${encodeURIComponent(server.token(ROOM, role, name))}`);
  await waitForConnection(page, 'connected');
  await waitForCardTitle(page, title);
  return page;
}

async function openCard(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: `Open ${title}` }).click();
  await page.locator('dialog.card-detail [data-editor-root]').waitFor({ timeout: 5_000 });
}


/** Puts the caret at the very end of the description: a click in its last block, then Ctrl+End. */
async function caretToEnd(page: Page): Promise<void> {
  await editorOf(page).locator(':scope > *').last().click();
  await page.keyboard.press('Control+End');
  await page.waitForTimeout(50);
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  await seedPlan();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('card detail panel', () => {
  let ada: Page;
  let grace: Page;

  test('two people opening an empty description at once write nothing; the first typing makes one paragraph', async () => {
    [ada, grace] = await Promise.all([openPlan('Ada Lovelace'), openPlan('Grace Hopper')]);
    await Promise.all([openCard(ada, EMPTY_CARD), openCard(grace, EMPTY_CARD)]);
    // Both bindings are live and have had time to exchange anything they might have written.
    await Promise.all([ada, grace].map((p) => p.getByText('Also here:').waitFor({ timeout: 5_000 })));
    await ada.waitForTimeout(400);
    expect(await blocks(ada)).toEqual([]);
    expect(await blocks(grace)).toEqual([]);

    await editorOf(ada).focus();
    await ada.keyboard.type('Single line', { delay: 20 });
    await waitForText(grace, 'Single line');
    await grace.waitForTimeout(200);
    expect(await blocks(grace)).toEqual(['p:Single line']);
    expect(await blocks(ada)).toEqual(['p:Single line']);
    await ada.keyboard.press('Escape');
    await grace.keyboard.press('Escape');
    await ada.locator('dialog.card-detail').waitFor({ state: 'detached', timeout: 2_000 });
    // Focus went back to the button that opened the panel.
    expect(await ada.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Open ${EMPTY_CARD}`);
  });

  test('typing at the same time converges in both pages, and each sees the other’s labelled caret', async () => {
    await Promise.all([openCard(ada, CARD), openCard(grace, CARD)]);
    await editorOf(ada).focus();
    await ada.keyboard.type('Scope: ', { delay: 15 });
    await waitForText(grace, 'Scope:');
    await caretToEnd(grace);
    await grace.keyboard.press('Enter');
    await ada.waitForFunction(() => document.querySelectorAll('dialog.card-detail [data-editor-root] > p').length === 2, null, { timeout: 5_000 });

    // Interleaved: each keystroke of one lands between keystrokes of the other.
    await Promise.all([ada.keyboard.type('racks A and B', { delay: 45 }), grace.keyboard.type('Budget 40 kW', { delay: 45 })]);
    for (const page of [ada, grace]) {
      await waitForText(page, 'racks A and B');
      await waitForText(page, 'Budget 40 kW');
    }
    await ada.waitForTimeout(300);
    expect(await blocks(ada)).toEqual(['p:Scope: racks A and B', 'p:Budget 40 kW']);
    expect(await blocks(grace)).toEqual(await blocks(ada));
    expect(await editorOf(grace).innerHTML()).toBe(await editorOf(ada).innerHTML());

    // Carets: Grace's name at her caret on Ada's screen, and Ada's on Grace's.
    await ada.locator('[data-editor-cursors] .rt-caret-name', { hasText: 'Grace Hopper' }).waitFor({ timeout: 5_000 });
    await grace.locator('[data-editor-cursors] .rt-caret-name', { hasText: 'Ada Lovelace' }).waitFor({ timeout: 5_000 });
    expect(await ada.locator('[data-editor-cursors] .rt-caret-name').count()).toBe(1);
    // Presence on the card, beside the title.
    expect(await grace.locator('[aria-label="Also on this card"]').textContent()).toContain('Ada Lovelace');
  });

  test('markdown shortcuts and the toolbar make headings, lists and bold text for everyone', async () => {
    await caretToEnd(ada);
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('## Plan', { delay: 10 });
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('- order PDUs', { delay: 10 });
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('cable spines', { delay: 10 });
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('Enter'); // an empty item leaves the list
    await ada.keyboard.type('Needs **sign-off** now', { delay: 10 });
    await grace.waitForFunction(() => document.querySelector('dialog.card-detail [data-editor-root] strong')?.textContent === 'sign-off', null, { timeout: 5_000 });
    expect(await blocks(grace)).toEqual(['p:Scope: racks A and B', 'p:Budget 40 kW', 'h2:Plan', 'ul:order PDUscable spines', 'p:Needs sign-off now']);
    expect(await grace.locator('dialog.card-detail [data-editor-root] ul > li').allTextContents()).toEqual(['order PDUs', 'cable spines']);

    // Toolbar: a numbered list and a heading level, by button.
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('Checklist', { delay: 10 });
    await panel(ada).getByRole('button', { name: 'Numbered list' }).click();
    await grace.locator('dialog.card-detail [data-editor-root] ol > li', { hasText: 'Checklist' }).waitFor({ timeout: 5_000 });
    expect(await panel(ada).getByRole('button', { name: 'Numbered list' }).getAttribute('aria-pressed')).toBe('true');
    await panel(ada).getByRole('button', { name: 'Heading 3' }).click();
    await grace.locator('dialog.card-detail [data-editor-root] h3', { hasText: 'Checklist' }).waitFor({ timeout: 5_000 });
    expect(await editorOf(grace).innerHTML()).toBe(await editorOf(ada).innerHTML());

    // A link from the keyboard: select a word, Ctrl+K, type the address, Enter.
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('runbook', { delay: 10 });
    await ada.keyboard.press('Shift+Home');
    await ada.keyboard.press('Control+k');
    await panel(ada).getByLabel('Link address').fill('wiki.example.com/runbook');
    await panel(ada).getByLabel('Link address').press('Enter');
    const link = grace.locator('dialog.card-detail [data-editor-root] a', { hasText: 'runbook' });
    await link.waitFor({ timeout: 5_000 });
    expect(await link.textContent()).toBe('runbook');
    expect(await link.getAttribute('href')).toBe('https://wiki.example.com/runbook');
    await screenshot(ada, 'card-detail-light');
  });

  test('undo takes back only my own typing, for everyone', async () => {
    await ada.waitForTimeout(600); // the undo manager merges edits closer than 500 ms
    await caretToEnd(ada);
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('ada-undo-me', { delay: 15 });
    // Grace types meanwhile into her own paragraph.
    await grace.locator('dialog.card-detail [data-editor-root] p', { hasText: 'Budget 40 kW' }).click();
    await grace.keyboard.press('End');
    await grace.keyboard.type(' grace-keeps', { delay: 15 });
    for (const page of [ada, grace]) {
      await waitForText(page, 'ada-undo-me');
      await waitForText(page, 'grace-keeps');
    }
    await editorOf(ada).focus();
    await ada.keyboard.press('Control+z');
    await grace.waitForFunction(() => !document.querySelector('dialog.card-detail [data-editor-root]')?.textContent?.includes('ada-undo-me'), null, { timeout: 5_000 });
    await ada.waitForTimeout(200);
    for (const page of [ada, grace]) {
      const text = await editorOf(page).textContent();
      expect(text).not.toContain('ada-undo-me');
      expect(text).toContain('Budget 40 kW grace-keeps');
      expect(text).toContain('Checklistrunbook');
    }
    // Redo brings it back for both.
    await ada.keyboard.press('Control+Shift+z');
    await waitForText(grace, 'ada-undo-me');
  });

  test('a comment with an @mention reaches the other page with the member’s name', async () => {
    const box = panel(ada).getByLabel('Add a comment');
    await box.click();
    await box.pressSequentially('@Gr', { delay: 20 });
    const option = panel(ada).getByRole('listbox', { name: 'People to mention' }).getByRole('option', { name: /Grace Hopper/ });
    await option.waitFor({ timeout: 2_000 });
    // Escape closes the picker, not the panel.
    await ada.keyboard.press('Escape');
    expect(await option.count()).toBe(0);
    expect(await ada.locator('dialog.card-detail').count()).toBe(1);
    await box.press('Backspace');
    await box.pressSequentially('r', { delay: 20 });
    await option.waitFor({ timeout: 2_000 });
    await screenshot(ada, 'card-detail-mention-light');
    await ada.keyboard.press('Enter');
    await box.pressSequentially('can you check the PDU ratings?', { delay: 5 });
    expect(await box.inputValue()).toBe('@Grace Hopper can you check the PDU ratings?');
    await ada.keyboard.press('Control+Enter');

    const mention = grace.locator('dialog.card-detail .comments .mention');
    await mention.waitFor({ timeout: 5_000 });
    expect(await mention.textContent()).toBe('@Grace Hopper');
    expect(await mention.getAttribute('data-member')).toBe('u-grace-hopper');
    const comment = grace.locator('dialog.card-detail .comments li', { hasText: 'PDU ratings' });
    expect(await comment.textContent()).toContain('Ada Lovelace');
    expect(await comment.textContent()).toContain('mentions you');
  });

  test('fields change for everyone and their history names who and when, in local time with the zone', async () => {
    await panel(ada).getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'In progress' });
    await panel(ada).getByRole('textbox', { name: /^Estimate/ }).fill('5');
    await panel(ada).getByRole('textbox', { name: /^Estimate/ }).press('Enter');
    await panel(ada).getByLabel('Assignee').selectOption({ label: 'Grace Hopper — Network engineer' });
    await panel(ada).getByLabel('Sprint').selectOption({ label: 'Sprint 1 (active)' });
    await panel(ada).getByLabel('Epic').selectOption({ label: 'Compute' });
    await panel(ada).getByLabel('Due date').fill('2026-12-01');
    await panel(ada).getByLabel('Labels', { exact: true }).fill('hardware');
    await panel(ada).getByLabel('Labels', { exact: true }).press('Enter');
    await panel(ada).getByLabel('Link a RAID item').selectOption({ label: 'PDU lead time slips' });
    await panel(ada).locator('section.links form').nth(0).getByRole('button', { name: 'Link' }).click();
    // Both pickers and their Link buttons stay inside the panel.
    const edge = await panel(ada).locator('.scroll').evaluate((el) => el.getBoundingClientRect().right);
    for (const button of await panel(ada).locator('section.links form button').all()) expect((await button.boundingBox())!.x + (await button.boundingBox())!.width).toBeLessThanOrEqual(edge);
    await panel(ada).getByLabel('Link a milestone').selectOption({ index: 1 });
    await panel(ada).locator('section.links form').nth(1).getByRole('button', { name: 'Link' }).click();
    const title = panel(ada).getByLabel('Title', { exact: true });
    await title.fill(RENAMED);
    await title.press('Enter');

    await grace.waitForFunction((t) => (document.querySelector('dialog.card-detail input.title') as HTMLInputElement | null)?.value === t, RENAMED, { timeout: 5_000 });
    expect(await panel(grace).getByRole('combobox', { name: 'Status', exact: true }).inputValue()).toBe('doing');
    expect(await panel(grace).getByRole('textbox', { name: /^Estimate/ }).inputValue()).toBe('5');
    expect(await panel(grace).getByLabel('Assignee').inputValue()).toBe('u-grace-hopper');
    expect(await panel(grace).getByLabel('Due date').inputValue()).toBe('2026-12-01');
    expect(await panel(grace).getByRole('list', { name: 'Labels of this card' }).textContent()).toContain('hardware');
    const links = grace.locator('dialog.card-detail section.links ul');
    await links.getByText('Cluster live').waitFor({ timeout: 5_000 });
    expect(await links.textContent()).toContain('PDU lead time slips');

    const statusHistory = await panel(grace).getByRole('list', { name: 'Status', exact: true }).textContent();
    expect(statusHistory).toContain('To do');
    expect(statusHistory).toContain('In progress');
    expect(statusHistory).toContain('Ada Lovelace');
    expect(statusHistory).toMatch(/\b(UTC|GMT[+-]?\d*)\b/);
    expect(await panel(grace).getByRole('list', { name: 'Estimate', exact: true }).textContent()).toContain('Estimated at 5 points');
    await screenshot(grace, 'card-detail-fields-light');
  });

  test('a viewer sees the description live but read-only, with no toolbar', async () => {
    const vera = await openPlan('Vera Viewer', 'viewer', 'dark', RENAMED);
    await openCard(vera, RENAMED);
    await waitForText(vera, 'Budget 40 kW grace-keeps');
    expect(await editorOf(vera).getAttribute('contenteditable')).toBe('false');
    expect(await editorOf(vera).getAttribute('aria-readonly')).toBe('true');
    expect(await panel(vera).getByRole('toolbar', { name: 'Formatting' }).count()).toBe(0);
    expect(await panel(vera).getByLabel('Title', { exact: true }).isDisabled()).toBe(true);
    expect(await panel(vera).getByRole('combobox', { name: 'Status', exact: true }).isDisabled()).toBe(true);
    expect(await panel(vera).getByLabel('Add a comment').count()).toBe(0);
    const before = await editorOf(vera).innerHTML();
    await editorOf(vera).click();
    await vera.keyboard.type('viewer was here');
    await vera.waitForTimeout(200);
    expect(await editorOf(vera).innerHTML()).toBe(before);
    // …and still live: Ada's next words arrive.
    await caretToEnd(ada);
    await ada.keyboard.type(' Done.', { delay: 10 });
    await waitForText(vera, 'Done.');
    expect(await editorOf(ada).textContent()).not.toContain('viewer was here');
    await screenshot(vera, 'card-detail-viewer-dark');
  });

  test('closing and reopening the card loads the description once, and editing carries on', async () => {
    const before = await editorOf(grace).innerHTML();
    await editorOf(ada).focus();
    await ada.keyboard.press('Escape');
    await panel(ada).waitFor({ state: 'detached', timeout: 2_000 });
    await openCard(ada, RENAMED);
    await waitForText(ada, 'Done.');
    expect(await editorOf(ada).innerHTML()).toBe(before);
    await caretToEnd(ada);
    await ada.keyboard.type(' Again.', { delay: 10 });
    await waitForText(grace, 'Done. Again.');
    expect(await editorOf(grace).innerHTML()).toBe(await editorOf(ada).innerHTML());
  });

  test('keyboard: Tab stays inside the panel, Escape closes it; dark theme screenshot', async () => {
    const dora = await openPlan('Dora Dark', 'editor', 'dark', RENAMED);
    await openCard(dora, RENAMED);
    await waitForText(dora, 'Done. Again.');
    expect(await dora.evaluate(() => document.activeElement?.classList.contains('title'))).toBe(true);
    // Shift+Tab from the first control wraps to the last one, which is still inside the dialog.
    await dora.keyboard.press('Shift+Tab');
    expect(await dora.evaluate(() => !!document.activeElement?.closest('dialog.card-detail'))).toBe(true);
    await dora.keyboard.press('Tab');
    expect(await dora.evaluate(() => document.activeElement?.classList.contains('title'))).toBe(true);
    await editorOf(dora).focus();
    await dora.waitForTimeout(300);
    await screenshot(dora, 'card-detail-dark');
    await dora.keyboard.press('Escape');
    await dora.locator('dialog.card-detail').waitFor({ state: 'detached', timeout: 2_000 });
  });
});
