/**
 * Joining through an invitation in real Chromium against a real server: two people (two browser
 * contexts) open one group link, give different names, and are two people — in presence and in a
 * poker round, where both votes appear at the reveal. The same browser opening the link again is
 * the same person. Unknown, expired, used-up and revoked links say so. The landing page lists the
 * plans this browser joined. Screenshots of the join page in light and dark.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addMember } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { ensureClientBuilt, contextPool, launchBrowser, screenshot, screenshotSchemes, showView, waitForCardTitle, waitForConnection } from '../helpers/browser.ts';
import { accept, invite, listPeople, revokeInvitation, type Minted } from '../helpers/access.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import * as Y from 'yjs';

let server: TestServer;
let browser: Browser;
let room: string;
let adminToken: string;
const contexts = contextPool(() => browser);
const context = contexts.open;
const CARD = 'Order the GPU racks';

/** Opens the join page, enters a name, joins, and waits for the plan to connect. */
async function joinAs(page: Page, url: string, name: string): Promise<void> {
  await page.goto(`${server.url}${url}`);
  const field = page.getByLabel('Your name');
  await field.waitFor({ timeout: 10_000 });
  await field.fill(name);
  await page.getByRole('button', { name: 'Join the plan' }).click();
  await page.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
  await waitForConnection(page, 'connected');
}

const personOf = (page: Page) =>
  page.evaluate((r) => JSON.parse(localStorage.getItem(`plenary:person:${r}`) ?? 'null') as { person: { id: string; name: string } } | null, room);

const presenceNames = (page: Page) =>
  page.locator('section[aria-label="People here"] li .name').evaluateAll((els) => els.map((e) => e.firstChild?.textContent?.trim() ?? ''));

