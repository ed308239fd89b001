/**
 * OIDC sign-in end to end in real Chromium: a real OpenID provider (node-oidc-provider, on
 * `localhost`, so it is another site than Plenary on 127.0.0.1 and the SameSite=Lax flow cookie
 * is tested as in production) and a real Plenary server. An admin makes a link that requires
 * sign-in in the People panel; a person opens it, sees "Sign in with your organisation" instead
 * of the name form, logs in at the provider's own login page, and lands in the plan as the person
 * the provider named, in presence and in the People panel. The same account in a second browser
 * is the same person. Screenshots of both join pages (sign-in only, and name or sign-in).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contextPool, ensureClientBuilt, launchBrowser, screenshot, screenshotSchemes, waitForConnection } from '../helpers/browser.ts';
import { invite } from '../helpers/access.ts';
import { startIdentityProvider, type IdentityProvider } from '../helpers/identity-provider.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';

let idp: IdentityProvider;
let server: TestServer;
let browser: Browser;
let room: string;
let adminToken: string;

const contexts = contextPool(() => browser);
const context = contexts.open;

const shoot = screenshotSchemes;

const presenceNames = (page: Page) =>
  page.locator('section[aria-label="People here"] li .name').evaluateAll((els) => els.map((e) => e.firstChild?.textContent?.trim() ?? ''));

const storedPerson = (page: Page) =>
  page.evaluate((r) => JSON.parse(localStorage.getItem(`plenary:person:${r}`) ?? 'null') as { person: { id: string; name: string; role: string } } | null, room);

/** At the provider's own pages: its login form (any password), then consent. */
async function logInAtProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((u) => u.origin === idp.issuer, { timeout: 10_000 });
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

beforeAll(async () => {
  await ensureClientBuilt();
  const port = await freePort();
  idp = await startIdentityProvider({
    host: 'localhost',
    redirectUri: `http://127.0.0.1:${port}/auth/oidc/callback`,
    accounts: { ada: { name: 'Ada Lovelace', email: 'ada@example.org' } }
  });
  server = await startServer({ port, env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, OIDC_NAME: 'Example ID' } });
  room = await server.createPlan('Data centre move');
  adminToken = server.token(`${room}/*`, 'admin', 'Alan Admin', 24 * 3600);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await contexts.closeAll();
  await browser?.close();
  await server?.stop().catch(() => {});
  await idp?.stop();
});

