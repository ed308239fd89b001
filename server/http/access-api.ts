/**
 * People and access over HTTP: invitations (share links), accepting one (a personal session), the
 * people of a plan (role, rename, revoke) and the audit list. Shapes: /tmp/brief/access-spec.md and
 * README "People and access".
 *
 * Nothing widens itself: an invitation's role is at most the minter's, it expires no later than the
 * minter's token, the sessions it issues end no later than that either (`sessionUntil`), and its
 * scope is the plan and its retros only when the minter's scope covers them.
 *
 * Every change to a person goes through `people.changed`, which re-reads them and applies the change
 * to live sockets on this server and (over the bus) on the others.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import * as Y from 'yjs';
import { members } from '../../shared/doc/members.ts';
import { readMeta } from '../../shared/doc/plan.ts';
import { isRole, isValidRoom, ROLES, scopeCovers, type Role } from '../../shared/protocol.ts';
import type { People } from '../auth/people.ts';
import { hashCode, issueSession, newInvitationCode, newInvitationId, sessionFor } from '../auth/sessions.ts';
import { verifyToken, type Claims } from '../auth/token.ts';
import type { Metrics } from '../observability/metrics.ts';
import { readRoomDoc } from '../plans.ts';
import { useRefusal, type Invitation, type Person, type PlenaryStore, type UseRefusal } from '../persistence/access-store.ts';
import { authenticate, bearer } from './access.ts';
import { HttpError } from './errors.ts';

export type AccessApiDeps = {
  secret: string;
  store: PlenaryStore;
  metrics: Metrics;
  people: People;
  resident?: (room: string) => Y.Doc | undefined;
  /** Whether sign-in through an identity provider is set up (invitations may then require it). */
  sso?: boolean;
  /** Whether a person has a live socket on this server. */
  online?: (personId: string) => boolean;
  now?: () => number;
  /** The app's body limit (16 KiB) and bounded JSON body reader. */
  limit: MiddlewareHandler;
  body: (c: Context) => Promise<Record<string, unknown>>;
};

const DAY_MS = 86_400_000;
const MAX_INVITATION_DAYS = 365;
const MAX_NAME = 80;
const MAX_LABEL = 120;
const rank = (r: Role) => ROLES.indexOf(r);

const REFUSALS: Record<UseRefusal, { status: 404 | 410; code: string; message: string }> = {
  unknown: { status: 404, code: 'unknownInvitation', message: 'this link is not valid' },
  expired: { status: 410, code: 'invitationExpired', message: 'this link has expired' },
  usedUp: { status: 410, code: 'invitationUsedUp', message: 'this link has been used as often as it may' },
  revoked: { status: 410, code: 'invitationRevoked', message: 'this link was revoked' }
};

export function refuse(refusal: UseRefusal): never {
  const r = REFUSALS[refusal];
  throw new HttpError(r.status, r.code, r.message);
}

export const cleanName = (v: unknown, max = MAX_NAME) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim().slice(0, max) : '');

const publicInvitation = (i: Invitation) => i;

const publicPerson = (p: Person, online: boolean) => ({
  id: p.id,
  name: p.name,
  role: p.role,
  memberId: p.memberId,
  invitationId: p.invitationId,
  createdAt: p.createdAt,
  lastSeenAt: p.lastSeenAt,
  revoked: p.revokedAt !== null,
  /** Joined by signing in with the organisation's identity provider (the identity itself stays on the server). */
  signedIn: p.subject !== null,
  online
});

