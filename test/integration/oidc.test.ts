/**
 * OIDC sign-in against a real OpenID provider (node-oidc-provider on a loopback port) and a real
 * Plenary server (SQLite file), over real HTTP with redirects followed by hand and a cookie jar
 * per "browser": authorization code + PKCE + state + nonce, the session handed over once by an
 * HttpOnly cookie, never in a URL; the same sub is the same person in every browser; a
 * requireSignIn invitation refuses the name form; a wrong or replayed state is refused by name.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import path from 'node:path';
import { ConfigError, readConfig } from '../../server/config.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import { identityKey } from '../../server/auth/oidc.ts';
import { joinSignedIn } from '../../server/http/sign-in-join.ts';
import { createPlanRoom, storeNewRoom } from '../../server/plans.ts';
import { addMember } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan as createPlanDoc } from '../../shared/doc/plan.ts';
import * as Y from 'yjs';
import { startPlenary, type PlenaryServer } from '../../server/server.ts';
import { api, invite } from '../helpers/access.ts';
import { CookieJar, request, signInAtProvider, startIdentityProvider, TEST_CLIENT, type IdentityProvider } from '../helpers/identity-provider.ts';
import { freePort, startServer, tempDataDir, tokenFor, type TestServer } from '../helpers/server.ts';

let idp: IdentityProvider;
let server: TestServer;
let room: string;
let adminToken: string;

const ACCOUNTS = {
  ada: { name: 'Ada Lovelace', email: 'ada@example.org' },
  grace: { name: 'Grace Hopper', email: 'grace@example.org' },
  // No name claim at all: the person is named by their email.
  linus: { email: 'linus@example.org' }
};

type Handoff = { token: string; person: { id: string; name: string; role: string; memberId: string | null }; room: string; exp: number; planName: string; next: string | null };

/** Plenary's start → the provider's pages → Plenary's callback. Returns the callback's answer. */
async function signIn(jar: CookieJar, code: string, login: string, opts: { abort?: boolean; returnTo?: string } = {}): Promise<Response> {
  const start = await request(jar, `${server.url}/auth/oidc/start?invitation=${encodeURIComponent(code)}${opts.returnTo ? `&return=${encodeURIComponent(opts.returnTo)}` : ''}`);
  expect(start.status).toBe(303);
  const authorization = new URL(start.headers.get('location')!);
  expect(authorization.origin).toBe(idp.issuer);
  const callback = await signInAtProvider(jar, authorization.href, login, opts);
  expect(callback.startsWith(`${server.url}/auth/oidc/callback?`)).toBe(true);
  return request(jar, callback);
}

async function handoff(jar: CookieJar): Promise<{ status: number; json: any }> {
  const res = await request(jar, `${server.url}/api/oidc/handoff`, { method: 'POST' });
  return { status: res.status, json: await res.json() };
}

/** The whole flow as one browser: signed in, the session taken from the handoff. */
async function signInAs(jar: CookieJar, code: string, login: string): Promise<Handoff> {
  const done = await signIn(jar, code, login);
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe('/signed-in');
  const h = await handoff(jar);
  expect(h.status).toBe(200);
  return h.json as Handoff;
}

const people = async () => (await api(server.url, 'GET', `/api/plans/${room}/people`, adminToken)).json.people as { id: string; name: string; role: string; revoked: boolean; signedIn: boolean }[];
const audit = async () => (await api(server.url, 'GET', `/api/plans/${room}/audit`, adminToken)).json.entries as { action: string; subject: string; detail: Record<string, unknown> }[];

beforeAll(async () => {
  const port = await freePort();
  idp = await startIdentityProvider({ redirectUri: `http://127.0.0.1:${port}/auth/oidc/callback`, accounts: ACCOUNTS });
  server = await startServer({ port, env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, OIDC_NAME: 'Example ID' } });
  room = await server.createPlan('Data centre move');
  adminToken = server.token(`${room}/*`, 'admin', 'Alan Admin');
});

afterAll(async () => {
  await server?.stop();
  await idp?.stop();
});

