/**
 * Accepting an invitation as a person the identity provider vouched for. The person is found by
 * their identity (`<issuer>#<sub>`), never by a name or anything the browser says:
 *
 * - the same identity already a live person of the plan → the same person, a new session for this
 *   browser (no use of the invitation is taken, as when a browser reopens a link), audited as
 *   `signedIn`;
 * - the identity's person was revoked → refused (401 `revoked`), unless this invitation was created
 *   after the revocation: an admin inviting again is a deliberate act, and then a new person joins;
 * - otherwise a new person, named by the provider, remembering the identity; one use is taken and
 *   the join is audited with the provider's name and issuer.
 *
 * Nothing widens itself here either: the session gets the invitation's scope and never outlives
 * its `sessionUntil`, exactly like a join by name (server/auth/sessions.ts).
 */
import type * as Y from 'yjs';
import { readMeta } from '../../shared/doc/plan.ts';
import type { Identity } from '../auth/oidc.ts';
import { hashCode, issueSession, sessionFor } from '../auth/sessions.ts';
import { useRefusal, type Person, type PlenaryStore } from '../persistence/access-store.ts';
import { StoreError } from '../persistence/store.ts';
import { readRoomDoc } from '../plans.ts';
import { answer, cleanName, refuse } from './access-api.ts';
import { HttpError } from './errors.ts';

export type SignInJoinDeps = {
  secret: string;
  store: PlenaryStore;
  resident?: (room: string) => Y.Doc | undefined;
  now: () => number;
  /** The provider's name as people know it, for the audit list. */
  provider: string;
};

/** `returning`: the identity already was a person of the plan (for logs and metrics). */
export type SignedInJoin = ReturnType<typeof answer> & { planName: string; returning: boolean };

/**
 * Two callbacks for one identity at once (a double-clicked sign-in) must not make two people:
 * joins of one identity to one plan run one after the other on this server.
 */
const inFlight = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (inFlight.get(key) ?? Promise.resolve()).catch(() => {}).then(fn);
  inFlight.set(key, run);
  const forget = () => {
    if (inFlight.get(key) === run) inFlight.delete(key);
  };
  run.then(forget, forget);
  return run;
}

export async function joinSignedIn(deps: SignInJoinDeps, code: string, identity: Identity): Promise<SignedInJoin> {
  const { store, secret } = deps;
  const inv = await store.invitationByCodeHash(hashCode(code));
  if (!inv) refuse('unknown');
  const early = useRefusal(inv, deps.now());
  if (early) refuse(early);
  const planName = await readRoomDoc(store, deps.resident, inv.plan, (doc) => readMeta(doc).name || inv.plan);
  const signedIn = { provider: deps.provider, issuer: identity.issuer };

  const returning = async (live: Person, now: number): Promise<SignedInJoin> => {
    const issued = await sessionFor(store, secret, live, inv.scope, inv.sessionUntil, now);
    await store.addAudit({ plan: inv.plan, at: now, actor: live.id, actorName: live.name, action: 'signedIn', subject: live.id, detail: { name: live.name, signedInWith: signedIn.provider, issuer: signedIn.issuer } });
    return { ...answer(issued, inv.plan), planName, returning: true };
  };
  const livePerson = async () => (await store.peopleBySubject(inv.plan, identity.key)).find((p) => p.revokedAt === null);

  return oneAtATime(`${inv.plan}\n${identity.key}`, async () => {
    const now = deps.now();
    const mine = await store.peopleBySubject(inv.plan, identity.key);
    const live = mine.find((p) => p.revokedAt === null);
    if (live) return returning(live, now);
    const lastRevoked = Math.max(-Infinity, ...mine.map((p) => p.revokedAt ?? -Infinity));
    if (inv.createdAt <= lastRevoked) throw new HttpError(401, 'revoked', 'your access to this plan was revoked');

    const used = await store.useInvitation(inv.id, now);
    if (typeof used === 'string') refuse(used);
    try {
      const issued = await issueSession(
        store,
        secret,
        { plan: inv.plan, scope: inv.scope, name: cleanName(identity.name) || 'Signed-in person', role: inv.role, invitationId: inv.id, memberId: inv.memberId, subject: identity.key, signedIn, until: inv.sessionUntil },
        now
      );
      return { ...answer(issued, inv.plan), planName, returning: false };
    } catch (err) {
      // Another server made this identity's person a moment ago (oneAtATime serialises only this
      // process): the store keeps one live person per subject, so this sign-in becomes theirs.
      // The invitation use taken above stays spent.
      const theirs = err instanceof StoreError && err.kind === 'conflict' ? await livePerson() : undefined;
      if (!theirs) throw err;
      return returning(theirs, now);
    }
  });
}
