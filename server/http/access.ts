/** Token checks for HTTP routes and the WebSocket upgrade: one table of failures → status codes. */
import { authorize, TOKEN_FAILURE_HTTP, verifyToken, type Claims } from '../auth/token.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Role } from '../../shared/protocol.ts';
import type { People } from '../auth/people.ts';
import { HttpError } from './errors.ts';

export function bearer(header: string | undefined, query: string | undefined): string | null {
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return query ?? null;
}

/** Verifies a token (for a room when given) and a minimum role; throws HttpError. */
export function requireAccess(secret: string, metrics: Metrics, token: string | null, room: string | null, roles?: Role[]): Claims {
  const v = room === null ? verifyToken(secret, token) : authorize(secret, token, room);
  if (!v.ok) {
    metrics.authFailures.inc({ reason: v.failure });
    const { status, message } = TOKEN_FAILURE_HTTP[v.failure];
    throw new HttpError(status, v.failure, message);
  }
  if (roles && !roles.includes(v.claims.role)) {
    metrics.authFailures.inc({ reason: 'role' });
    throw new HttpError(403, 'role', `this needs one of: ${roles.join(', ')}`);
  }
  return v.claims;
}

export type AuthDeps = { secret: string; metrics: Metrics; people: People };

/**
 * requireAccess, then a personal session resolved through the registry: its role and name come
 * from there, a revoked person is 401 `revoked`, a session its person signed out 401 `signedOut`,
 * and the role check uses the live role.
 */
export async function authenticate(deps: AuthDeps, token: string | null, room: string | null, roles?: Role[]): Promise<Claims> {
  const claims = requireAccess(deps.secret, deps.metrics, token, room);
  const resolved = await deps.people.resolve(claims);
  if (resolved === 'revoked' || resolved === 'signedOut') {
    deps.metrics.authFailures.inc({ reason: resolved });
    const { status, message } = TOKEN_FAILURE_HTTP[resolved];
    throw new HttpError(status, resolved, message);
  }
  if (roles && !roles.includes(resolved.role)) {
    deps.metrics.authFailures.inc({ reason: 'role' });
    throw new HttpError(403, 'role', `this needs one of: ${roles.join(', ')}`);
  }
  return resolved;
}
