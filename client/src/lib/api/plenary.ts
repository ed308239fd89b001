/**
 * Plenary's HTTP API as typed functions (contract: GET /api/session, POST /api/session/sign-out,
 * POST /api/plans; people and
 * access are in access.ts). Answers are checked before use: a proxy or an older server may
 * answer with something else, and a wrong shape should fail here, not deep in a component.
 */
import { isRole, type Role } from '$shared/protocol.ts';
import { readAccepted, type PersonRef } from './access.ts';
import { ApiError, requestJson } from './http.ts';

/** `personal`: a session from an invitation (the server binds name and presence to it). */
export type Session = { user: { id: string; name: string }; room: string; role: Role; exp: number; personal?: boolean };
/** `person` and `exp`: the creator's personal admin session, when the server makes one. */
export type NewPlan = { room: string; token: string; url: string; person?: PersonRef; exp?: number };

function malformed(what: string): never {
  throw new ApiError(502, 'bad-response', `The server sent an unexpected ${what} answer.`);
}

export function readSession(data: unknown): Session | null {
  const d = data as Partial<Session> | null;
  const user = d?.user as Partial<Session['user']> | undefined;
  if (!d || !user || typeof user.id !== 'string' || typeof user.name !== 'string') return null;
  if (typeof d.room !== 'string' || !isRole(d.role) || typeof d.exp !== 'number') return null;
  return { user: { id: user.id, name: user.name }, room: d.room, role: d.role, exp: d.exp, ...(d.personal === true ? { personal: true } : {}) };
}

/**
 * Who a token says we are. `room` is sent so a server that checks it can answer 403/404 for a
 * wrong or unknown room (the reasons a socket upgrade is refused, which a browser cannot read);
 * a server that ignores it answers for the token alone.
 */
export async function fetchSession(token: string, room?: string): Promise<Session> {
  const query = room ? `?room=${encodeURIComponent(room)}` : '';
  return readSession(await requestJson('GET', `/api/session${query}`, token)) ?? malformed('session');
}

/** Ends this browser's personal session on the server (its token stops working at once). */
export async function signOut(token: string): Promise<void> {
  await requestJson('POST', '/api/session/sign-out', token);
}

export async function createPlan(adminToken: string, name: string, timeZone?: string): Promise<NewPlan> {
  const d = await requestJson<Record<string, unknown>>('POST', '/api/plans', adminToken, { name, timeZone });
  if (typeof d?.room !== 'string' || typeof d.token !== 'string' || typeof d.url !== 'string') malformed('new plan');
  const personal = readAccepted({ ...d, exp: d.exp });
  return { room: d.room, token: d.token, url: d.url, ...(personal ? { person: personal.person, exp: personal.exp } : {}) };
}

/**
 * Rooms may hold one slash (`plan/retro-1`); the API's route takes the room as one path segment, so
 * the slash is encoded too (`plan%2Fretro-1`) and the server decodes it back.
 */
export function roomPath(room: string): string {
  return encodeURIComponent(room);
}
