/**
 * The conversation with the organisation's identity provider (OpenID Connect, authorization code
 * flow with PKCE, state and nonce), through openid-client: the only module that imports it.
 *
 * Discovery is lazy and cached: a provider that is down when Plenary starts does not stop Plenary
 * starting, and a failed discovery is retried by the next sign-in rather than cached. Everything
 * a flow needs between the redirect and the callback (state, nonce, PKCE verifier, redirect URL)
 * is returned to the caller to keep (a signed cookie, server/http/sign-in.ts), so any of several
 * servers can finish a flow another one started.
 *
 * Failures are named values (`OidcError.code`), so the HTTP layer can tell the person what went
 * wrong without ever showing or logging a token.
 */
import * as client from 'openid-client';
import { isLoopbackUrl, type OidcConfig } from '../config.ts';

export type OidcFailure =
  /** Discovery or a request to the provider failed (network, 5xx, bad metadata). */
  | 'oidcUnavailable'
  /** No flow matches the callback: missing, tampered or expired state cookie, or another state. */
  | 'oidcState'
  /** The provider answered with an error (the person declined, or the provider refused the client). */
  | 'oidcDenied'
  /** The answer did not verify: code exchange, ID token signature, issuer, audience or nonce. */
  | 'oidcInvalid';

export class OidcError extends Error {
  override name = 'OidcError';
  constructor(
    readonly code: OidcFailure,
    message: string,
    /** The provider's own error code (e.g. access_denied), safe to log. */
    readonly providerError?: string
  ) {
    super(message);
  }
}

/** What the callback needs to finish one flow; kept by the caller until then. */
export type PendingFlow = { state: string; nonce: string; verifier: string; redirectUri: string };

/** A verified person at the provider. `key` is stable per (issuer, sub): the same employee in every browser. */
export type Identity = { issuer: string; sub: string; key: string; name: string; email: string | null };

const SCOPE = 'openid profile email';
const TIMEOUT_S = 10;

/** One string per (issuer, sub); an issuer never contains '#' (OIDC Discovery §3 forbids fragments). */
export const identityKey = (issuer: string, sub: string) => `${issuer}#${sub}`;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.replace(/\s+/g, ' ').trim() : null);

export class OidcClient {
  private discovered: Promise<client.Configuration> | null = null;

  constructor(readonly config: OidcConfig) {}

  /** The provider's name as people know it ("Sign in with …"). */
  get name(): string {
    return this.config.name;
  }

  private configuration(): Promise<client.Configuration> {
    this.discovered ??= this.discover().catch((err) => {
      this.discovered = null;
      throw err;
    });
    return this.discovered;
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.config.issuer);
    // Plain http only for a provider on this machine (config.ts refuses it elsewhere).
    const execute = issuer.protocol === 'http:' && isLoopbackUrl(issuer) ? [client.allowInsecureRequests] : [];
    let found: client.Configuration;
    try {
      found = await client.discovery(issuer, this.config.clientId, this.config.clientSecret, undefined, { execute, timeout: TIMEOUT_S });
    } catch (err) {
      throw new OidcError('oidcUnavailable', `discovery at ${issuer.href} failed: ${(err as Error).message}`);
    }
    // HTTP Basic is the method every provider must support (RFC 6749 §2.3.1) and the default when
    // the metadata lists none; client_secret_post only when the provider offers nothing else.
    const methods = found.serverMetadata().token_endpoint_auth_methods_supported;
    const basic = !methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post');
    const auth = basic ? client.ClientSecretBasic(this.config.clientSecret) : client.ClientSecretPost(this.config.clientSecret);
    const configuration = new client.Configuration(found.serverMetadata(), this.config.clientId, { client_secret: this.config.clientSecret }, auth);
    configuration.timeout = TIMEOUT_S;
    for (const fn of execute) fn(configuration);
    return configuration;
  }

  /** Starts a flow: where to send the browser, and what to keep for the callback. */
  async start(redirectUri: string): Promise<{ url: URL; flow: PendingFlow }> {
    const configuration = await this.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const flow: PendingFlow = { state: client.randomState(), nonce: client.randomNonce(), verifier, redirectUri };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce
    });
    return { url, flow };
  }

  /**
   * Finishes a flow: `query` is the callback's query string. The ID token is verified by
   * openid-client (signature, issuer, audience, expiry, nonce); the name comes from it, or from
   * the userinfo endpoint when the provider keeps profile claims out of ID tokens (many do).
   */
  async finish(query: string, flow: PendingFlow): Promise<Identity> {
    const configuration = await this.configuration();
    // The URL the provider redirected to, rebuilt from the registered one: behind a proxy the
    // request's own URL names an internal host.
    const current = new URL(flow.redirectUri);
    current.search = query;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    } catch (err) {
      throw asOidcError(err);
    }
    const claims = tokens.claims();
    if (!claims || !str(claims.sub)) throw new OidcError('oidcInvalid', 'the provider sent no ID token subject');
    let profile: Record<string, unknown> = claims;
    if (!str(claims.name) && configuration.serverMetadata().userinfo_endpoint) {
      try {
        // The ID token's own claims win; userinfo only fills in what it lacks.
        profile = { ...(await client.fetchUserInfo(configuration, tokens.access_token, claims.sub)), ...claims };
      } catch (err) {
        // Without a name or an email there is nothing to call the person; with an email, go on.
        if (!str(claims.email)) throw asOidcError(err);
      }
    }
    const email = str(profile.email);
    const name = str(profile.name) ?? ([str(profile.given_name), str(profile.family_name)].filter(Boolean).join(' ') || null) ?? email ?? str(profile.preferred_username) ?? claims.sub;
    return { issuer: claims.iss, sub: claims.sub, key: identityKey(claims.iss, claims.sub), name, email };
  }
}

function asOidcError(err: unknown): OidcError {
  if (err instanceof OidcError) return err;
  if (err instanceof client.AuthorizationResponseError) return new OidcError('oidcDenied', err.error_description ?? err.error, err.error);
  if (err instanceof client.ResponseBodyError) return new OidcError('oidcInvalid', `the provider refused: ${err.error}`, err.error);
  const e = err as Error & { code?: string };
  // A state mismatch is a flow that is not this one; everything else from openid-client's checks
  // (signature, issuer, audience, nonce, PKCE) means the answer did not verify.
  if (e?.code === 'OAUTH_INVALID_RESPONSE' && /state/i.test(e.message)) return new OidcError('oidcState', e.message);
  if (e?.name === 'TypeError' || e?.name === 'AbortError' || e?.name === 'TimeoutError') return new OidcError('oidcUnavailable', e.message);
  return new OidcError('oidcInvalid', e?.message ?? String(err));
}
