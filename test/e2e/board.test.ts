/**
 * The sprint board and sprint planning in real Chromium against a real server, two people at once
 * (two browser contexts: everything reaching page B went through the server): a card created on
 * the board, dragged between columns with the mouse and moved with the keyboard, seen moving in the
 * other page; a WIP limit set in the columns admin and flagged; a sprint planned, started and
 * closed; the CSV export's content; a Jira CSV import with one bad row; screenshots at 1280x800 in
 * light and dark (test-results/screenshots/board-*.png).
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addMember } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { epics } from '../../shared/doc/sprints.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForConnection } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
const room = 'board-e2e';
const contexts: BrowserContext[] = [];

async function seedRoom(): Promise<void> {
  const doc = new Y.Doc();
  const ed = createEditor('setup', 'server');
  createPlan(doc, ed, { name: 'Board e2e', timeZone: 'Europe/London' });
  addMember(doc, ed, { name: 'Ada Lovelace', title: 'Lead', timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:00', defaultCapacity: 3 }, 'm-ada');
  addMember(doc, ed, { name: 'Grace Hopper', title: 'SRE', timeZone: 'America/New_York', workStart: '09:00', workEnd: '17:00', defaultCapacity: 8 }, 'm-grace');
  epics.add(doc, ed, { name: 'GPU racks', rank: 'i' }, { id: 'e-racks' });
  await storeNewRoom(server.server.store, room, 'plan', doc, 'setup');
  doc.destroy();
}

async function openBoard(name: string, colorScheme: 'light' | 'dark' = 'light', view = 'board', role: 'editor' | 'facilitator' = 'editor'): Promise<Page> {
  const context = await newContext(browser, colorScheme);
  context.setDefaultTimeout(5_000);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.url}/p/${room}?view=${view}&token=${encodeURIComponent(server.token(room, role, name))}`);
  await waitForConnection(page, 'connected');
  return page;
}

const cell = (page: Page, status: string) => page.locator(`[data-cell][data-status="${status}"]`);
const card = (page: Page, title: string) => page.locator('[data-card-id]', { hasText: title });

/** Waits until the card with `title` is in column `status` of `page`. */
async function waitInColumn(page: Page, title: string, status: string, timeout = 5_000): Promise<void> {
  await page.waitForFunction(
    ([t, s]) => [...document.querySelectorAll(`[data-cell][data-status="${s}"] [data-card-id]`)].some((el) => el.textContent?.includes(t)),
    [title, status] as const,
    { timeout }
  );
}

