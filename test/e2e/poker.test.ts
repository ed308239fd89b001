/**
 * Planning poker in real Chromium against a real server: a facilitator's page and a participant's
 * page (separate browser contexts, so everything between them went through the server). The
 * facilitator opens a round, the participant votes, the facilitator sees "1 voted" and the name but
 * no value, the reveal shows the value on both pages, and accepting writes the points to the card
 * in both lists. Then a round whose votes the server no longer holds (wiped from its store, as a
 * memory store loses them in a restart) says it expired.
 * Screenshots of each step in light and dark: test-results/screenshots/poker-*.png.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contextPool, ensureClientBuilt, launchBrowser, screenshotSchemes, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let room: string;
const contexts = contextPool(() => browser);
const CARD = 'Rack the GPU nodes';

async function openPlan(token: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await contexts.open(colorScheme);
  const page = await context.newPage();
  await page.goto(`${server.url}/p/${room}?view=list&token=${encodeURIComponent(token)}`);
  return page;
}

const shoot = screenshotSchemes;

const pokerButton = (page: Page) => page.getByRole('button', { name: new RegExp(`^Planning poker for ${CARD}`) });
const dialog = (page: Page): Locator => page.getByRole('dialog');
const panel = (page: Page): Locator => dialog(page).locator('section.poker');

async function openPoker(page: Page): Promise<void> {
  await pokerButton(page).click();
  await panel(page).waitFor({ timeout: 5_000 });
}

async function pointsInList(page: Page): Promise<string> {
  return page.getByLabel(`Points of ${CARD}`).inputValue();
}

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  room = await server.createPlan('GPU buildout');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await contexts.closeAll();
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('planning poker', () => {
  let fay: Page;
  let pat: Page;

  test('open, vote in secret, reveal, accept: the points land on the card for both', async () => {
    fay = await openPlan(server.token(room, 'facilitator', 'Fay Facilitator'));
    pat = await openPlan(server.token(room, 'editor', 'Pat Participant'), 'dark');
    await waitForConnection(fay, 'connected');
    await waitForConnection(pat, 'connected');
    await fay.getByLabel('New card').fill(CARD);
    await fay.getByLabel('New card').press('Enter');
    await waitForCardTitle(fay, CARD);
    await waitForCardTitle(pat, CARD);

    // The facilitator opens a round and sits it out.
    await openPoker(fay);
    await expect(panel(fay).textContent()).resolves.toContain('No poker round for this card yet');
    await shoot(fay, 'poker-start-facilitator');
    await dialog(fay).getByLabel('I vote too').uncheck();
    await dialog(fay).getByRole('button', { name: 'Start round' }).click();
    await panel(fay).locator('[data-testid=poker-status]').filter({ hasText: 'Round 1 · Voting' }).waitFor({ timeout: 5_000 });
    expect(await dialog(fay).getByRole('group', { name: 'Your estimate' }).count()).toBe(0);
    await expect(panel(fay).textContent()).resolves.toContain('You are facilitating this round without voting');

    // The participant's row says a round is open; the deck is a set of toggle buttons.
    await pat.getByRole('button', { name: `Planning poker for ${CARD} (voting now)` }).waitFor({ timeout: 5_000 });
    await openPoker(pat);
    const deck = dialog(pat).getByRole('group', { name: 'Your estimate' });
    await deck.waitFor({ timeout: 5_000 });
    const faces = await deck.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim()));
    expect(faces).toEqual(['0', '1', '2', '3', '5', '8', '13', '21', 'unsure', 'break']);
    expect(await deck.getByRole('button', { pressed: true }).count()).toBe(0);
    // Facilitator controls are not offered to a participant.
    expect(await dialog(pat).getByRole('button', { name: 'Reveal votes' }).count()).toBe(0);

    await deck.getByRole('button', { name: '5', exact: true }).click();
    await panel(pat).locator('[data-testid=poker-mine]').filter({ hasText: 'Your vote: 5 points' }).waitFor({ timeout: 5_000 });
    expect(await deck.getByRole('button', { name: '5', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await deck.getByRole('button', { pressed: true }).count()).toBe(1);

    // The facilitator sees that Pat voted — and nothing of what.
    await panel(fay).locator('[data-testid=poker-voted]').filter({ hasText: '1 voted' }).waitFor({ timeout: 5_000 });
    const fayText = (await panel(fay).textContent()) ?? '';
    expect(fayText).toContain('Pat Participant');
    expect(fayText).not.toMatch(/Your vote|5 points/);
    expect(await panel(fay).locator('.votes').count()).toBe(0);
    await panel(fay).locator('[data-testid=poker-live]').filter({ hasText: 'Pat Participant voted.' }).waitFor({ timeout: 5_000 });
    // Not in the facilitator's page at all: no element carries Pat's vote.
    expect(await fay.evaluate(() => document.body.innerHTML.includes('Your vote'))).toBe(false);
    await shoot(fay, 'poker-voting-facilitator');
    await shoot(pat, 'poker-voting-participant');

    // Reveal: the value appears on both pages at once, with the stats.
    await dialog(fay).getByRole('button', { name: 'Reveal votes' }).click();
    for (const page of [fay, pat]) {
      const votes = panel(page).getByRole('list', { name: 'Votes' });
      await votes.waitFor({ timeout: 5_000 });
      expect((await votes.textContent())?.replace(/\s+/g, ' ')).toContain('5 Pat Participant');
      await expect(panel(page).locator('[data-testid=poker-consensus]').textContent()).resolves.toContain('Consensus');
    }
    await panel(pat).locator('[data-testid=poker-live]').filter({ hasText: 'Votes revealed' }).waitFor({ timeout: 5_000 });
    expect(await dialog(pat).getByRole('button', { name: /^Accept/ }).count()).toBe(0);
    await shoot(fay, 'poker-revealed-facilitator');
    await shoot(pat, 'poker-revealed-participant');

    // Accept: the agreed value defaults to the median rounded up to the deck, and goes to the card.
    expect(await dialog(fay).getByLabel('Agreed estimate').inputValue()).toBe('5');
    await dialog(fay).getByRole('button', { name: 'Accept 5 points' }).click();
    for (const page of [fay, pat]) {
      await panel(page).locator('[data-testid=poker-agreed]').filter({ hasText: 'agreed on 5 points' }).waitFor({ timeout: 5_000 });
    }
    await shoot(fay, 'poker-accepted-facilitator');
    for (const page of [fay, pat]) {
      await page.keyboard.press('Escape');
      await dialog(page).waitFor({ state: 'hidden', timeout: 5_000 });
      await page.waitForFunction((card) => (document.querySelector(`input[aria-label="Points of ${card}"]`) as HTMLInputElement | null)?.value === '5', CARD, { timeout: 5_000 });
      expect(await pointsInList(page)).toBe('5');
    }
    await shoot(pat, 'poker-list-after-accept');
  }, 90_000);

  test('a round whose votes the server no longer holds says it expired', async () => {
    await openPoker(fay);
    await dialog(fay).getByLabel('I vote too').check();
    await dialog(fay).getByRole('button', { name: 'Start a new round' }).click();
    await pat.getByRole('button', { name: `Planning poker for ${CARD} (voting now)` }).waitFor({ timeout: 5_000 });
    await openPoker(pat);
    await dialog(pat).getByRole('group', { name: 'Your estimate' }).getByRole('button', { name: '8', exact: true }).click();
    await panel(pat).locator('[data-testid=poker-mine]').filter({ hasText: 'Your vote: 8 points' }).waitFor({ timeout: 5_000 });
    await panel(fay).locator('[data-testid=poker-voted]').filter({ hasText: '1 voted' }).waitFor({ timeout: 5_000 });

    // Votes are kept in the store across restarts (issue 12); wiping them is what a memory store's restart does.
    await server.server.store.withExtensionState(room, 'poker', () => ({ state: null, result: null }));
    const { port, dataDir } = server;
    await server.stop();
    server = await startServer({ port, dataDir });
    // Both pages reconnect and ask for their vote back; the server no longer has the round's votes.
    for (const page of [fay, pat]) {
      await waitForConnection(page, 'connected', 15_000);
      await panel(page).locator('[data-testid=poker-expired]').waitFor({ timeout: 15_000 });
      await expect(panel(page).textContent()).resolves.toContain('Round 2 expired');
    }
    // The card keeps the agreed estimate of round 1; the history keeps round 1's votes.
    expect(await pointsInList(fay)).toBe('5');
    await dialog(pat).getByText('Earlier rounds (1)').click();
    await expect(dialog(pat).locator('.history').textContent()).resolves.toContain('Pat Participant 5');
    await shoot(pat, 'poker-expired-participant');
    await shoot(fay, 'poker-expired-facilitator');
  }, 90_000);
});
