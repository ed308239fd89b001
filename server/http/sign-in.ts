/**
 * Sign-in through the organisation's identity provider, over HTTP:
 *
 *   GET  /api/config                  → { sso: { name } | null }: whether the UI offers sign-in
 *   GET  /auth/oidc/start?invitation=<code>&return=<path>
 *        → 303 to the provider. State, nonce, PKCE verifier, the invitation and the return path
 *          are kept in a signed, HttpOnly, SameSite=Lax cookie named after the state (so two tabs
 *          signing in at once do not overwrite each other), path /auth/oidc/callback, 10 minutes.
 *          Nothing is kept on the server, so any of several servers can finish the flow.
 *   GET  /auth/oidc/callback?code&state
 *        → verifies the answer, accepts the invitation as that person (sign-in-join.ts), puts the
 *          new session in a second signed, HttpOnly cookie readable only by the handoff route, and
 *          303s to the client page /signed-in. A failure 303s back to the join page with
 *          `?signIn=<error>` (or to /signed-in?error=<error> when no flow is known).
 *   POST /api/oidc/handoff            → the session once, as JSON (the cookie is cleared), which the
 *          client stores like the join page does. The session token never travels in a URL.
 *
 * With SSO off every route but /api/config answers 404 `ssoDisabled`.
 */
import { createHmac } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type * as Y from 'yjs';
import { OidcError, type OidcClient, type PendingFlow } from '../auth/oidc.ts';
import { hashCode } from '../auth/sessions.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { useRefusal, type PlenaryStore } from '../persistence/access-store.ts';
import { HttpError } from './errors.ts';
import { joinSignedIn, type SignedInJoin } from './sign-in-join.ts';

export type SignInDeps = {
  secret: string;
  store: PlenaryStore;
  oidc: OidcClient | null;
  /** PUBLIC_URL: the base of the redirect URL when OIDC_REDIRECT_URL is not set. */
  publicUrl: string | null;
  log?: Logger;
  metrics?: Metrics;
  resident?: (room: string) => Y.Doc | undefined;
  now?: () => number;
};

export const CALLBACK_PATH = '/auth/oidc/callback';
const HANDOFF_PATH = '/api/oidc/handoff';
const FLOW_COOKIE = 'plenary_oidc_';
const HANDOFF_COOKIE = 'plenary_signin';
const FLOW_S = 600;
const HANDOFF_S = 120;
/** openid-client's random state is 43 base64url characters; anything else names no cookie. */
const STATE = /^[A-Za-z0-9_-]{16,128}$/;

/** A started flow, as the cookie keeps it. */
type Pending = PendingFlow & { invitation: string; next: string | null; exp: number };
type Handoff = Omit<SignedInJoin, 'returning'> & { next: string | null; until: number };

const encode = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

