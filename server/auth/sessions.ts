/**
 * Issuing personal sessions and invitation codes. A person is one human's access to one plan; a
 * session is a signed token naming that person (`sub`) and a session row (`sid`). Everything that
 * creates a person goes through `issueSession`, so a later sign-in (OIDC) only has to call it with
 * the identity provider's `subject`.
 *
 * Nothing widens itself: a session never outlives `until` (the invitation's minter's expiry) and
 * carries the invitation's scope, which was checked against the minter's when it was minted.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../shared/protocol.ts';
import type { AccessStore, Person } from '../persistence/access-store.ts';
import { signToken } from './token.ts';

export const SESSION_MS = 30 * 86_400_000;

const randomId = (prefix: string, bytes = 12) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export const newPersonId = () => randomId('p_');
export const newInvitationId = () => randomId('i_', 9);

/** A fresh invitation code (shown once) and the hash the registry keeps. */
export function newInvitationCode(): { code: string; codeHash: string } {
  const code = randomBytes(32).toString('base64url');
  return { code, codeHash: hashCode(code) };
}

export function hashCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('base64url');
}

export type Issued = { token: string; person: Person; exp: number };

/** A new session for an existing person: `scope` and `until` bound what it grants. */
export async function sessionFor(
  registry: AccessStore,
  secret: string,
  person: Person,
  scope: string,
  until: number | null,
  now = Date.now()
): Promise<Issued> {
  const expiresAt = Math.min(now + SESSION_MS, until ?? Infinity);
  const sid = randomId('s_');
  await registry.createSession({ id: sid, personId: person.id, plan: person.plan, createdAt: now, expiresAt, revokedAt: null });
  const exp = Math.floor(expiresAt / 1000);
  const token = signToken(secret, { sub: person.id, sid, name: person.name, room: scope, role: person.role, exp });
  return { token, person, exp };
}

export type SessionRequest = {
  plan: string;
  /** Token scope: `plan/*` or `plan`. */
  scope: string;
  name: string;
  role: Role;
  invitationId: string | null;
  memberId?: string | null;
  /** An external identity (`<issuer>#<sub>`), when the person signed in. */
  subject?: string | null;
  /** The identity provider they signed in with (its name as people know it, and its issuer), for the audit list. */
  signedIn?: { provider: string; issuer: string };
  /** The session never outlives this (ms). */
  until?: number | null;
  /** Who or what let them in, for the audit list. */
  actor?: { id: string; name: string };
};

/** Creates a person and their first session, and audits the join. */
export async function issueSession(registry: AccessStore, secret: string, req: SessionRequest, now = Date.now()): Promise<Issued> {
  const person: Person = {
    id: newPersonId(),
    plan: req.plan,
    name: req.name,
    memberId: req.memberId ?? null,
    role: req.role,
    invitationId: req.invitationId,
    createdAt: now,
    lastSeenAt: now,
    revokedAt: null,
    subject: req.subject ?? null
  };
  await registry.createPerson(person);
  await registry.addAudit({
    plan: req.plan,
    at: now,
    actor: req.actor?.id ?? person.id,
    actorName: req.actor?.name ?? person.name,
    action: 'joined',
    subject: person.id,
    detail: {
      name: person.name,
      role: person.role,
      invitationId: req.invitationId,
      memberId: person.memberId,
      ...(req.signedIn ? { signedInWith: req.signedIn.provider, issuer: req.signedIn.issuer } : {})
    }
  });
  return sessionFor(registry, secret, person, req.scope, req.until ?? null, now);
}