describe('OIDC sign-in', () => {
  test('the server tells the client that sign-in is on, and with whom', async () => {
    const r = await api(server.url, 'GET', '/api/config', null);
    expect(r).toEqual({ status: 200, json: { sso: { name: 'Example ID' } } });
  });

  test('signing in through an invitation makes a person named by the provider, with a live session', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'editor', label: 'Move team' });
    const jar = new CookieJar();
    const done = await signIn(jar, link.code, 'ada', { returnTo: `/p/${room}?view=board` });
    expect(done.status).toBe(303);
    // The session is not in the URL: the page reads it from the handoff route.
    expect(done.headers.get('location')).toBe('/signed-in');
    expect(jar.names(server.url)).toContain('plenary_signin');
    expect(jar.names(server.url).some((n) => n.startsWith('plenary_oidc_'))).toBe(false);

    const h = await handoff(jar);
    expect(h.status).toBe(200);
    expect(h.json).toMatchObject({ room, planName: 'Data centre move', next: `/p/${room}?view=board`, person: { name: 'Ada Lovelace', role: 'editor' } });
    // Handed over once: the cookie is gone and a second read finds nothing.
    expect(await handoff(jar)).toMatchObject({ status: 404, json: { error: 'noSignIn' } });

    const session = await api(server.url, 'GET', `/api/session?room=${room}`, h.json.token);
    expect(session.json).toMatchObject({ user: { id: h.json.person.id, name: 'Ada Lovelace' }, role: 'editor', personal: true });

    const ada = (await people()).find((p) => p.id === h.json.person.id);
    expect(ada).toMatchObject({ name: 'Ada Lovelace', role: 'editor', signedIn: true });
    const joined = (await audit()).find((e) => e.action === 'joined' && e.subject === h.json.person.id);
    expect(joined?.detail).toMatchObject({ name: 'Ada Lovelace', signedInWith: 'Example ID', issuer: idp.issuer });
  });

  test('the same sub is the same person in another browser; another sub is another person', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'editor', maxUses: 2 });
    const first = await signInAs(new CookieJar(), link.code, 'grace');
    const again = await signInAs(new CookieJar(), link.code, 'grace');
    expect(again.person.id).toBe(first.person.id);
    expect(again.token).not.toBe(first.token);
    // Coming back takes no use of the link: a second person still fits.
    const other = await signInAs(new CookieJar(), link.code, 'linus');
    expect(other.person.id).not.toBe(first.person.id);
    expect(other.person.name).toBe('linus@example.org');
    const uses = (await api(server.url, 'GET', `/api/plans/${room}/invitations`, adminToken)).json.invitations.find((i: { id: string }) => i.id === link.invitation.id).uses;
    expect(uses).toBe(2);
    expect((await people()).filter((p) => p.name === 'Grace Hopper')).toHaveLength(1);
    const entries = (await audit()).filter((e) => e.subject === first.person.id);
    expect(entries.map((e) => e.action).sort()).toEqual(['joined', 'signedIn']);
  });

  test('two sign-ins of one account finishing at once still make one person', async () => {
    // Straight at the join step (what the callback runs once the provider's answer verified), so
    // the joins overlap for sure: over HTTP the token exchanges would space them out.
    const plan = await server.createPlan('Race');
    const admin = server.token(`${plan}/*`, 'admin', 'Alan Admin');
    const link = await invite(server.url, plan, admin, { role: 'editor' });
    const identity = { issuer: idp.issuer, sub: 'grace', key: identityKey(idp.issuer, 'grace'), name: 'Grace Hopper', email: null };
    const deps = { secret: server.secret, store: server.server.store, now: Date.now, provider: 'Example ID' };
    const joined = await Promise.all([1, 2, 3, 4].map(() => joinSignedIn(deps, link.code, identity)));
    expect(new Set(joined.map((j) => j.person.id)).size).toBe(1);
    expect((await api(server.url, 'GET', `/api/plans/${plan}/people`, admin)).json.people).toHaveLength(1);
  });

  test('another server making the same account’s person between the check and the insert: one person, the sign-in lands on it', async () => {
    // oneAtATime serialises sign-ins within one process only. The other server is played by a
    // store whose first look-up comes back empty and then, before this server inserts, has that
    // server's insert of the same identity land.
    const plan = await server.createPlan('Race across servers');
    const admin = server.token(`${plan}/*`, 'admin', 'Alan Admin');
    const link = await invite(server.url, plan, admin, { role: 'editor' });
    const identity = { issuer: idp.issuer, sub: 'hedy', key: identityKey(idp.issuer, 'hedy'), name: 'Hedy Lamarr', email: null };
    const real = server.server.store;
    const other = { id: 'p_other_server', plan, name: 'Hedy Lamarr', memberId: null, role: 'editor' as const, invitationId: null, createdAt: Date.now(), lastSeenAt: Date.now(), revokedAt: null, subject: identity.key };
    let raced = false;
    const store = Object.create(real, {
      peopleBySubject: {
        value: async (planId: string, subject: string) => {
          const found = await real.peopleBySubject(planId, subject);
          if (!raced) {
            raced = true;
            await real.createPerson(other);
          }
          return found;
        }
      }
    });
    const joined = await joinSignedIn({ secret: server.secret, store, now: Date.now, provider: 'Example ID' }, link.code, identity);
    expect(joined).toMatchObject({ returning: true, person: { id: 'p_other_server' } });
    expect((await api(server.url, 'GET', `/api/plans/${plan}/people`, admin)).json.people.map((p: { id: string }) => p.id)).toEqual(['p_other_server']);
  });

  test('an invitation that requires sign-in refuses the name form with 403 signInRequired', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'viewer', requireSignIn: true });
    const preview = await api(server.url, 'GET', `/api/invitations/${link.code}`, null);
    expect(preview.json.requireSignIn).toBe(true);
    const byName = await api(server.url, 'POST', `/api/invitations/${link.code}/accept`, null, { name: 'Mallory' });
    expect(byName).toMatchObject({ status: 403, json: { error: 'signInRequired' } });
    const signedIn = await signInAs(new CookieJar(), link.code, 'ada');
    // Ada already is a person of this plan: the same one, with her own role.
    expect(signedIn.person).toMatchObject({ name: 'Ada Lovelace', role: 'editor' });
  });

  test('a personal invitation binds the signed-in person to its member', async () => {
    const plan = 'oidc-members';
    const doc = new Y.Doc();
    const ed = createEditor('setup', 'server');
    createPlanDoc(doc, ed, { name: 'With members', timeZone: 'Europe/London' });
    addMember(doc, ed, { name: 'Katherine Johnson', title: '', timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:00', defaultCapacity: 5 }, 'm-kj');
    await storeNewRoom(server.server.store, plan, 'plan', doc, 'setup');
    doc.destroy();
    const admin = server.token(plan, 'admin', 'Alan Admin');
    const link = await invite(server.url, plan, admin, { role: 'editor', memberId: 'm-kj' });
    const h = await signInAs(new CookieJar(), link.code, 'ada');
    expect(h.person).toMatchObject({ name: 'Ada Lovelace', memberId: 'm-kj' });
    expect(h.planName).toBe('With members');
  });

  test('a callback whose state matches no sign-in in this browser is refused by name', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'editor' });
    // No flow at all.
    const none = await request(new CookieJar(), `${server.url}/auth/oidc/callback?code=abc&state=${'x'.repeat(43)}`);
    expect(none.status).toBe(303);
    expect(none.headers.get('location')).toBe('/signed-in?error=oidcState');

    // A real flow, answered with another state: no cookie of that name.
    const jar = new CookieJar();
    const start = await request(jar, `${server.url}/auth/oidc/start?invitation=${link.code}`);
    const callback = new URL(await signInAtProvider(jar, start.headers.get('location')!, 'ada'));
    const forged = new URL(callback);
    forged.searchParams.set('state', 'y'.repeat(43));
    expect((await request(jar, forged.href)).headers.get('location')).toBe('/signed-in?error=oidcState');

    // The right state with a tampered cookie.
    const cookieName = `plenary_oidc_${callback.searchParams.get('state')}`;
    const genuine = jar.header(`${server.url}/auth/oidc/callback`).split(`${cookieName}=`)[1].split(';')[0];
    const flipped = genuine.slice(0, 10) + (genuine[10] === 'A' ? 'B' : 'A') + genuine.slice(11);
    const tampered = new CookieJar();
    tampered.store(server.url, new Response(null, { headers: { 'set-cookie': `${cookieName}=${flipped}; Path=/auth/oidc/callback` } }));
    expect((await request(tampered, callback.href)).headers.get('location')).toBe('/signed-in?error=oidcState');

    // The genuine answer works once; replaying it is refused.
    const ok = await request(jar, callback.href);
    expect(ok.headers.get('location')).toBe('/signed-in');
    expect((await request(jar, callback.href)).headers.get('location')).toBe('/signed-in?error=oidcState');
  });

  test('declining at the provider goes back to the invitation, named', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'editor' });
    const done = await signIn(new CookieJar(), link.code, 'ada', { abort: true });
    expect(done.headers.get('location')).toBe(`/join/${link.code}?signIn=oidcDenied`);
  });

  test('a revoked person cannot sign back in through an old link, but can through a newer one', async () => {
    const old = await invite(server.url, room, adminToken, { role: 'editor' });
    const { person } = await signInAs(new CookieJar(), old.code, 'linus');
    expect((await api(server.url, 'DELETE', `/api/plans/${room}/people/${person.id}`, adminToken)).status).toBe(200);
    const refused = await signIn(new CookieJar(), old.code, 'linus');
    expect(refused.headers.get('location')).toBe(`/join/${old.code}?signIn=revoked`);

    const fresh = await invite(server.url, room, adminToken, { role: 'viewer' });
    const back = await signInAs(new CookieJar(), fresh.code, 'linus');
    expect(back.person.id).not.toBe(person.id);
    expect(back.person.role).toBe('viewer');
  });

  test('an unusable invitation is named by its own join page before the provider is visited', async () => {
    const start = await request(new CookieJar(), `${server.url}/auth/oidc/start?invitation=not-a-real-code`);
    expect(start.status).toBe(303);
    expect(start.headers.get('location')).toBe('/join/not-a-real-code');
  });

  test('the flow cookie is HttpOnly, SameSite=Lax, for the callback only, short-lived, and Secure behind https', async () => {
    const attributes = async (base: string, code: string) => {
      const res = await fetch(`${base}/auth/oidc/start?invitation=${code}`, { redirect: 'manual' });
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('plenary_oidc_'))!;
      return cookie.split(';').slice(1).map((a) => a.trim());
    };
    const link = await invite(server.url, room, adminToken, { role: 'editor' });
    const plain = await attributes(server.url, link.code);
    expect(plain).toEqual(expect.arrayContaining(['Max-Age=600', 'Path=/auth/oidc/callback', 'HttpOnly', 'SameSite=Lax']));
    expect(plain).not.toContain('Secure');
    // Behind a TLS proxy: the registered callback is https, so the cookie is Secure.
    const tls = await startServer({ env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, OIDC_REDIRECT_URL: 'https://plenary.example.org/auth/oidc/callback' } });
    try {
      const plan = await tls.createPlan('Behind TLS');
      const tlsLink = await invite(tls.url, plan, tls.token(plan, 'admin', 'Admin'), { role: 'editor' });
      expect(await attributes(tls.url, tlsLink.code)).toContain('Secure');
    } finally {
      await tls.stop();
    }
  });

  test('sign-ins are counted for operators, by result', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const count = (result: string) => Number(new RegExp(`^plenary_oidc_sign_ins_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    expect(count('joined')).toBeGreaterThanOrEqual(4);
    expect(count('returned')).toBeGreaterThanOrEqual(2);
    expect(count('oidcState')).toBeGreaterThanOrEqual(4);
    expect(count('oidcDenied')).toBe(1);
    expect(count('revoked')).toBe(1);
  });

  test('an unsafe return path is dropped', async () => {
    const link = await invite(server.url, room, adminToken, { role: 'editor' });
    const jar = new CookieJar();
    await signIn(jar, link.code, 'grace', { returnTo: '//evil.example/p' });
    expect((await handoff(jar)).json.next).toBeNull();
  });
});

describe('OIDC across servers', () => {
  test('a sign-in started on one server is finished by another and handed over by a third request to the first', async () => {
    // Two servers behind one public name share one store and secret, and nothing else: the
    // provider sends the browser back to B, which has never seen this flow.
    const [portA, portB] = [await freePort(), await freePort()];
    const callback = `http://127.0.0.1:${portB}/auth/oidc/callback`;
    const provider = await startIdentityProvider({ redirectUri: callback, accounts: ACCOUNTS });
    const dataDir = tempDataDir();
    const store = openSqliteStore(path.join(dataDir, 'plenary.db'), 'process');
    const env = { HOST: '127.0.0.1', DATA_DIR: dataDir, PLENARY_SECRET: 'oidc-two-servers-secret-0123456789', OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret, OIDC_REDIRECT_URL: callback };
    const started: PlenaryServer[] = [];
    try {
      for (const port of [portA, portB]) started.push(await startPlenary(readConfig({ ...env, PORT: String(port) }), { store, log: createLogger('warn') }));
      const a = started[0];
      const plan = await createPlanRoom(store, { name: 'Two servers' }, 'test');
      const link = await invite(`http://127.0.0.1:${portA}`, plan, tokenFor(a.secret)(plan, 'admin', 'Admin'), { role: 'editor' });
      const jar = new CookieJar();
      const start = await request(jar, `http://127.0.0.1:${portA}/auth/oidc/start?invitation=${link.code}`);
      const answer = await signInAtProvider(jar, start.headers.get('location')!, 'grace');
      expect(new URL(answer).port).toBe(String(portB));
      const done = await request(jar, answer);
      expect(done.headers.get('location')).toBe('/signed-in');
      const res = await request(jar, `http://127.0.0.1:${portA}/api/oidc/handoff`, { method: 'POST' });
      expect(res.status).toBe(200);
      const h = (await res.json()) as Handoff;
      expect(h.person.name).toBe('Grace Hopper');
      expect((await api(`http://127.0.0.1:${portB}`, 'GET', `/api/session?room=${plan}`, h.token)).json.user.name).toBe('Grace Hopper');
    } finally {
      for (const s of started) await s.close();
      await store.close();
      await provider.stop();
    }
  });
});

