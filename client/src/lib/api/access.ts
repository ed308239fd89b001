/**
 * People and access over HTTP (the contract in the access design: invitations, accepting one,
 * people, audit). Every answer is read through a small checker before use, like plenary.ts: a
 * wrong shape fails here with a named ApiError, not deep inside the People panel.
 */
import { isRole, type Role } from '$shared/protocol.ts';
import { ApiError, requestJson } from './http.ts';

export type InvitationPreview = {
  plan: { room: string; name: string };
  role: Role;
  expiresAt: number;
  /** A personal invitation is for this plan member. */
  member: { id: string; name: string } | null;
  /** The plan's members, so a person can say "I am …"; `taken` ones already have a person. */
  members: { id: string; name: string; taken: boolean }[];
  requireSignIn: boolean;
};

export type PersonRef = { id: string; name: string; role: Role; memberId: string | null };
export type Accepted = { token: string; person: PersonRef; room: string; exp: number };
/** What a finished sign-in hands this browser (once): a session like Accepted, plus where to go. */
export type SignedIn = Accepted & { planName: string; next: string | null };

export type Invitation = {
  id: string;
  role: Role;
  expiresAt: number;
  maxUses: number | null;
  uses: number;
  memberId: string | null;
  label: string;
  requireSignIn: boolean;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
};
export type CreatedInvitation = { invitation: Invitation; code: string; url: string };
export type NewInvitation = { role: Role; expiresInDays: number; maxUses?: number; memberId?: string; label?: string; requireSignIn?: boolean };

export type Person = {
  id: string;
  name: string;
  role: Role;
  memberId: string | null;
  invitationId: string | null;
  createdAt: number;
  lastSeenAt: number | null;
  revoked: boolean;
  /** Joined by signing in with the organisation's identity provider. */
  signedIn: boolean;
  online: boolean;
};

