/**
 * Signed access tokens: `base64url(JSON claims) "." base64url(HMAC-SHA256(claims))`.
 *
 * Claims: `sub` user id, `name` display name, `room` scope, `role`, `exp` (seconds since epoch), and
 * for a personal session `sid`, the session's id in the access registry (then `sub` is the person's
 * id, and the registry's role and name win over the token's: server/auth/people.ts).
 * A scope is a room (`gpu-buildout`), a room and everything under it (`gpu-buildout/*`: the plan
 * and its retros), or every room (`*`). Verification compares MACs in constant time and returns a
 * named failure instead of throwing, so the HTTP boundary maps it to 401/403 in one place.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRole, isValidScope, scopeCovers, type Role } from '../../shared/protocol.ts';

export { isValidScope, scopeCovers };

export type Claims = { sub: string; name: string; room: string; role: Role; exp: number; sid?: string };

export type TokenFailure = 'missing' | 'malformed' | 'badSignature' | 'expired' | 'wrongRoom' | 'revoked' | 'signedOut';

export type Verified = { ok: true; claims: Claims } | { ok: false; failure: TokenFailure };

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export function signToken(secret: string, claims: Claims): string {
  if (!isValidScope(claims.room)) throw new Error(`invalid room scope: ${claims.room}`);
  const body = b64(JSON.stringify(claims));
  return `${body}.${b64(createHmac('sha256', secret).update(body).digest())}`;
}

export function verifyToken(secret: string, token: string | null | undefined, nowMs = Date.now()): Verified {
  if (!token) return { ok: false, failure: 'missing' };
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 4096) return { ok: false, failure: 'malformed' };
  const body = token.slice(0, dot);
  // Compare the canonical encoding, not decoded bytes: base64url decoding is lenient, and one token
  // must have exactly one valid spelling (denylists and caches key on the string).
  const mac = Buffer.from(token.slice(dot + 1), 'utf8');
  const expected = Buffer.from(b64(createHmac('sha256', secret).update(body).digest()), 'utf8');
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return { ok: false, failure: 'badSignature' };
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, failure: 'malformed' };
  }
  if (
    typeof claims !== 'object' || claims === null ||
    typeof claims.sub !== 'string' || typeof claims.name !== 'string' || typeof claims.room !== 'string' ||
    !isValidScope(claims.room) || !isRole(claims.role) || typeof claims.exp !== 'number' ||
    (claims.sid !== undefined && typeof claims.sid !== 'string')
  ) return { ok: false, failure: 'malformed' };
  if (claims.exp * 1000 <= nowMs) return { ok: false, failure: 'expired' };
  return { ok: true, claims };
}

/** Verify and check the token covers `room`. */
export function authorize(secret: string, token: string | null | undefined, room: string, nowMs = Date.now()): Verified {
  const v = verifyToken(secret, token, nowMs);
  if (v.ok && !scopeCovers(v.claims.room, room)) return { ok: false, failure: 'wrongRoom' };
  return v;
}

/** HTTP status and message per failure: one table for the upgrade and the API. */
export const TOKEN_FAILURE_HTTP: Record<TokenFailure, { status: 401 | 403; message: string }> = {
  missing: { status: 401, message: 'a token is required' },
  malformed: { status: 401, message: 'the token is malformed' },
  badSignature: { status: 401, message: 'the token signature is invalid' },
  expired: { status: 401, message: 'the token has expired' },
  wrongRoom: { status: 403, message: 'the token does not grant this room' },
  revoked: { status: 401, message: 'your access to this plan was revoked' },
  signedOut: { status: 401, message: 'this session was signed out' }
};
