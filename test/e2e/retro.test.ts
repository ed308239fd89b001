/**
 * A retro in real Chromium against a real server: a facilitator and two participants (three
 * browser contexts: no shared storage, everything goes through the server) through every phase,
 * then the plan's stand-up. Screenshots at 1280x800, light (Fay, Ana) and dark (Bo), in
 * test-results/screenshots/retro-*.png.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { cards } from '../../shared/doc/cards.ts';
import { ensureClientBuilt, launchBrowser, newContext, screenshot, waitForConnection } from '../helpers/browser.ts';
import { fetchRoomState } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let plan: string;
let retro: string;
const contexts: BrowserContext[] = [];
let fay: Page;
let ana: Page;
let bo: Page;

async function open(path: string, token: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await newContext(browser, colorScheme);
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`);
  return page;
}

const phaseIs = (page: Page, phase: string) => page.locator(`section.phase[data-phase="${phase}"]`).waitFor({ timeout: 8_000 });

async function next(label: string, phase: string) {
  await fay.getByRole('button', { name: new RegExp(`^Next: ${label}`) }).click();
  await Promise.all([fay, ana, bo].map((p) => phaseIs(p, phase)));
}

async function shoot(name: string) {
  await screenshot(fay, `retro-${name}-facilitator-light`);
  await screenshot(bo, `retro-${name}-dark`);
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  plan = await server.createPlan('GPU buildout');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('retro', () => {
  test('a facilitator creates a retro from the plan; two people join', async () => {
    fay = await open(`/p/${plan}?view=retros`, server.token(`${plan}/*`, 'facilitator', 'Fay Facilitator'));
    await waitForConnection(fay, 'connected');
    await fay.getByLabel('Title').fill('Sprint 12 retro');
    await fay.getByLabel(/Start \/ Stop \/ Continue/).check();
    expect(await fay.getByRole('checkbox', { name: /Anonymous/ }).isChecked()).toBe(true);
    await fay.getByRole('button', { name: 'Create and open' }).click();
    await fay.waitForURL(/\/retro-/, { timeout: 8_000 });
    retro = new URL(fay.url()).pathname.slice(3);
    await phaseIs(fay, 'review');
    await waitForConnection(fay, 'connected');

    ana = await open(`/p/${retro}`, server.token(`${plan}/*`, 'editor', 'Ana Lima'));
    bo = await open(`/p/${retro}`, server.token(`${plan}/*`, 'editor', 'Bo Chen'), 'dark');
    for (const p of [ana, bo]) await phaseIs(p, 'review');
    for (const p of [fay, ana, bo]) await p.waitForFunction(() => document.querySelectorAll('[aria-label="People here"] li').length === 3, null, { timeout: 8_000 });
    expect(await ana.getByRole('heading', { level: 1 }).textContent()).toBe('Sprint 12 retro');
    expect(await ana.getByRole('button', { name: /^Next:/ }).count()).toBe(0);
    await shoot('review');
  });

  test('write: cards are private to their writer; the facilitator sees counts and moderates without names', async () => {
    await next('Write', 'write');
    await ana.getByLabel('New card in Start').fill('Pair on the rack runbook');
    await ana.getByLabel('New card in Start').press('Enter');
    await ana.getByLabel('New card in Stop').fill('Late hand-offs to teh NOC');
    await ana.getByLabel('New card in Stop').press('Enter');
    await bo.getByLabel('New card in Continue').fill('Friday demos');
    await bo.getByRole('button', { name: 'Add' }).nth(2).click();
    await bo.getByLabel('New card in Stop').fill('Skipping the burn-in test');
    await bo.getByLabel('New card in Stop').press('Enter');
    await bo.getByLabel('New card in Stop').fill('Bo was rude here');
    await bo.getByLabel('New card in Stop').press('Enter');

    // Ana fixes her typo: her own card, edited in place.
    await ana.getByRole('button', { name: 'Edit card: Late hand-offs to teh NOC' }).click();
    await ana.getByLabel('Edit card in Stop').fill('Late hand-offs to the NOC');
    await ana.getByLabel('Edit card in Stop').press('Enter');
    await ana.locator('.drafts .text', { hasText: 'Late hand-offs to the NOC' }).waitFor({ timeout: 5_000 });

    // Nobody sees anyone else's cards.
    await bo.locator('.drafts .text', { hasText: 'Bo was rude here' }).waitFor({ timeout: 5_000 });
    expect(await bo.locator('body', { hasText: 'Pair on the rack runbook' }).count()).toBe(0);
    expect(await ana.locator('body', { hasText: 'Friday demos' }).count()).toBe(0);
    expect(await fay.locator('.drafts li').count()).toBe(0);

    // The facilitator: counts per column, then the moderation list with texts and no names.
    await fay.waitForFunction(() => document.querySelectorAll('.count')[1]?.textContent === '3 written', null, { timeout: 5_000 });
    await fay.getByRole('button', { name: /Moderate cards/ }).click();
    const dialog = fay.getByRole('dialog', { name: 'Moderate cards before the reveal' });
    await dialog.locator('.text', { hasText: 'Bo was rude here' }).waitFor({ timeout: 5_000 });
    const dialogText = (await dialog.textContent()) ?? '';
    expect(dialogText).not.toContain('Ana');
    expect(dialogText).not.toContain('Bo Chen');
    await dialog.getByRole('button', { name: 'Hide card: Bo was rude here' }).click();
    await dialog.getByRole('button', { name: 'Show card: Bo was rude here' }).waitFor({ timeout: 5_000 });
    await screenshot(fay, 'retro-moderation-facilitator-light');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await bo.getByText('Hidden by the facilitator').waitFor({ timeout: 5_000 });
    await screenshot(ana, 'retro-write-light');
    await shoot('write');
  });

  test('reveal: every card appears for everyone, anonymously; the hidden one never does', async () => {
    await next('Reveal', 'reveal');
    for (const p of [fay, ana, bo]) await p.waitForFunction(() => document.querySelectorAll('li.card').length === 4, null, { timeout: 8_000 });
    for (const p of [fay, ana, bo]) expect(await p.locator('body', { hasText: 'Bo was rude here' }).count()).toBe(0);
    expect(await ana.locator('.author').count()).toBe(0);
    await shoot('reveal');
  });

  test('group: a new group from the keyboard, a card dragged into it, converging for everyone', async () => {
    await next('Group', 'group');
    await ana.getByLabel('Group for card: Late hand-offs to the NOC').selectOption({ label: 'New group…' });
    await ana.locator('.retro-group input.title').waitFor({ timeout: 5_000 });
    await ana.getByLabel('Group name').fill('Hand-offs and testing');
    await ana.getByLabel('Group name').press('Enter');
    await bo.getByLabel('Group for card: Skipping the burn-in test').selectOption({ label: 'Hand-offs and testing' });
    // A drag too: Fay drags "Pair on the rack runbook" onto the group.
    await fay.locator('.retro-group').waitFor({ timeout: 5_000 });
    await fay.locator('li.card', { hasText: 'Pair on the rack runbook' }).dragTo(fay.locator('.retro-group'));
    for (const p of [fay, ana, bo]) {
      await p.waitForFunction(() => document.querySelectorAll('.retro-group li.card').length === 3, null, { timeout: 8_000 });
    }
    expect(await bo.locator('.retro-group input.title').inputValue()).toBe('Hand-offs and testing');
    await shoot('group');
  });

  test('vote: dots are private until the vote closes; results sort topics', async () => {
    await fay.getByLabel('Votes each').fill('3');
    await fay.getByLabel('Votes each').press('Tab');
    await fay.waitForTimeout(200);
    await next('Vote', 'vote');
    await ana.getByText('3 of 3 votes left').waitFor({ timeout: 5_000 });
    await ana.getByRole('button', { name: 'Vote for Hand-offs and testing' }).click();
    await ana.getByText('2 of 3 votes left').waitFor({ timeout: 5_000 });
    await ana.getByRole('button', { name: 'Vote for Hand-offs and testing' }).click();
    await ana.getByRole('button', { name: 'Vote for Friday demos' }).click();
    await ana.getByText('0 of 3 votes left').waitFor({ timeout: 5_000 });
    expect(await ana.getByRole('button', { name: 'Vote for Friday demos' }).isDisabled()).toBe(true);
    await bo.getByRole('button', { name: 'Vote for Hand-offs and testing' }).click();
    await bo.getByText('2 of 3 votes left').waitFor({ timeout: 5_000 });
    // Bo sees only his own dots.
    expect(await bo.locator('li.topic.voted').count()).toBe(1);
    await fay.getByLabel("I'm not voting").check();
    await fay.getByText('2 people have voted · 4 dots').waitFor({ timeout: 5_000 });
    await shoot('vote');
    await screenshot(ana, 'retro-vote-light');
  });

  test('discuss and act: focus follows the facilitator, a shared timer, actions with owner and due date', async () => {
    await next('Discuss', 'discuss');
    await ana.waitForFunction(() => document.querySelector('.topics li .title')?.textContent === 'Hand-offs and testing', null, { timeout: 5_000 });
    expect(await ana.locator('.topics > li').first().locator('.votes').textContent()).toContain('3');
    await fay.getByRole('button', { name: 'Discuss Hand-offs and testing' }).click();
    for (const p of [ana, bo]) await p.locator('.topics li.current .title', { hasText: 'Hand-offs and testing' }).waitFor({ timeout: 5_000 });
    await fay.getByLabel('Timer', { exact: true }).selectOption({ label: '5 min' });
    await fay.getByRole('button', { name: 'Start' }).click();
    for (const p of [ana, bo]) await p.getByRole('timer').waitFor({ timeout: 5_000 });
    const left = Number(await ana.getByRole('timer').getAttribute('data-remaining'));
    expect(left).toBeGreaterThan(290);
    expect(left).toBeLessThanOrEqual(300);

    await ana.getByLabel('What will we do?').fill('Write a NOC hand-off checklist');
    await ana.getByLabel('Owner').fill('Bo Chen');
    await ana.getByLabel('Due').fill('2030-03-01');
    await ana.getByRole('button', { name: 'Add action' }).click();
    await bo.locator('.actions .text', { hasText: 'Write a NOC hand-off checklist' }).waitFor({ timeout: 5_000 });
    await shoot('discuss');
    await next('Actions', 'actions');
    await bo.getByLabel('What will we do?').fill('Keep Friday demos, 20 minutes max');
    await bo.getByRole('button', { name: 'Add action' }).click();
    await fay.locator('.actions .text', { hasText: 'Keep Friday demos, 20 minutes max' }).waitFor({ timeout: 5_000 });
    await shoot('actions');
  });

  test('close: actions become backlog cards on the plan', async () => {
    await fay.getByRole('button', { name: /^Next: Closed/ }).click();
    await fay.getByRole('button', { name: 'Confirm: close the retro' }).click();
    await Promise.all([fay, ana, bo].map((p) => phaseIs(p, 'close')));
    await fay.getByText('The server added 2 cards to the backlog.').waitFor({ timeout: 8_000 });
    await ana.waitForFunction(() => document.querySelectorAll('.carded').length === 2, null, { timeout: 8_000 });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await fetchRoomState(server.wsUrl, plan, server.token(plan, 'viewer')));
    expect(cards.list(doc).map((c) => [c.title, c.status, c.due]).sort()).toEqual([
      ['Keep Friday demos, 20 minutes max', 'backlog', null],
      ['Write a NOC hand-off checklist', 'backlog', '2030-03-01']
    ]);
    doc.destroy();
    await shoot('closed');
  });

  test('stand-up on the plan: speaker rotation with a timer, who has spoken, a parking lot', async () => {
    await fay.goto(`${server.url}/p/${plan}?view=standup`);
    const pia = await open(`/p/${plan}?view=standup`, server.token(`${plan}/*`, 'editor', 'Pia Park'), 'dark');
    for (const p of [fay, pia]) await waitForConnection(p, 'connected');
    await fay.waitForFunction(() => document.querySelectorAll('[aria-label="People here"] li').length === 2, null, { timeout: 8_000 });
    // Before the start: the two ways to walk the board as choices, the order as a numbered list.
    await fay.getByRole('radio', { name: /By person/ }).check();
    expect(await fay.getByRole('list', { name: /^Order/ }).locator('li').count()).toBeGreaterThan(0);
    await screenshot(fay, 'standup-setup-light');
    await fay.getByRole('button', { name: 'Start stand-up' }).click();
    await pia.locator('.speaker').waitFor({ timeout: 5_000 });
    const first = await pia.locator('.speaker').textContent();
    expect(['Fay Facilitator', 'Pia Park']).toContain(first);
    await pia.getByRole('timer').waitFor({ timeout: 5_000 });
    await pia.getByRole('button', { name: 'Next', exact: true }).click();
    await fay.waitForFunction((f) => document.querySelector('.speaker')?.textContent !== f, first, { timeout: 5_000 });
    expect(await fay.getByText('(has spoken)').count()).toBe(1);
    await pia.getByLabel('Park a topic').fill('Colo power contract renewal');
    await pia.getByRole('button', { name: 'Park', exact: true }).click();
    await fay.getByText('Colo power contract renewal').waitFor({ timeout: 5_000 });
    await screenshot(fay, 'retro-standup-light');
    await screenshot(pia, 'retro-standup-dark');
    await fay.goto(`${server.url}/p/${plan}?view=retros`);
    await fay.getByRole('link', { name: 'Sprint 12 retro' }).waitFor({ timeout: 5_000 });
    await screenshot(fay, 'retro-list-light');
  });
});