describe('OIDC when the provider is down or refuses', () => {
  test('a provider that is down does not stop Plenary; sign-in says so and works once it is back', async () => {
    const [plenaryPort, providerPort] = [await freePort(), await freePort()];
    const callback = `http://127.0.0.1:${plenaryPort}/auth/oidc/callback`;
    const s = await startServer({ port: plenaryPort, env: { OIDC_ISSUER: `http://127.0.0.1:${providerPort}`, OIDC_CLIENT_ID: TEST_CLIENT.id, OIDC_CLIENT_SECRET: TEST_CLIENT.secret } });
    let provider: IdentityProvider | null = null;
    try {
      const plan = await s.createPlan('Provider down');
      const link = await invite(s.url, plan, s.token(plan, 'admin', 'Admin'), { role: 'editor' });
      const down = await request(new CookieJar(), `${s.url}/auth/oidc/start?invitation=${link.code}`);
      expect(down.headers.get('location')).toBe(`/join/${link.code}?signIn=oidcUnavailable`);
      // The failed discovery is not cached: the next sign-in finds the provider.
      provider = await startIdentityProvider({ redirectUri: callback, accounts: ACCOUNTS, port: providerPort });
      const up = await request(new CookieJar(), `${s.url}/auth/oidc/start?invitation=${link.code}`);
      expect(new URL(up.headers.get('location')!).origin).toBe(provider.issuer);
    } finally {
      await s.stop();
      await provider?.stop();
    }
  });

  test('a provider that refuses the client (wrong secret) comes back named oidcInvalid, and nobody joins', async () => {
    const port = await freePort();
    const provider = await startIdentityProvider({ redirectUri: `http://127.0.0.1:${port}/auth/oidc/callback`, accounts: ACCOUNTS });
    const s = await startServer({ port, env: { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: 'not-the-secret' } });
    try {
      const plan = await s.createPlan('Wrong secret');
      const admin = s.token(plan, 'admin', 'Admin');
      const link = await invite(s.url, plan, admin, { role: 'editor' });
      const jar = new CookieJar();
      const start = await request(jar, `${s.url}/auth/oidc/start?invitation=${link.code}`);
      const done = await request(jar, await signInAtProvider(jar, start.headers.get('location')!, 'ada'));
      expect(done.headers.get('location')).toBe(`/join/${link.code}?signIn=oidcInvalid`);
      expect((await api(s.url, 'GET', `/api/plans/${plan}/people`, admin)).json.people).toEqual([]);
    } finally {
      await s.stop();
      await provider.stop();
    }
  });
});

