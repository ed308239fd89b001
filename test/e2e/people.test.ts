/**
 * The People panel in real Chromium against a real server: an admin creates an invitation (the
 * link shown once, with Copy), a person joins with it in another browser context, the admin sees
 * them online, renames another person in place (their page follows), downgrades them from editor to viewer (their edit controls turn read-only at once),
 * revokes them (their page says so within about a second and stops reconnecting), reads the audit
 * list, and revokes the invitation. Screenshots of each tab in light and dark.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contextPool, ensureClientBuilt, launchBrowser, screenshot, screenshotSchemes, waitForConnection } from '../helpers/browser.ts';
import { accept, invite, listPeople, revokePerson } from '../helpers/access.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let room: string;
let adminToken: string;

const contexts = contextPool(() => browser);
const context = contexts.open;

const shoot = screenshotSchemes;

beforeAll(async () => {
  await ensureClientBuilt();
  server = await startServer();
  room = await server.createPlan('Steering Q3');
  adminToken = server.token(room, 'admin', 'Alan Admin', 24 * 3600);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await contexts.closeAll();
  await browser?.close();
  await server?.stop().catch(() => {});
});

describe('people panel', () => {
  let admin: Page;
  let panel: Locator;
  let eddie: Page;
  let url: string;

  const tab = (name: string) => panel.getByRole('tab', { name: new RegExp(`^${name}`) });

  test('an admin creates an invitation: the link is shown once, with Copy, and listed', async () => {
    const c = await context();
    await c.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    admin = await c.newPage();
    await admin.goto(`${server.url}/p/${room}?token=${encodeURIComponent(adminToken)}`);
    await waitForConnection(admin, 'connected');
    await admin.getByRole('button', { name: 'People' }).click();
    panel = admin.getByRole('dialog', { name: 'People and access' });
    await panel.waitFor({ timeout: 5_000 });
    expect(await tab('Invitations').getAttribute('aria-selected')).toBe('true');

    // Never wider than the admin: every role up to admin is offered, no more.
    const roles = await panel.getByLabel('Role', { exact: true }).locator('option').allTextContents();
    expect(roles).toEqual(['Viewer', 'Editor', 'Facilitator', 'Admin']);
    await panel.getByLabel('Role', { exact: true }).selectOption('editor');
    await panel.getByLabel('Can be used').selectOption({ label: '5 times' });
    await panel.getByLabel(/^Label/).fill('Steering group chat');
    await panel.getByRole('button', { name: 'Create invitation' }).click();

    const link = panel.getByLabel(/^Invitation for an editor/);
    await link.waitFor({ timeout: 5_000 });
    url = await link.inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/join/[A-Za-z0-9_-]{20,}$`));
    await panel.getByRole('button', { name: 'Copy', exact: true }).click();
    await panel.getByText('Link copied.').waitFor({ timeout: 5_000 });
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(url);

    const row = panel.locator('tr[data-invitation]').filter({ hasText: 'Steering group chat' });
    await row.waitFor({ timeout: 5_000 });
    expect((await row.textContent())?.replace(/\s+/g, ' ')).toMatch(/editor.*0 of 5.*Active/i);
    await shoot(admin, 'people-invitations');
  });

  test('a person joins; the admin sees them online in People', async () => {
    eddie = await (await context()).newPage();
    await eddie.goto(url);
    await eddie.getByLabel('Your name').fill('Eddie Editor');
    await eddie.getByRole('button', { name: 'Join the plan' }).click();
    await eddie.waitForURL(`${server.url}/p/${room}`, { timeout: 10_000 });
    await waitForConnection(eddie, 'connected');
    expect(await eddie.getByLabel('New card').isDisabled()).toBe(false);

    await tab('People').click();
    const row = panel.locator('tr[data-person]').filter({ hasText: 'Eddie Editor' });
    // The panel re-reads every few seconds; "Online" appears once the server counts the socket.
    await row.filter({ hasText: 'Online' }).waitFor({ timeout: 10_000 });
    expect(await panel.getByLabel('Role of Eddie Editor').inputValue()).toBe('editor');
    await expect(panel.locator('tr[data-invitation]').count()).resolves.toBe(0);
    await shoot(admin, 'people-people');
  });

  test('renaming a person in place: Escape cancels, Enter saves, their page follows, a refusal is shown', async () => {
    // Pat joins through the API with a link of their own and opens the plan in another browser.
    const minted = await invite(server.url, room, adminToken, { role: 'editor', label: 'Pat only' });
    const pat = await accept(server.url, minted.code, 'Pat Person');
    const patPage = await (await context()).newPage();
    await patPage.goto(`${server.url}/p/${room}?token=${encodeURIComponent(pat.token)}`);
    await waitForConnection(patPage, 'connected');
    await patPage.getByText('You are Pat Person').waitFor({ timeout: 5_000 });

    const row = () => panel.locator(`tr[data-person="${pat.person.id}"]`);
    await row().waitFor({ timeout: 10_000 });
    const rename = row().getByRole('button', { name: 'Rename Pat Person' });
    // Escape takes it back without closing the dialog, and focus returns to the button.
    await rename.click();
    const field = panel.getByLabel('New name for Pat Person');
    await field.fill('Not saved');
    await field.press('Escape');
    await rename.waitFor({ timeout: 2_000 });
    expect(await panel.isVisible()).toBe(true);
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Rename Pat Person');
    // An empty name is refused here, with the reason announced, and nothing is sent.
    await rename.click();
    await field.fill('   ');
    await field.press('Enter');
    expect(await row().getByRole('alert').textContent()).toContain('A name cannot be empty.');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    // Enter saves: the table, the registry and Pat's own page follow.
    await field.fill('Patricia Person');
    await field.press('Enter');
    await row().getByRole('button', { name: 'Rename Patricia Person' }).waitFor({ timeout: 5_000 });
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Rename Patricia Person');
    expect((await listPeople(server.url, room, adminToken)).find((p) => p.id === pat.person.id)?.name).toBe('Patricia Person');
    await patPage.getByText('You are Patricia Person').waitFor({ timeout: 3_000 });
    await shoot(admin, 'people-renamed');

    // The server's refusal is shown beside the field, the draft kept: Pat was revoked meanwhile.
    await revokePerson(server.url, room, adminToken, pat.person.id);
    await row().getByRole('button', { name: 'Rename Patricia Person' }).click();
    await panel.getByLabel('New name for Patricia Person').fill('Too late');
    await panel.getByLabel('New name for Patricia Person').press('Enter');
    await row().getByRole('alert').filter({ hasText: 'access was revoked' }).waitFor({ timeout: 5_000 });
    expect(await panel.getByLabel('New name for Patricia Person').inputValue()).toBe('Too late');
    await panel.getByLabel('New name for Patricia Person').press('Escape');
    // Once the panel re-reads the list, a revoked person offers no rename.
    await row().filter({ hasText: 'Revoked' }).waitFor({ timeout: 10_000 });
    expect(await row().getByRole('button', { name: /^Rename/ }).count()).toBe(0);
    await patPage.close();
  });

  test('downgrading an editor to viewer turns their edit controls read-only at once', async () => {
    const started = Date.now();
    await panel.getByLabel('Role of Eddie Editor').selectOption('viewer');
    await eddie.getByText('View only', { exact: true }).first().waitFor({ timeout: 3_000 });
    await expect.poll(() => eddie.getByLabel('New card').isDisabled(), { timeout: 3_000 }).toBe(true);
    // Said to a screen reader too, not only shown.
    expect(await eddie.getByRole('status').filter({ hasText: 'An admin changed your role to viewer.' }).count()).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    // The socket stayed open: the change applied in place, not by a reconnect.
    await waitForConnection(eddie, 'connected', 1_000);
    expect((await listPeople(server.url, room, adminToken)).find((p) => p.name === 'Eddie Editor')?.role).toBe('viewer');
    await screenshot(eddie, 'people-downgraded-light');
  });

  test('revoking a person shows "revoked" on their page within about a second, with no reconnect loop', async () => {
    const row = panel.locator('tr[data-person]').filter({ hasText: 'Eddie Editor' });
    await row.getByRole('button', { name: 'Revoke access of Eddie Editor' }).click();
    // Asked twice, in place; focus is on Cancel, the safe choice.
    const confirm = row.getByRole('button', { name: 'Revoke access' });
    await confirm.waitFor({ timeout: 2_000 });
    expect(await admin.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await shoot(admin, 'people-revoke-confirm');
    const started = Date.now();
    await confirm.click();
    const notice = eddie.locator('[role=alert][data-revoked]');
    await notice.waitFor({ timeout: 1_500 });
    const took = Date.now() - started;
    expect(took).toBeLessThan(1_500);
    expect(await notice.textContent()).toContain('Your access to this plan was revoked');
    await waitForConnection(eddie, 'refused', 1_000);
    // This browser forgets the dead session, so the landing page no longer lists the plan.
    expect(await eddie.evaluate((r) => localStorage.getItem(`plenary:person:${r}`), room)).toBeNull();
    await screenshot(eddie, 'people-revoked-light');
    // No reconnect: it stays refused.
    await new Promise((r) => setTimeout(r, 1_500));
    await waitForConnection(eddie, 'refused', 500);

    await row.filter({ hasText: 'Revoked' }).waitFor({ timeout: 5_000 });
    expect(await row.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
  });

  test('the audit list says who joined, whose role changed, who was revoked, and by whom', async () => {
    await tab('History').click();
    const list = panel.getByRole('list', { name: 'Access history, newest first' });
    await list.waitFor({ timeout: 5_000 });
    await list.locator('li[data-action=revoked]').filter({ hasText: 'Eddie Editor' }).waitFor({ timeout: 5_000 });
    const items = (await list.locator('li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(items[0]).toMatch(/^⊘ Alan Admin revoked Eddie Editor’s access/);
    expect(items.some((t) => /Alan Admin changed Eddie Editor’s role from editor to viewer/.test(t))).toBe(true);
    expect(items.some((t) => /Eddie Editor joined/.test(t))).toBe(true);
    expect(items.some((t) => /Alan Admin renamed Pat Person to Patricia Person/.test(t))).toBe(true);
    expect(items.some((t) => /Alan Admin created an invitation for editors \(“Steering group chat”\)/.test(t))).toBe(true);
    await shoot(admin, 'people-history');
    // The tabs follow the WAI-ARIA pattern: arrow keys move between them.
    await tab('History').focus();
    await admin.keyboard.press('ArrowLeft');
    expect(await tab('People').getAttribute('aria-selected')).toBe('true');
    expect(await admin.evaluate(() => document.activeElement?.id)).toBe('people-tab-people');
  });

  test('revoking the invitation is asked twice and the link stops working', async () => {
    await tab('Invitations').click();
    const row = panel.locator('tr[data-invitation]').filter({ hasText: 'Steering group chat' });
    await row.getByRole('button', { name: 'Revoke invitation Steering group chat' }).click();
    await row.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.textContent()).toContain('Active');
    // Escape takes the question back, keeps the dialog open, and returns focus to the button.
    await row.getByRole('button', { name: 'Revoke invitation Steering group chat' }).click();
    await admin.keyboard.press('Escape');
    await row.getByRole('button', { name: 'Revoke invitation Steering group chat' }).waitFor({ timeout: 2_000 });
    expect(await panel.isVisible()).toBe(true);
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Revoke invitation Steering group chat');
    await row.getByRole('button', { name: 'Revoke invitation Steering group chat' }).click();
    await row.getByRole('button', { name: 'Revoke invitation', exact: true }).click();
    await row.filter({ hasText: 'Revoked' }).waitFor({ timeout: 5_000 });

    const late = await (await context()).newPage();
    await late.goto(url);
    await late.getByRole('heading', { name: 'This invitation was revoked' }).waitFor({ timeout: 5_000 });
  });

  test('people without admin rights see no People button', async () => {
    const page = await (await context()).newPage();
    await page.goto(`${server.url}/p/${room}?token=${encodeURIComponent(server.token(room, 'facilitator', 'Fay'))}`);
    await waitForConnection(page, 'connected');
    expect(await page.getByRole('button', { name: 'People' }).count()).toBe(0);
  });
});