function decode<T>(raw: string | false | undefined): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** Where to go after signing in: a path on this site only (never `//host` or `/\host`). */
export function safeReturn(raw: string | undefined): string | null {
  if (!raw || raw.length > 512 || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return null;
  return /^[\x21-\x7e]+$/.test(raw) ? raw : null;
}

export function mountSignIn(app: Hono, deps: SignInDeps): void {
  const { oidc, store } = deps;
  const now = deps.now ?? Date.now;
  // Its own key, so a cookie signature can never stand in for a token's (or the reverse).
  const key = createHmac('sha256', deps.secret).update('plenary oidc cookies').digest('hex');

  app.get('/api/config', (c) => c.json({ sso: oidc ? { name: oidc.name } : null }, 200, { 'cache-control': 'no-store' }));

  const enabled = (): OidcClient => {
    if (!oidc) throw new HttpError(404, 'ssoDisabled', 'sign-in with an identity provider is not set up on this server');
    return oidc;
  };

  /** OIDC_REDIRECT_URL, else PUBLIC_URL + the callback path, else this request's origin + it. */
  const redirectUri = (c: Context, client: OidcClient) =>
    client.config.redirectUrl ?? (deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '') + CALLBACK_PATH;

  const cookieOptions = (secure: boolean, path: string, maxAge: number) => ({ path, httpOnly: true, secure, sameSite: 'Lax' as const, maxAge });

  /** Back to where the person can act on it: the invitation's join page, or the sign-in page. */
  function failed(c: Context, err: unknown, invitation: string | null) {
    let code: string;
    if (err instanceof OidcError) code = err.code;
    else if (err instanceof HttpError) code = err.code;
    else throw err;
    deps.metrics?.signIns.inc({ result: code });
    deps.log?.warn({ error: code, providerError: err instanceof OidcError ? err.providerError : undefined, detail: (err as Error).message }, 'oidc sign-in failed');
    const to = invitation ? `/join/${encodeURIComponent(invitation)}?signIn=${encodeURIComponent(code)}` : `/signed-in?error=${encodeURIComponent(code)}`;
    return c.redirect(to, 303);
  }

  app.get('/auth/oidc/start', async (c) => {
    const client = enabled();
    const invitation = c.req.query('invitation') ?? '';
    if (!invitation || invitation.length > 256) throw new HttpError(400, 'badRequest', 'sign-in needs the invitation it is for');
    // An unusable link is named by its own join page; no reason to visit the provider first.
    if (useRefusal(await store.invitationByCodeHash(hashCode(invitation)), now())) return c.redirect(`/join/${encodeURIComponent(invitation)}`, 303);
    const uri = redirectUri(c, client);
    let started: Awaited<ReturnType<OidcClient['start']>>;
    try {
      started = await client.start(uri);
    } catch (err) {
      return failed(c, err, invitation);
    }
    const pending: Pending = { ...started.flow, invitation, next: safeReturn(c.req.query('return')), exp: now() + FLOW_S * 1000 };
    await setSignedCookie(c, FLOW_COOKIE + started.flow.state, encode(pending), key, cookieOptions(uri.startsWith('https:'), CALLBACK_PATH, FLOW_S));
    return c.redirect(started.url.href, 303);
  });

  app.get(CALLBACK_PATH, async (c) => {
    const client = enabled();
    const state = c.req.query('state') ?? '';
    const name = STATE.test(state) ? FLOW_COOKIE + state : null;
    const pending = name ? decode<Pending>(await getSignedCookie(c, key, name)) : null;
    if (!pending || typeof pending.exp !== 'number' || pending.exp <= now() || pending.state !== state) {
      return failed(c, new OidcError('oidcState', 'no sign-in in progress in this browser matches this answer'), null);
    }
    const secure = pending.redirectUri.startsWith('https:');
    // One answer per flow: a replayed callback finds no cookie.
    deleteCookie(c, name!, { path: CALLBACK_PATH, secure });
    try {
      const identity = await client.finish(new URL(c.req.url).search, pending);
      const joined = await joinSignedIn({ secret: deps.secret, store, resident: deps.resident, now, provider: client.name }, pending.invitation, identity);
      const { returning: _returning, ...session } = joined;
      const handoff: Handoff = { ...session, next: pending.next, until: now() + HANDOFF_S * 1000 };
      await setSignedCookie(c, HANDOFF_COOKIE, encode(handoff), key, cookieOptions(secure, HANDOFF_PATH, HANDOFF_S));
      deps.metrics?.signIns.inc({ result: joined.returning ? 'returned' : 'joined' });
      deps.log?.info({ plan: joined.room, person: joined.person.id, issuer: identity.issuer, returning: joined.returning }, 'oidc sign-in');
      return c.redirect('/signed-in', 303);
    } catch (err) {
      return failed(c, err, pending.invitation);
    }
  });

  app.post(HANDOFF_PATH, async (c) => {
    enabled();
    const handoff = decode<Handoff>(await getSignedCookie(c, key, HANDOFF_COOKIE));
    deleteCookie(c, HANDOFF_COOKIE, { path: HANDOFF_PATH, secure: new URL(c.req.url).protocol === 'https:' });
    if (!handoff || typeof handoff.until !== 'number' || handoff.until <= now()) throw new HttpError(404, 'noSignIn', 'no sign-in is waiting for this browser; open your invitation again');
    const { until: _until, ...session } = handoff;
    return c.json(session, 200, { 'cache-control': 'no-store' });
  });
}