describe('OIDC off (the default)', () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startServer();
  });
  afterAll(async () => {
    await plain?.stop();
  });

  test('no sign-in is offered, its routes are 404 ssoDisabled, and no link can require it', async () => {
    expect((await api(plain.url, 'GET', '/api/config', null)).json).toEqual({ sso: null });
    for (const path of ['/auth/oidc/start?invitation=abc', '/auth/oidc/callback?code=a&state=b']) {
      const res = await fetch(plain.url + path, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('ssoDisabled');
    }
    const plan = await plain.createPlan('Plain');
    const r = await api(plain.url, 'POST', `/api/plans/${plan}/invitations`, plain.token(plan, 'admin'), { role: 'editor', requireSignIn: true });
    expect(r).toMatchObject({ status: 400, json: { error: 'ssoDisabled' } });
  });

  test('half a configuration fails at startup, naming what is missing', () => {
    expect(() => readConfig({ OIDC_ISSUER: 'https://id.example.org' })).toThrow(ConfigError);
    expect(() => readConfig({ OIDC_ISSUER: 'https://id.example.org' })).toThrow(/OIDC_CLIENT_ID/);
    expect(() => readConfig({ OIDC_ISSUER: 'http://id.example.org', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' })).toThrow(/https/);
    expect(readConfig({ OIDC_ISSUER: 'https://id.example.org/realms/x', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }).oidc).toMatchObject({ name: 'id.example.org', redirectUrl: null });
  });
});