async function announced(page: Page, text: string | RegExp): Promise<void> {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-board-announcer],[data-backlog-announcer]')?.textContent ?? ''),
    typeof text === 'string' ? [text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), ''] : [text.source, text.flags],
    { timeout: 3_000 }
  );
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  await seedRoom();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('sprint board', () => {
  let ada: Page;
  let grace: Page;

  test('a card made on the board moves by mouse and by keyboard, live in the other page', async () => {
    [ada, grace] = await Promise.all([openBoard('Ada Lovelace'), openBoard('Grace Hopper', 'dark')]);

    // "n" goes to the new-card field once the board is on screen and editable (its view loads
    // lazily after the connection); the card lands in To do for both.
    await ada.locator('#board-new-card:enabled').waitFor();
    await ada.locator('body').press('n');
    expect(await ada.evaluate(() => document.activeElement?.id)).toBe('board-new-card');
    await ada.keyboard.type('Rack the first GPU nodes');
    await ada.keyboard.press('Enter');
    await waitInColumn(ada, 'Rack the first GPU nodes', 'todo');
    await waitInColumn(grace, 'Rack the first GPU nodes', 'todo');

    // Mouse: drag it into In progress.
    await card(ada, 'Rack the first GPU nodes').dragTo(cell(ada, 'doing'));
    await waitInColumn(ada, 'Rack the first GPU nodes', 'doing');
    await waitInColumn(grace, 'Rack the first GPU nodes', 'doing');

    // Keyboard: Space picks it up, → moves a column, Space drops; every step is announced.
    await card(ada, 'Rack the first GPU nodes').focus();
    await ada.keyboard.press('Space');
    await announced(ada, /Picked up Rack the first GPU nodes\. In progress, position 1 of 1\./);
    await ada.keyboard.press('ArrowRight');
    await announced(ada, 'Review, position 1 of 1.');
    // The preview is local: Grace still sees it in In progress until the drop.
    await waitInColumn(ada, 'Rack the first GPU nodes', 'review');
    await waitInColumn(grace, 'Rack the first GPU nodes', 'doing');
    await ada.keyboard.press('Space');
    await announced(ada, /Dropped Rack the first GPU nodes\. Review/);
    await waitInColumn(grace, 'Rack the first GPU nodes', 'review');
    // Focus stays on the card after the drop.
    expect(await ada.evaluate(() => document.activeElement?.textContent)).toContain('Rack the first GPU nodes');

    // Escape cancels a move: nothing is written.
    await ada.keyboard.press('Space');
    await ada.keyboard.press('ArrowLeft');
    await ada.keyboard.press('Escape');
    await announced(ada, /Move cancelled/);
    await waitInColumn(ada, 'Rack the first GPU nodes', 'review');

    // Undo is one step per move, for everyone: back to In progress.
    await ada.getByRole('button', { name: 'Undo' }).click();
    await waitInColumn(grace, 'Rack the first GPU nodes', 'doing');

    // Grace sees that Ada is on the card (presence on cards).
    await card(ada, 'Rack the first GPU nodes').focus();
    await grace.waitForFunction(() => document.querySelector('[data-card-id] .viewer')?.getAttribute('title')?.includes('Ada Lovelace'), null, { timeout: 5_000 });
  });

  test('a WIP limit set in the columns admin is flagged, with text, for everyone', async () => {
    await ada.getByRole('button', { name: 'Columns…' }).click();
    const limit = ada.getByLabel('WIP limit of In progress');
    await limit.fill('1');
    await limit.press('Enter');
    await ada.getByRole('dialog', { name: 'Board columns' }).getByRole('button', { name: 'Close' }).click();

    await ada.locator('#board-new-card').fill('Cable the spine switches');
    await ada.locator('#board-new-card').press('Enter');
    await waitInColumn(ada, 'Cable the spine switches', 'todo');
    await card(ada, 'Cable the spine switches').focus();
    await ada.keyboard.press('Space');
    await ada.keyboard.press('ArrowRight');
    await announced(ada, 'In progress would be over its WIP limit: 2 of 1.');
    await ada.keyboard.press('Space');
    for (const page of [ada, grace]) {
      const head = page.locator('[data-column-head="doing"]');
      await head.getByText('Over WIP limit').waitFor({ timeout: 5_000 });
      expect((await head.locator('.count').textContent())?.replace(/\s+/g, ' ')).toContain('2 / 1');
    }
    await screenshot(ada, 'board-wip-light');
    await screenshot(grace, 'board-wip-dark');

    // Swimlanes by assignee: a person's own view, not shared.
    await ada.getByLabel('Lanes').selectOption('assignee');
    await ada.locator('[data-lane-id="m-ada"]').first().waitFor();
    expect(await grace.locator('[data-lane-id="m-ada"]').count()).toBe(0);
    // Shift+↑ moves a picked-up card to the lane above: Grace's lane assigns it to her.
    await card(ada, 'Cable the spine switches').focus();
    await ada.keyboard.press('Space');
    await ada.keyboard.press('Shift+ArrowUp');
    await announced(ada, 'In progress, lane Grace Hopper, position 1 of 1.');
    await ada.keyboard.press('Space');
    await grace.locator('[data-card-id]', { hasText: 'Cable the spine switches' }).locator('[title="Assigned to Grace Hopper"]').waitFor();
    await screenshot(ada, 'board-lanes-light');
    await ada.getByLabel('Lanes').selectOption('none');
  });

  test('a sprint is planned, started and closed; capacity follows live', async () => {
    await ada.locator('body').press('l');
    await ada.getByRole('heading', { name: 'Capacity' }).waitFor();
    await grace.goto(`${server.url}/p/${room}?view=backlog`);
    await waitForConnection(grace, 'connected');

    await ada.getByRole('button', { name: 'New sprint' }).click();
    await ada.getByLabel('Goal').fill('First racks live');
    await ada.getByRole('button', { name: 'Create sprint' }).click();
    await grace.getByRole('heading', { name: 'Sprint 1' }).waitFor({ timeout: 5_000 });

    // Select both cards (click, then Shift-click) and move them into the sprint.
    await ada.getByLabel('Select Rack the first GPU nodes').click();
    await ada.getByLabel('Select Cable the spine switches').click({ modifiers: ['Shift'] });
    await ada.getByText('2 selected').waitFor();
    await ada.getByLabel('Move 2 to').selectOption({ label: 'Sprint 1' });
    await ada.getByRole('button', { name: 'Move', exact: true }).click();
    const sprintSection = (page: Page) => page.locator('[data-section-id]', { has: page.getByRole('heading', { name: 'Sprint 1' }) });
    await sprintSection(grace).getByText('Cable the spine switches').waitFor({ timeout: 5_000 });

    // Assign and estimate through the card detail; capacity (Ada: 3) flags over-commitment live in Grace's page.
    await grace.getByRole('button', { name: 'Capacity', exact: true }).first().click();
    for (const title of ['Rack the first GPU nodes', 'Cable the spine switches']) {
      await ada.locator('[data-card-id]', { hasText: title }).click();
      const dialog = ada.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Assignee').selectOption('m-ada');
      await dialog.getByLabel(/^Estimate/).fill('2');
      await dialog.getByLabel(/^Estimate/).press('Enter');
      await ada.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    }
    await grace.locator('tr[data-member="m-ada"]').getByText('Over by 1').waitFor({ timeout: 5_000 });
    await screenshot(grace, 'backlog-capacity-dark');

    await ada.getByRole('button', { name: 'Start sprint' }).click();
    await ada.getByText('2 cards, 4 points').waitFor();
    await ada.getByRole('dialog').getByRole('button', { name: 'Start sprint' }).click();
    await sprintSection(grace).getByText('active', { exact: true }).waitFor({ timeout: 5_000 });
    await screenshot(ada, 'backlog-light');

    // Finish one card on the board, then close: the other goes back to the backlog.
    await ada.locator('body').press('b');
    await waitInColumn(ada, 'Rack the first GPU nodes', 'doing');
    await card(ada, 'Rack the first GPU nodes').dragTo(cell(ada, 'done'));
    await waitInColumn(ada, 'Rack the first GPU nodes', 'done');
    await ada.locator('body').press('l');
    await ada.getByRole('button', { name: 'Close sprint' }).click();
    await ada.getByText('1 card done').waitFor();
    await ada.getByLabel('The backlog').check();
    await ada.getByRole('dialog').getByRole('button', { name: 'Close sprint' }).click();
    await grace.getByText('Closed sprints (1)').waitFor({ timeout: 5_000 });
    const backlog = grace.locator('[data-section-id="backlog"]');
    await backlog.getByText('Cable the spine switches').waitFor({ timeout: 5_000 });
    expect(await backlog.getByText('Rack the first GPU nodes').count()).toBe(0);
  });

  test('the CSV export holds every card, names not ids, formulas escaped', async () => {
    await ada.locator('#backlog-new-card').fill('=HYPERLINK("http://x")');
    await ada.locator('#backlog-new-card').press('Enter');
    await ada.locator('[data-section-id="backlog"]').getByText('=HYPERLINK').waitFor();
    const [download] = await Promise.all([ada.waitForEvent('download'), ada.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^board-e2e-cards-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Key,Title,Status,Sprint,Points,Assignee,Labels,Epic,Created,Resolved');
    expect(lines).toHaveLength(4);
    const rack = lines.find((l) => l.includes('Rack the first GPU nodes'))!;
    expect(rack).toMatch(/,Rack the first GPU nodes,Done,Sprint 1,2,Ada Lovelace,,,\d{4}-\d\d-\d\dT[^,]+Z,\d{4}-\d\d-\d\dT[^,]+Z$/);
    expect(lines.find((l) => l.includes('Cable the spine'))).toMatch(/,Cable the spine switches,In progress,,2,Ada Lovelace,,,[^,]+,$/);
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  test('a Jira CSV with one bad row: the line is reported, the rest imported in one go', async () => {
    const csv = [
      'Summary,Issue key,Issue Type,Status,Custom field (Story Points),Assignee,Sprint,Created,Resolved',
      'Install PDUs,HEL-101,Story,In Progress,3,Grace Hopper,,12/Mar/24 10:15 AM,',
      'Burn-in test,HEL-102,Task,To Do,lots,,,12/Mar/24 10:20 AM,',
      '"Commission CRAH units, hall B",HEL-103,Story,Done,5,Nobody,,12/Mar/24 10:30 AM,14/Mar/24 4:00 PM'
    ].join('\r\n');
    await ada.getByRole('button', { name: 'Import Jira CSV…' }).click();
    await ada.locator('#import-file').setInputFiles({ name: 'jira.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const dialog = ada.getByRole('dialog', { name: 'Import a Jira CSV' });
    await dialog.locator('[data-import-summary]').waitFor();
    expect(await dialog.locator('[data-import-summary]').textContent()).toMatch(/2 rows ready, 1 row with problems/);
    expect(await dialog.locator('[data-import-errors]').textContent()).toContain('Line 3');
    expect(await dialog.locator('[data-import-errors]').textContent()).toContain('points “lots” are not a number');
    await screenshot(ada, 'backlog-import-light');
    await dialog.getByRole('button', { name: 'Import 2 cards' }).click();
    await dialog.getByText('Imported 2 cards. Not imported: 1 row with problems (listed above).').waitFor();
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    const backlog = grace.locator('[data-section-id="backlog"]');
    await backlog.getByText('Install PDUs').waitFor({ timeout: 5_000 });
    await backlog.getByText('Commission CRAH units, hall B').waitFor();
    expect(await backlog.getByText('Burn-in test').count()).toBe(0);
    expect(await grace.locator('[data-row-id="HEL-101"]').textContent()).toContain('In progress');

    // Reorder the backlog: drag a row with the mouse, then move one with the keyboard.
    const order = (page: Page) => page.locator('[data-section-id="backlog"] [data-row-id] .title').allTextContents();
    expect((await order(ada)).slice(0, 2)).toEqual(['Cable the spine switches', '=HYPERLINK("http://x")']);
    await ada.locator('[data-row-id="HEL-103"]').dragTo(ada.locator('[data-row-id]', { hasText: 'Cable the spine switches' }), { targetPosition: { x: 200, y: 4 } });
    await grace.waitForFunction(() => document.querySelector('[data-section-id="backlog"] [data-row-id]')?.getAttribute('data-row-id') === 'HEL-103', null, { timeout: 5_000 });
    await ada.locator('[data-row-id="HEL-101"] [data-card-id]').focus();
    await ada.keyboard.press('Space');
    await ada.keyboard.press('ArrowUp');
    await ada.keyboard.press('ArrowUp');
    await announced(ada, 'Backlog, position 2 of 4.');
    await ada.keyboard.press('Space');
    await grace.waitForFunction(() => [...document.querySelectorAll('[data-section-id="backlog"] [data-row-id]')].map((r) => r.getAttribute('data-row-id'))[1] === 'HEL-101', null, { timeout: 5_000 });
  });

  test('planning poker from the board (p on a focused card), a backlog row and the card detail, with the voting badge', async () => {
    const [fay, hedy] = await Promise.all([openBoard('Fay Facilitator', 'light', 'board', 'facilitator'), openBoard('Hedy Lamarr', 'light', 'backlog')]);
    const title = 'Cable the spine switches';
    await card(fay, title).focus();
    await fay.keyboard.press('p');
    const dialog = (page: Page) => page.getByRole('dialog', { name: `Planning poker: ${title}` });
    await dialog(fay).locator('section.poker').waitFor();
    await dialog(fay).getByRole('button', { name: 'Start round' }).click();

    // The backlog row's Poker button says a round is open, for another person, and opens it.
    await hedy.getByRole('button', { name: `Planning poker for ${title} (voting now)` }).click();
    await dialog(hedy).getByRole('group', { name: 'Your estimate' }).waitFor();
    await screenshot(hedy, 'backlog-poker-light');

    // Closing the board's dialog puts focus back on the card that was estimated.
    await fay.keyboard.press('Escape');
    await dialog(fay).waitFor({ state: 'hidden' });
    const focused = await fay.evaluate(() => document.activeElement?.closest('[data-card-id]')?.textContent ?? '');
    expect(focused).toContain(title);

    // The card detail shows an imported card's key and offers poker too; Escape in the poker
    // dialog closes it alone, and Tab there stays in the poker dialog.
    await fay.locator('#board-sprint').selectOption('all');
    await card(fay, 'Install PDUs').focus();
    await fay.keyboard.press('Enter');
    const detail = fay.locator('dialog.card-detail');
    await detail.waitFor();
    expect(await detail.locator('.title-row .key').textContent()).toBe('HEL-101');
    await detail.getByRole('button', { name: 'Planning poker for Install PDUs' }).click();
    const detailPoker = fay.getByRole('dialog', { name: 'Planning poker: Install PDUs' });
    await detailPoker.locator('section.poker').waitFor();
    for (let i = 0; i < 12; i++) await fay.keyboard.press('Tab');
    expect(await fay.evaluate(() => document.activeElement?.closest('dialog')?.classList.contains('card-detail'))).toBe(false);
    await fay.keyboard.press('Escape');
    await detailPoker.waitFor({ state: 'hidden' });
    await detail.waitFor();
    await fay.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  test('screenshots at 1280x800 in light and dark', async () => {
    await ada.locator('body').press('b');
    await ada.locator('#board-sprint').selectOption('all');
    await waitInColumn(ada, 'Install PDUs', 'doing');
    await screenshot(ada, 'board-light');
    await grace.goto(`${server.url}/p/${room}?view=board`);
    await waitForConnection(grace, 'connected');
    await grace.locator('#board-sprint').selectOption('all');
    await waitInColumn(grace, 'Install PDUs', 'doing');
    await screenshot(grace, 'board-dark');
    await grace.locator('body').press('?');
    await grace.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await screenshot(grace, 'board-shortcuts-dark');
    await grace.keyboard.press('Escape');
    await grace.locator('body').press('l');
    await grace.getByRole('heading', { name: 'Capacity' }).waitFor();
    await screenshot(grace, 'backlog-dark');
  });
});
