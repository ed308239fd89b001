/**
 * A real OpenID provider for tests: node-oidc-provider, in-process, on a loopback port, with one
 * confidential client registered for a Plenary server's callback and a few test accounts. Its
 * development login page accepts any password for a known login; consent is one "Continue".
 *
 * `signInAtProvider` walks that page flow over plain HTTP (fetch, redirects followed by hand,
 * a cookie jar), for integration tests that have no browser. The e2e test clicks the same pages.
 */
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export type TestAccount = { name?: string; email?: string };

export type IdentityProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
};

export const TEST_CLIENT = { id: 'plenary-test', secret: 'plenary-test-secret-0123456789abcdef' };

/** The provider's ID-token signing key: our own, made once per test file (its built-in one warns). */
const SIGNING_KEY = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

export async function startIdentityProvider(options: { redirectUri: string; accounts: Record<string, TestAccount>; host?: string; port?: number }): Promise<IdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host === 'localhost' ? '127.0.0.1' : host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: [options.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code']
      }
    ],
    // Profile claims go to userinfo, not the ID token (the provider's conforming default, and what
    // many real providers do): Plenary has to read them from there.
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    async findAccount(_ctx, id) {
      const account = options.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account, ...(account.email ? { email_verified: true } : {}) }) };
    },
    cookies: { keys: ['identity-provider-test-cookie-key'] },
    jwks: { keys: [SIGNING_KEY] },
    // Explicit lifetimes, so the provider does not warn about its defaults on every sign-in.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 }
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId: TEST_CLIENT.id,
    clientSecret: TEST_CLIENT.secret,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })
  };
}

/**
 * The few cookie rules the flow relies on, as a browser applies them: per host (not per port: two
 * servers on one host share cookies, as behind one public name), path prefix, Max-Age=0 deletes.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { host: string; name: string; value: string; path: string }>();

  store(url: string, res: Response): void {
    const host = new URL(url).hostname;
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (n: string) => attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.slice(n.length + 1);
      const path = attr('path') ?? '/';
      const id = `${host} ${path} ${name}`;
      const maxAge = attr('max-age');
      const expires = attr('expires');
      if ((maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now())) this.cookies.delete(id);
      else this.cookies.set(id, { host, name, value, path });
    }
  }

  header(url: string): string {
    const u = new URL(url);
    return [...this.cookies.values()]
      .filter((c) => c.host === u.hostname && (u.pathname === c.path || u.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/'))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  names(url: string): string[] {
    const host = new URL(url).hostname;
    return [...this.cookies.values()].filter((c) => c.host === host).map((c) => c.name);
  }
}

/** One request with the jar's cookies and no redirect following. */
export async function request(jar: CookieJar, url: string, init: { method?: string; body?: string; contentType?: string } = {}): Promise<Response> {
  const cookie = jar.header(url);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), ...(init.contentType ? { 'content-type': init.contentType } : {}) },
    body: init.body
  });
  jar.store(url, res);
  return res;
}

/**
 * From the provider's authorization URL to the redirect back to the client: follows the
 * provider's redirects, fills in its login form (`login`, any password) and consents. `abort`
 * presses the provider's "cancel" instead of logging in. Returns the callback URL with its query.
 */
export async function signInAtProvider(jar: CookieJar, authorizationUrl: string, login: string, opts: { abort?: boolean } = {}): Promise<string> {
  const providerOrigin = new URL(authorizationUrl).origin;
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    const res = await request(jar, url);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url).href;
      await res.arrayBuffer();
      if (new URL(next).origin !== providerOrigin) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider answered ${res.status}: ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) throw new Error(`unexpected provider page: ${html.slice(0, 300)}`);
    if (opts.abort) {
      url = new URL(`${action}/abort`, url).href;
      continue;
    }
    const body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt }).toString();
    const posted = await request(jar, new URL(action, url).href, { method: 'POST', body, contentType: 'application/x-www-form-urlencoded' });
    if (posted.status < 300 || posted.status >= 400) throw new Error(`provider refused the ${prompt} form: ${posted.status} ${(await posted.text()).slice(0, 300)}`);
    url = new URL(posted.headers.get('location')!, url).href;
    await posted.arrayBuffer();
  }
  throw new Error('the provider never sent the browser back');
}