const shoot = screenshotSchemes;

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  room = 'join-e2e';
  // A plan with two members, so "I am …" and a personal invitation have someone to name.
  const doc = new Y.Doc();
  const ed = createEditor('setup', 'server');
  createPlan(doc, ed, { name: 'GPU buildout', timeZone: 'Europe/London' });
  const hours = { title: '', timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:00', defaultCapacity: 5 };
  addMember(doc, ed, { name: 'Katherine Johnson', ...hours }, 'm-kj');
  addMember(doc, ed, { name: 'Dorothy Vaughan', ...hours }, 'm-dv');
  await storeNewRoom(server.server.store, room, 'plan', doc, 'setup');
  doc.destroy();
  // Scope `<plan>/*`: invitations it mints cover the plan's retros too.
  adminToken = server.token(`${room}/*`, 'admin', 'Alan Admin');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await contexts.closeAll();
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('joining through an invitation', () => {
  let link: Minted;
  let ada: Page;
  let grace: Page;

  test('two people on one group link are two people: presence shows both names', async () => {
    link = await invite(server.url, room, adminToken, { role: 'editor', label: 'Planning chat' });
    expect(link.url).toMatch(/^\/join\//);

    ada = await (await context()).newPage();
    await ada.goto(`${server.url}${link.url}`);
    await ada.getByRole('heading', { level: 1, name: 'GPU buildout' }).waitFor({ timeout: 10_000 });
    expect(await ada.locator('.grant').textContent()).toMatch(/as an\s+editor/);
    // The name field has the focus, so a keyboard user types at once.
    await ada.waitForFunction(() => document.activeElement?.id === 'join-name', null, { timeout: 5_000 });
    await shoot(ada, 'join-group');

    // An empty name is refused with an announced message, not sent.
    await ada.getByRole('button', { name: 'Join the plan' }).click();
    await expect(ada.getByRole('alert').textContent()).resolves.toContain('Please enter your name');

    await ada.getByLabel('Your name').fill('Ada Lovelace');
    await ada.getByLabel('Your name').press('Enter');
    await ada.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
    await waitForConnection(ada, 'connected');
    expect(ada.url()).not.toContain('token=');

    grace = await (await context('dark')).newPage();
    await joinAs(grace, link.url, 'Grace Hopper');

    const adaPerson = await personOf(ada);
    const gracePerson = await personOf(grace);
    expect(adaPerson?.person.name).toBe('Ada Lovelace');
    expect(gracePerson?.person.name).toBe('Grace Hopper');
    expect(adaPerson?.person.id).not.toBe(gracePerson?.person.id);

    for (const page of [ada, grace]) {
      await page.waitForFunction(
        () => document.querySelectorAll('section[aria-label="People here"] li').length === 2,
        null,
        { timeout: 5_000 }
      );
      expect((await presenceNames(page)).sort()).toEqual(['Ada Lovelace', 'Grace Hopper']);
    }
    // A personal session's name is who you are: shown, not editable on the page.
    await expect(ada.getByText('You are Ada Lovelace').isVisible()).resolves.toBe(true);
    await screenshot(grace, 'join-plan-after-dark');
  });

  test('both people vote in one poker round and both votes appear at the reveal', async () => {
    const fayContext = await context();
    const fay = await fayContext.newPage();
    await fay.goto(`${server.url}/p/${room}?token=${encodeURIComponent(server.token(room, 'facilitator', 'Fay Facilitator'))}`);
    await waitForConnection(fay, 'connected');
    await fay.getByLabel('New card').fill(CARD);
    await fay.getByLabel('New card').press('Enter');
    // Poker is offered on List rows (and the backlog and card detail); the plan opens on the board.
    for (const page of [fay, ada, grace]) {
      await showView(page, 'list');
      await waitForCardTitle(page, CARD);
    }

    const dialog = (page: Page): Locator => page.getByRole('dialog');
    const open = async (page: Page) => {
      await page.getByRole('button', { name: new RegExp(`^Planning poker for ${CARD}`) }).click();
      await dialog(page).locator('section.poker').waitFor({ timeout: 5_000 });
    };
    await open(fay);
    await dialog(fay).getByLabel('I vote too').uncheck();
    await dialog(fay).getByRole('button', { name: 'Start round' }).click();

    for (const [page, value] of [[ada, '5'], [grace, '2']] as const) {
      await page.getByRole('button', { name: `Planning poker for ${CARD} (voting now)` }).waitFor({ timeout: 5_000 });
      await open(page);
      const deck = dialog(page).getByRole('group', { name: 'Your estimate' });
      await deck.getByRole('button', { name: value, exact: true }).click();
      await dialog(page).locator('[data-testid=poker-mine]').filter({ hasText: `Your vote: ${value} point` }).waitFor({ timeout: 5_000 });
    }
    await dialog(fay).locator('[data-testid=poker-voted]').filter({ hasText: '2 voted' }).waitFor({ timeout: 5_000 });
    await dialog(fay).getByRole('button', { name: 'Reveal votes' }).click();
    for (const page of [fay, ada, grace]) {
      const votes = dialog(page).getByRole('list', { name: 'Votes' });
      await votes.waitFor({ timeout: 5_000 });
      const text = (await votes.textContent())?.replace(/\s+/g, ' ') ?? '';
      expect(text).toContain('5 Ada Lovelace');
      expect(text).toContain('2 Grace Hopper');
    }
    for (const page of [fay, ada, grace]) await page.keyboard.press('Escape');
  });

  test('the same browser opening the link again stays the same person', async () => {
    const before = await personOf(ada);
    const again = await ada.context().newPage();
    await again.goto(`${server.url}${link.url}`);
    const cont = again.getByRole('button', { name: 'Continue as Ada Lovelace' });
    await cont.waitFor({ timeout: 10_000 });
    await shoot(again, 'join-again');
    await cont.click();
    await again.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
    await waitForConnection(again, 'connected');
    expect((await personOf(again))?.person.id).toBe(before?.person.id);
    // Two tabs of one person are one entry in presence, with a connection count.
    await again.waitForFunction(() => document.querySelector('section[aria-label="People here"]')?.textContent?.includes('×2'), null, { timeout: 5_000 });
    const people = await listPeople(server.url, room, adminToken);
    expect(people.map((p) => p.name).sort()).toEqual(['Ada Lovelace', 'Grace Hopper']);
    await again.close();
  });

  test('the plan address alone opens the plan for a browser that joined, and the landing page lists it', async () => {
    const page = await ada.context().newPage();
    await page.goto(`${server.url}/p/${room}`);
    await waitForConnection(page, 'connected');
    await page.goto(`${server.url}/`);
    const plans = page.getByRole('navigation', { name: 'Your plans' });
    await plans.waitFor({ timeout: 5_000 });
    expect((await plans.textContent())?.replace(/\s+/g, ' ')).toContain('GPU buildout as Ada Lovelace, editor');
    await shoot(page, 'landing-plans');
    await plans.getByRole('link', { name: 'GPU buildout' }).click();
    await page.waitForURL(`${server.url}/p/${room}`);
    await waitForConnection(page, 'connected');
    await page.close();
    // A browser that never joined still needs an invitation.
    const stranger = await (await context()).newPage();
    await stranger.goto(`${server.url}/p/${room}`);
    await stranger.getByRole('heading', { name: 'This plan needs an invitation' }).waitFor({ timeout: 5_000 });
  });

  test("a plan's retro opens with the plan's personal session", async () => {
    const res = await fetch(`${server.url}/api/plans/${room}/retros`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Sprint 1 retro', template: 'start-stop-continue', anonymous: true })
    });
    expect(res.status).toBe(201);
    const { room: retro } = (await res.json()) as { room: string };
    const page = await ada.context().newPage();
    await page.goto(`${server.url}/p/${retro}`);
    await waitForConnection(page, 'connected');
    await page.getByRole('heading', { level: 1, name: 'Sprint 1 retro' }).waitFor({ timeout: 10_000 });
    await expect(page.getByText('You are Ada Lovelace').isVisible()).resolves.toBe(true);
    await page.close();
  });

  test('a personal invitation names its member', async () => {
    const personal = await invite(server.url, room, adminToken, { role: 'viewer', memberId: 'm-kj', maxUses: 1 });
    const page = await (await context()).newPage();
    await page.goto(`${server.url}${personal.url}`);
    await page.getByText('This invitation is for Katherine Johnson.').waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Your name').count()).toBe(0);
    await shoot(page, 'join-personal');
    await page.getByRole('button', { name: 'Join as Katherine Johnson' }).click();
    await page.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
    await waitForConnection(page, 'connected');
    expect((await personOf(page))?.person.name).toBe('Katherine Johnson');
    await page.getByText('View only', { exact: true }).waitFor({ timeout: 5_000 });
  });

  test('unknown, expired, used-up and revoked invitations each say so', async () => {
    const page = await (await context()).newPage();
    const expectProblem = async (url: string, heading: string, problem: string) => {
      await page.goto(`${server.url}${url}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 10_000 });
      expect(await page.getByRole('alert').getAttribute('data-problem')).toBe(problem);
    };
    await expectProblem('/join/not-a-real-code', 'This invitation does not exist', 'unknown');
    await shoot(page, 'join-unknown');

    const once = await invite(server.url, room, adminToken, { role: 'editor', maxUses: 1 });
    await accept(server.url, once.code, 'First Comer');
    await expectProblem(once.url, 'This invitation has been used up', 'usedUp');

    const withdrawn = await invite(server.url, room, adminToken, { role: 'editor' });
    await revokeInvitation(server.url, room, adminToken, withdrawn.invitation.id);
    await expectProblem(withdrawn.url, 'This invitation was revoked', 'revoked');

    // About 1.7 s of validity, then it has expired.
    const brief = await invite(server.url, room, adminToken, { role: 'editor', expiresInDays: 2 / 86_400 });
    await new Promise((r) => setTimeout(r, 2_200));
    await expectProblem(brief.url, 'This invitation has expired', 'expired');
  });
});