export function mountAccessApi(app: Hono, deps: AccessApiDeps): void {
  const { store, people, limit, body } = deps;
  const now = deps.now ?? Date.now;
  const tokenOf = (c: Context) => bearer(c.req.header('authorization'), c.req.query('token'));
  const auth = (c: Context, room: string | null, roles?: Role[]) => authenticate(deps, tokenOf(c), room, roles);

  /** A plan the caller administers: valid name, admin on it, and it exists. */
  async function adminOf(c: Context): Promise<{ room: string; claims: Claims }> {
    const room = c.req.param('room') ?? '';
    if (!isValidRoom(room)) throw new HttpError(400, 'badRequest', 'invalid room name');
    const claims = await auth(c, room, ['admin']);
    const info = await store.getRoom(room);
    if (!info || info.kind !== 'plan') throw new HttpError(404, 'unknownRoom', `no plan called ${room}`);
    return { room, claims };
  }

  const readPlan = <T>(room: string, fn: (doc: Y.Doc) => T) => readRoomDoc(store, deps.resident, room, fn);

  const audit = (plan: string, actor: Claims | null, action: Parameters<PlenaryStore['addAudit']>[0]['action'], subject: string, detail: Record<string, unknown>) =>
    store.addAudit({ plan, at: now(), actor: actor?.sub ?? 'server', actorName: actor?.name ?? 'Server', action, subject, detail });

  async function mint(c: Context) {
    const { room, claims } = await adminOf(c);
    const b = await body(c);
    if (!isRole(b.role)) throw new HttpError(400, 'badRequest', 'role must be viewer, editor, facilitator or admin');
    if (rank(b.role) > rank(claims.role)) throw new HttpError(403, 'widening', 'an invitation cannot grant more than your own role');
    const days = b.expiresInDays === undefined ? 7 : b.expiresInDays;
    if (typeof days !== 'number' || !(days > 0) || days > MAX_INVITATION_DAYS) throw new HttpError(400, 'badRequest', `expiresInDays must be between 0 and ${MAX_INVITATION_DAYS}`);
    const maxUses = b.maxUses === undefined || b.maxUses === null ? null : b.maxUses;
    if (maxUses !== null && (typeof maxUses !== 'number' || !Number.isInteger(maxUses) || maxUses < 1 || maxUses > 10_000)) throw new HttpError(400, 'badRequest', 'maxUses must be a whole number from 1');
    if (b.requireSignIn !== undefined && typeof b.requireSignIn !== 'boolean') throw new HttpError(400, 'badRequest', 'requireSignIn must be true or false');
    // A link nobody could ever use is refused when it is made, not when it is opened.
    if (b.requireSignIn === true && !deps.sso) throw new HttpError(400, 'ssoDisabled', 'sign-in with an identity provider is not set up on this server');
    const memberId = b.memberId === undefined || b.memberId === null ? null : b.memberId;
    if (memberId !== null) {
      const known = typeof memberId === 'string' && (await readPlan(room, (doc) => members.get(doc, memberId) !== null));
      if (!known) throw new HttpError(400, 'badRequest', 'no such member in this plan');
    }
    const at = now();
    const minterUntil = claims.exp * 1000;
    const { code, codeHash } = newInvitationCode();
    const invitation = await store.createInvitation({
      id: newInvitationId(),
      codeHash,
      plan: room,
      // The plan and its retros only when the minter's own scope covers them.
      scope: scopeCovers(claims.room, `${room}/retro`) ? `${room}/*` : room,
      role: b.role,
      expiresAt: Math.min(at + days * DAY_MS, minterUntil),
      sessionUntil: minterUntil,
      maxUses: maxUses as number | null,
      memberId: memberId as string | null,
      label: cleanName(b.label, MAX_LABEL),
      requireSignIn: b.requireSignIn === true,
      createdBy: claims.sub,
      createdAt: at
    });
    await audit(room, claims, 'invitationCreated', invitation.id, { role: invitation.role, expiresAt: invitation.expiresAt, maxUses: invitation.maxUses, memberId: invitation.memberId, label: invitation.label, ...(invitation.requireSignIn ? { requireSignIn: true } : {}) });
    const url = `/join/${code}`;
    return c.json({ invitation: publicInvitation(invitation), code, url, exp: Math.floor(invitation.expiresAt / 1000) }, 201);
  }

  app.post('/api/plans/:room/invitations', limit, mint);
  // The old share route mints an invitation now: a link for a group yields one person per visitor.
  app.post('/api/plans/:room/share', limit, mint);

  app.get('/api/plans/:room/invitations', async (c) => {
    const { room } = await adminOf(c);
    return c.json({ invitations: (await store.listInvitations(room)).map(publicInvitation) });
  });

  app.delete('/api/plans/:room/invitations/:id', async (c) => {
    const { room, claims } = await adminOf(c);
    const inv = await store.getInvitation(c.req.param('id'));
    if (!inv || inv.plan !== room) throw new HttpError(404, 'unknownInvitation', 'no such invitation in this plan');
    const revoked = await store.revokeInvitation(inv.id, now());
    await audit(room, claims, 'invitationRevoked', inv.id, { people: revoked });
    await people.changed(revoked);
    return c.json({ invitation: await store.getInvitation(inv.id), revokedPeople: revoked });
  });

  app.get('/api/invitations/:code', async (c) => {
    const inv = await store.invitationByCodeHash(hashCode(c.req.param('code')));
    if (!inv) refuse('unknown');
    const refusal = useRefusal(inv, now());
    if (refusal) refuse(refusal);
    const taken = new Set((await store.listPeople(inv.plan)).filter((p) => p.revokedAt === null && p.memberId).map((p) => p.memberId));
    const plan = await readPlan(inv.plan, (doc) => ({ name: readMeta(doc).name, members: members.list(doc).map((m) => ({ id: m.id, name: m.name })) }));
    const member = inv.memberId ? (plan.members.find((m) => m.id === inv.memberId) ?? null) : null;
    return c.json({
      plan: { room: inv.plan, name: plan.name },
      role: inv.role,
      expiresAt: inv.expiresAt,
      member,
      members: plan.members.map((m) => ({ ...m, taken: taken.has(m.id) })),
      requireSignIn: inv.requireSignIn
    });
  });

  app.post('/api/invitations/:code/accept', limit, async (c) => {
    const inv = await store.invitationByCodeHash(hashCode(c.req.param('code')));
    if (!inv) refuse('unknown');
    const early = useRefusal(inv, now());
    if (early) refuse(early);
    if (inv.requireSignIn) throw new HttpError(403, 'signInRequired', 'this link needs you to sign in with your organisation');
    const b = await body(c);
    // The same browser opening the link again is the same person (it sends its session).
    const presented = tokenOf(c);
    const v = presented ? verifyToken(deps.secret, presented) : null;
    const existing = v?.ok ? await people.livePerson(v.claims, inv.plan) : null;
    if (existing) return c.json(answer(await sessionFor(store, deps.secret, existing, inv.scope, inv.sessionUntil, now()), inv.plan));
    // A browser whose person was revoked does not come back in as someone new through the same
    // link; a new invitation (an admin's decision to let them back) makes a new person.
    if (v?.ok && v.claims.sid !== undefined) {
      const was = await store.getPerson(v.claims.sub);
      if (was && was.plan === inv.plan && was.revokedAt !== null && was.invitationId === inv.id) throw new HttpError(401, 'revoked', 'your access to this plan was revoked');
    }

    let name = cleanName(b.name);
    let memberId: string | null = inv.memberId;
    const wanted = inv.memberId ?? (typeof b.memberId === 'string' && b.memberId ? b.memberId : null);
    if (wanted) {
      const member = await readPlan(inv.plan, (doc) => members.get(doc, wanted));
      if (!member) throw new HttpError(400, 'badRequest', 'no such member in this plan');
      const taken = (await store.listPeople(inv.plan)).some((p) => p.revokedAt === null && p.memberId === wanted);
      if (taken && !inv.memberId) throw new HttpError(409, 'memberTaken', 'someone already joined as this member');
      name = member.name.slice(0, MAX_NAME);
      memberId = wanted;
    }
    if (!name) throw new HttpError(400, 'badRequest', 'your name is needed');
    const used = await store.useInvitation(inv.id, now());
    if (typeof used === 'string') refuse(used);
    const issued = await issueSession(store, deps.secret, { plan: inv.plan, scope: inv.scope, name, role: inv.role, invitationId: inv.id, memberId, until: inv.sessionUntil }, now());
    return c.json(answer(issued, inv.plan));
  });

  app.get('/api/plans/:room/people', async (c) => {
    const { room } = await adminOf(c);
    const list = await store.listPeople(room);
    return c.json({ people: list.map((p) => publicPerson(p, p.revokedAt === null && (deps.online?.(p.id) ?? false))) });
  });

  async function personOf(room: string, id: string): Promise<Person> {
    const p = await store.getPerson(id);
    if (!p || p.plan !== room) throw new HttpError(404, 'unknownPerson', 'no such person in this plan');
    return p;
  }

  app.patch('/api/plans/:room/people/:id', limit, async (c) => {
    const { room, claims } = await adminOf(c);
    const before = await personOf(room, c.req.param('id'));
    const b = await body(c);
    if (b.role !== undefined && !isRole(b.role)) throw new HttpError(400, 'badRequest', 'role must be viewer, editor, facilitator or admin');
    if (isRole(b.role) && rank(b.role) > rank(claims.role)) throw new HttpError(403, 'widening', 'you cannot grant more than your own role');
    const name = b.name === undefined ? undefined : cleanName(b.name);
    if (name === '') throw new HttpError(400, 'badRequest', 'a name cannot be empty');
    if (before.revokedAt !== null) throw new HttpError(409, 'revoked', 'this person’s access was revoked');
    const after = await store.updatePerson(before.id, { role: isRole(b.role) ? b.role : undefined, name });
    if (!after) throw new HttpError(404, 'unknownPerson', 'no such person in this plan');
    if (after.role !== before.role) await audit(room, claims, 'roleChanged', after.id, { from: before.role, to: after.role });
    if (after.name !== before.name) await audit(room, claims, 'nameChanged', after.id, { from: before.name, to: after.name });
    await people.changed([after.id]);
    return c.json({ person: publicPerson(after, deps.online?.(after.id) ?? false) });
  });

  app.delete('/api/plans/:room/people/:id', async (c) => {
    const { room, claims } = await adminOf(c);
    const before = await personOf(room, c.req.param('id'));
    const after = await store.updatePerson(before.id, { revokedAt: now() });
    if (before.revokedAt === null) await audit(room, claims, 'revoked', before.id, { name: before.name });
    await people.changed([before.id]);
    return c.json({ person: publicPerson(after!, false) });
  });

  app.get('/api/plans/:room/audit', async (c) => {
    const { room } = await adminOf(c);
    return c.json({ entries: await store.listAudit(room, 500) });
  });
}

/** What accepting answers (and what a sign-in hands to the browser). */
export function answer(issued: { token: string; person: Person; exp: number }, room: string) {
  const { person } = issued;
  return { token: issued.token, person: { id: person.id, name: person.name, role: person.role, memberId: person.memberId }, room, exp: issued.exp };
}