export const AUDIT_ACTIONS = ['invitationCreated', 'invitationRevoked', 'joined', 'signedIn', 'roleChanged', 'revoked', 'nameChanged', 'signedOut'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditEntry = {
  id: string;
  at: number;
  actor: string;
  actorName: string;
  action: AuditAction | string;
  subject: string;
  detail: Record<string, unknown>;
};

function malformed(what: string): never {
  throw new ApiError(502, 'bad-response', `The server sent an unexpected ${what} answer.`);
}

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const optStr = (v: unknown): string | null => (str(v) ? v : null);
const optNum = (v: unknown): number | null => (num(v) ? v : null);

function readNamed(v: unknown): { id: string; name: string } | null {
  const o = obj(v);
  return o && str(o.id) && str(o.name) ? { id: o.id, name: o.name } : null;
}

export function readPreview(data: unknown): InvitationPreview | null {
  const d = obj(data);
  const plan = obj(d?.plan);
  if (!d || !plan || !str(plan.room) || !isRole(d.role) || !num(d.expiresAt)) return null;
  const members = Array.isArray(d.members)
    ? d.members.flatMap((m) => {
        const named = readNamed(m);
        return named ? [{ ...named, taken: obj(m)?.taken === true }] : [];
      })
    : [];
  return {
    plan: { room: plan.room, name: str(plan.name) && plan.name ? plan.name : plan.room },
    role: d.role,
    expiresAt: d.expiresAt,
    member: readNamed(d.member),
    members,
    requireSignIn: d.requireSignIn === true
  };
}

function readPersonRef(v: unknown): PersonRef | null {
  const o = obj(v);
  if (!o || !str(o.id) || !str(o.name) || !isRole(o.role)) return null;
  return { id: o.id, name: o.name, role: o.role, memberId: optStr(o.memberId) };
}

export function readAccepted(data: unknown): Accepted | null {
  const d = obj(data);
  const person = readPersonRef(d?.person);
  if (!d || !person || !str(d.token) || !str(d.room) || !num(d.exp)) return null;
  return { token: d.token, person, room: d.room, exp: d.exp };
}

export function readSignedIn(data: unknown): SignedIn | null {
  const accepted = readAccepted(data);
  const d = obj(data);
  if (!accepted || !d) return null;
  const next = str(d.next) && d.next.startsWith('/') && !d.next.startsWith('//') ? d.next : null;
  return { ...accepted, planName: str(d.planName) && d.planName ? d.planName : accepted.room, next };
}

function readInvitation(v: unknown): Invitation | null {
  const o = obj(v);
  if (!o || !str(o.id) || !isRole(o.role) || !num(o.expiresAt)) return null;
  return {
    id: o.id,
    role: o.role,
    expiresAt: o.expiresAt,
    maxUses: optNum(o.maxUses),
    uses: num(o.uses) ? o.uses : 0,
    memberId: optStr(o.memberId),
    label: str(o.label) ? o.label : '',
    requireSignIn: o.requireSignIn === true,
    createdBy: str(o.createdBy) ? o.createdBy : '',
    createdAt: num(o.createdAt) ? o.createdAt : 0,
    revokedAt: optNum(o.revokedAt)
  };
}

function readPerson(v: unknown): Person | null {
  const o = obj(v);
  if (!o || !str(o.id) || !str(o.name) || !isRole(o.role)) return null;
  return {
    id: o.id,
    name: o.name,
    role: o.role,
    memberId: optStr(o.memberId),
    invitationId: optStr(o.invitationId),
    createdAt: num(o.createdAt) ? o.createdAt : 0,
    lastSeenAt: optNum(o.lastSeenAt),
    revoked: o.revoked === true,
    signedIn: o.signedIn === true,
    online: o.online === true
  };
}

function readEntry(v: unknown): AuditEntry | null {
  const o = obj(v);
  if (!o || !(str(o.id) || num(o.id)) || !num(o.at) || !str(o.action)) return null;
  return {
    id: String(o.id),
    at: o.at,
    actor: str(o.actor) ? o.actor : '',
    actorName: str(o.actorName) ? o.actorName : '',
    action: o.action,
    subject: str(o.subject) ? o.subject : '',
    detail: obj(o.detail) ?? {}
  };
}

function list<T>(data: unknown, key: string, read: (v: unknown) => T | null): T[] {
  const items = obj(data)?.[key];
  if (!Array.isArray(items)) malformed(key);
  return items.flatMap((item) => {
    const r = read(item);
    return r ? [r] : [];
  });
}

const code = (c: string) => encodeURIComponent(c);
// The room is one path segment (a retro's slash encoded too), as in plenary.ts's roomPath.
const plan = (room: string) => `/api/plans/${encodeURIComponent(room)}`;

export async function previewInvitation(invitationCode: string): Promise<InvitationPreview> {
  return readPreview(await requestJson('GET', `/api/invitations/${code(invitationCode)}`, null)) ?? malformed('invitation');
}

/** `session`: this browser's live session for the plan, if any, so the server returns the same person. */
export async function acceptInvitation(invitationCode: string, choice: { name?: string; memberId?: string }, session: string | null): Promise<Accepted> {
  return readAccepted(await requestJson('POST', `/api/invitations/${code(invitationCode)}/accept`, session, choice)) ?? malformed('accept');
}

/** The session a finished sign-in left for this browser; read once (the server forgets it). */
export async function takeSignIn(): Promise<SignedIn> {
  return readSignedIn(await requestJson('POST', '/api/oidc/handoff', null)) ?? malformed('sign-in');
}

export async function createInvitation(token: string, room: string, request: NewInvitation): Promise<CreatedInvitation> {
  const d = obj(await requestJson('POST', `${plan(room)}/invitations`, token, request));
  const invitation = readInvitation(d?.invitation);
  if (!d || !invitation || !str(d.code) || !str(d.url)) malformed('new invitation');
  return { invitation, code: d.code, url: d.url };
}

export async function listInvitations(token: string, room: string): Promise<Invitation[]> {
  return list(await requestJson('GET', `${plan(room)}/invitations`, token), 'invitations', readInvitation);
}

export async function revokeInvitation(token: string, room: string, id: string): Promise<void> {
  await requestJson('DELETE', `${plan(room)}/invitations/${encodeURIComponent(id)}`, token);
}

export async function listPeople(token: string, room: string): Promise<Person[]> {
  return list(await requestJson('GET', `${plan(room)}/people`, token), 'people', readPerson);
}

export async function changePerson(token: string, room: string, id: string, change: { role?: Role; name?: string }): Promise<void> {
  await requestJson('PATCH', `${plan(room)}/people/${encodeURIComponent(id)}`, token, change);
}

export async function revokePerson(token: string, room: string, id: string): Promise<void> {
  await requestJson('DELETE', `${plan(room)}/people/${encodeURIComponent(id)}`, token);
}

export async function listAudit(token: string, room: string): Promise<AuditEntry[]> {
  return list(await requestJson('GET', `${plan(room)}/audit`, token), 'entries', readEntry);
}

export type InvitationProblem = 'unknown' | 'expired' | 'usedUp' | 'revoked' | 'signIn' | 'other';

/**
 * Which of the named invitation failures an error is. The server's error names are matched
 * loosely (`expired`, `invitationExpired`, `used-up`, …) so a renamed code still reads right.
 */
export function invitationProblem(err: ApiError): InvitationProblem {
  const c = err.code.toLowerCase().replace(/[^a-z]/g, '');
  if (c.includes('revoked')) return 'revoked';
  if (c.includes('expired')) return 'expired';
  if (c.includes('used') || c.includes('exhausted')) return 'usedUp';
  if (c.includes('signin')) return 'signIn';
  if (err.status === 404) return 'unknown';
  return 'other';
}
