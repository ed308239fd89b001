/**
 * The access registry: invitations (share links), people (one human's access to one plan), their
 * sessions, the audit list, and the owners of Yjs client ids. Implemented by the same store objects
 * as the DocStore (memory, SQLite, Postgres), so a plan's people live beside its document and the
 * client-id claims commit in the same transaction as the update that made them (NewUpdate.clients).
 *
 * Secrets never enter the registry: an invitation is found by the SHA-256 of its code, a session
 * is a signed token whose `sid` names a row here (the row holds no token).
 */
import type { ExtensionStateStore } from './extension-state.ts';
import type { Role } from '../../shared/protocol.ts';
import type { DocStore } from './store.ts';
import type { ApiKeyStore } from './api-key-store.ts';
import type { WebhookStore } from './webhook-store.ts';

export type Invitation = {
  id: string;
  /** The plan (room) it grants. */
  plan: string;
  /** The token scope a session from it gets: `plan/*` (plan and its retros) or `plan` alone. */
  scope: string;
  role: Role;
  /** Accepting is refused from this time on (ms). */
  expiresAt: number;
  /** A session from this invitation never outlives this (ms): the minter's own expiry; null for the server. */
  sessionUntil: number | null;
  maxUses: number | null;
  uses: number;
  /** A personal invitation, bound to one member of the plan. */
  memberId: string | null;
  label: string;
  requireSignIn: boolean;
  /** Person id of the minter, or 'server' / a token subject. */
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
};

export type NewInvitation = Omit<Invitation, 'uses' | 'revokedAt'> & { codeHash: string };

export type Person = {
  id: string;
  plan: string;
  name: string;
  memberId: string | null;
  role: Role;
  invitationId: string | null;
  createdAt: number;
  lastSeenAt: number;
  revokedAt: number | null;
  /**
   * Who they are at the organisation's identity provider, `<issuer>#<sub>` (server/auth/oidc.ts),
   * when they joined by signing in; null for people who joined by name.
   */
  subject: string | null;
};

export type Session = { id: string; personId: string; plan: string; createdAt: number; expiresAt: number; revokedAt: number | null };

export type AuditAction = 'invitationCreated' | 'invitationRevoked' | 'joined' | 'signedIn' | 'roleChanged' | 'revoked' | 'nameChanged' | 'signedOut' | 'apiKeyCreated' | 'apiKeyRevoked';

export type AuditEntry = {
  id: number;
  plan: string;
  at: number;
  /** Person id or 'server' (or a service token's subject). */
  actor: string;
  actorName: string;
  action: AuditAction;
  /** Person or invitation id. */
  subject: string;
  detail: Record<string, unknown>;
};

export type PersonPatch = { role?: Role; name?: string; lastSeenAt?: number; revokedAt?: number };

/** Why taking one use of an invitation failed. */
export type UseRefusal = 'unknown' | 'expired' | 'usedUp' | 'revoked';

export interface AccessStore {
  createInvitation(inv: NewInvitation): Promise<Invitation>;
  getInvitation(id: string): Promise<Invitation | null>;
  invitationByCodeHash(codeHash: string): Promise<Invitation | null>;
  /** Newest first. */
  listInvitations(plan: string): Promise<Invitation[]>;
  /** Takes one use, atomically (two people racing for a 1-use link: one wins). */
  useInvitation(id: string, now: number): Promise<Invitation | UseRefusal>;
  /** Revokes the invitation and every person who joined through it; returns those people's ids. */
  revokeInvitation(id: string, at: number): Promise<string[]>;

  /**
   * Refuses with StoreError('conflict') a second live (unrevoked) person of a plan with the same
   * sign-in subject: two servers signing one identity in at once must not make two people.
   */
  createPerson(person: Person): Promise<void>;
  getPerson(id: string): Promise<Person | null>;
  /** Oldest first. */
  listPeople(plan: string): Promise<Person[]>;
  /** The plan's people with this identity (`<issuer>#<sub>`), revoked ones too; oldest first. */
  peopleBySubject(plan: string, subject: string): Promise<Person[]>;
  /** The person after the change, or null when unknown. */
  updatePerson(id: string, patch: PersonPatch): Promise<Person | null>;

  /**
   * Sets lastSeenAt of these people to `at` where it is older, in one write (the heartbeat's batch:
   * every person with a live socket on this server).
   */
  touchPeople(ids: readonly string[], at: number): Promise<void>;

  createSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | null>;
  /** Ends one session (sign-out); the first revocation time is kept. The session after it, or null. */
  revokeSession(id: string, at: number): Promise<Session | null>;

  addAudit(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Newest first, at most `limit`. */
  listAudit(plan: string, limit: number): Promise<AuditEntry[]>;

  /**
   * Owners of Yjs client ids in a room (clientId → owner, the author id). Claims are written by
   * `append` from NewUpdate.clients; the first claim of a client id wins.
   */
  clientOwners(room: string): Promise<Map<number, string>>;
  /**
   * Claims client ids for `owner` where nobody holds them yet, in one transaction, and returns the
   * owner of each afterwards (the claimant, or whoever claimed it first, on any server). The sync
   * server calls it before it applies anyone's first write under an id, so two servers cannot
   * both hand one id to two people.
   */
  claimClients(room: string, owner: string, clients: readonly number[]): Promise<Map<number, string>>;
}

/** Rows that fit the registry: checked by every backend before writing, like NOT NULL would. */
export const AUDIT_LIMIT_MAX = 1000;

/** What every backend is: the document store, the access registry, extension state, API keys and webhooks in one object. */
export type PlenaryStore = DocStore & AccessStore & ExtensionStateStore & ApiKeyStore & WebhookStore;

/** Whether an invitation can be used now: the one rule every backend applies inside its transaction. */
export function useRefusal(inv: Invitation | null, now: number): UseRefusal | null {
  if (!inv) return 'unknown';
  if (inv.revokedAt !== null) return 'revoked';
  if (inv.expiresAt <= now) return 'expired';
  if (inv.maxUses !== null && inv.uses >= inv.maxUses) return 'usedUp';
  return null;
}