describe('signing in with the organisation', () => {
  let admin: Page;
  let panel: Locator;
  let url: string;
  let adaId: string;

  test('an admin makes a link that requires sign-in with the provider', async () => {
    admin = await (await context()).newPage();
    await admin.goto(`${server.url}/p/${room}?token=${encodeURIComponent(adminToken)}`);
    await waitForConnection(admin, 'connected');
    await admin.getByRole('button', { name: 'People' }).click();
    panel = admin.getByRole('dialog', { name: 'People and access' });
    await panel.waitFor({ timeout: 5_000 });
    const check = panel.getByLabel('People must sign in with Example ID');
    await check.check();
    await shoot(admin, 'oidc-invitation-form');
    await panel.getByLabel(/^Label/).fill('Move team');
    await panel.getByRole('button', { name: 'Create invitation' }).click();
    const link = panel.getByLabel(/^Invitation for an editor/);
    await link.waitFor({ timeout: 5_000 });
    url = await link.inputValue();
    expect(await panel.locator('label[for=inv-link]').textContent()).toContain('people sign in with Example ID');
    const row = panel.locator('tr[data-invitation]').filter({ hasText: 'Move team' });
    await row.waitFor({ timeout: 5_000 });
    expect(await row.textContent()).toContain('sign-in required');
    await shoot(admin, 'oidc-invitation-created');
    await admin.keyboard.press('Escape');
  });

  test('the join page offers only "Sign in with your organisation"; the person lands in the plan as the provider names them', async () => {
    const page = await (await context()).newPage();
    await page.goto(url);
    const button = page.getByRole('link', { name: 'Sign in with your organisation' });
    await button.waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Your name').count()).toBe(0);
    expect(await page.getByText('Example ID').count()).toBeGreaterThan(0);
    // The one thing to do has the focus, so Enter starts it.
    await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Sign in with your organisation', null, { timeout: 5_000 });
    await shoot(page, 'oidc-join-sign-in-only');

    await page.keyboard.press('Enter');
    await logInAtProvider(page, 'ada');
    await page.waitForURL(`${server.url}/p/${room}`, { timeout: 15_000 });
    await waitForConnection(page, 'connected');
    // Nothing secret is left in the address or behind Back.
    expect(page.url()).not.toMatch(/token=|code=|state=/);
    const stored = await storedPerson(page);
    expect(stored?.person).toMatchObject({ name: 'Ada Lovelace', role: 'editor' });
    adaId = stored!.person.id;
    await page.waitForFunction(() => [...document.querySelectorAll('section[aria-label="People here"] li .name')].some((e) => e.textContent?.includes('Ada Lovelace')), null, { timeout: 5_000 });
    expect(await presenceNames(page)).toContain('Ada Lovelace');
    await expect(page.getByText('You are Ada Lovelace').isVisible()).resolves.toBe(true);
    await screenshot(page, 'oidc-signed-in-plan');

    // The admin sees her in People, marked as signed in, and online.
    await admin.getByRole('button', { name: 'People' }).click();
    await panel.getByRole('tab', { name: /^People/ }).click();
    const row = panel.locator(`tr[data-person="${adaId}"]`);
    await row.filter({ hasText: 'Online' }).waitFor({ timeout: 10_000 });
    expect((await row.textContent())?.replace(/\s+/g, ' ')).toMatch(/Ada Lovelace( ✎)? · signed in/);
  });

  test('the same account in another browser is the same person', async () => {
    const page = await (await context()).newPage();
    await page.goto(url);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await logInAtProvider(page, 'ada');
    await page.waitForURL(`${server.url}/p/${room}`, { timeout: 15_000 });
    await waitForConnection(page, 'connected');
    expect((await storedPerson(page))?.person.id).toBe(adaId);
  });

  test('without requireSignIn the join page offers both: a name, or signing in', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'viewer' });
    const page = await (await context()).newPage();
    await page.goto(`${server.url}${link.url}`);
    await page.getByLabel('Your name').waitFor({ timeout: 10_000 });
    const group = page.getByRole('group', { name: /Or use your organisation’s account \(Example ID\)/ });
    await group.getByRole('link', { name: 'Sign in with your organisation' }).waitFor({ timeout: 5_000 });
    await shoot(page, 'oidc-join-name-or-sign-in');
  });

  test('a sign-in that failed comes back to the invitation and says why', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'editor' });
    const page = await (await context()).newPage();
    await page.goto(`${server.url}${link.url}`);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.waitForURL((u) => u.origin === idp.issuer, { timeout: 10_000 });
    // Cancel at the provider (its development login page has no cancel button: its abort route).
    const abort = new URL(page.url());
    abort.pathname = `${abort.pathname.replace(/\/$/, '')}/abort`;
    await page.goto(abort.href);
    await page.waitForURL((u) => u.pathname.startsWith('/join/') && u.searchParams.get('signIn') === 'oidcDenied', { timeout: 10_000 });
    const alert = page.locator('[role=alert][data-sign-in-error=oidcDenied]');
    await alert.waitFor({ timeout: 5_000 });
    expect(await alert.textContent()).toContain('Signing in was cancelled');
    // Trying again is one key away: the sign-in button has the focus.
    await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Sign in with your organisation', null, { timeout: 5_000 });
    await screenshot(page, 'oidc-join-denied');
  });

  test('the sign-in page names a failure with no invitation to go back to, and a visit with nothing waiting', async () => {
    const page = await (await context()).newPage();
    await page.goto(`${server.url}/signed-in?error=oidcState`);
    const alert = page.locator('[role=alert][data-sign-in-error=oidcState]');
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('could not be matched to this browser');
    await page.goto(`${server.url}/signed-in`);
    await page.getByRole('heading', { name: 'Signing in did not work' }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('alert').textContent()).toContain('No sign-in is waiting for this browser');
  });

  test('the admin reads the sign-ins in the access history', async () => {
    // The panel is still open from the People check above.
    if (!(await panel.isVisible())) await admin.getByRole('button', { name: 'People' }).click();
    await panel.getByRole('tab', { name: /^History/ }).click();
    const list = panel.getByRole('list', { name: 'Access history, newest first' });
    await list.locator('li[data-action=signedIn]').first().waitFor({ timeout: 10_000 });
    const items = (await list.locator('li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(items.some((t) => t.includes('Ada Lovelace joined as editor, signed in with Example ID'))).toBe(true);
    expect(items.some((t) => t.includes('Ada Lovelace signed in again with Example ID'))).toBe(true);
    expect(items.some((t) => t.includes('created an invitation for editors (“Move team”), sign-in required'))).toBe(true);
  });
});
