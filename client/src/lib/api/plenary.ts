/**
 * Plenary's HTTP API as typed functions (contract: GET /api/session, POST /api/plans,
 * POST /api/plans/<room>/share). Answers are checked before use: a proxy or an older server may
 * answer with something else, and a wrong shape should fail here, not deep in a component.
 */
import { isRole, type Role } from '$shared/protocol.ts';
import { ApiError, requestJson } from './http.ts';

export type Session = { user: { id: string; name: string }; room: string; role: Role; exp: number };
export type NewPlan = { room: string; token: string; url: string };
export type ShareLink = { token: string; url: string; exp: number };

export const EXPIRY_DAYS = [1, 7, 30, 365] as const;
export type ExpiryDays = (typeof EXPIRY_DAYS)[number];

function malformed(what: string): never {
  throw new ApiError(502, 'bad-response', `The server sent an unexpected ${what} answer.`);
}

export function readSession(data: unknown): Session | null {
  const d = data as Partial<Session> | null;
  const user = d?.user as Partial<Session['user']> | undefined;
  if (!d || !user || typeof user.id !== 'string' || typeof user.name !== 'string') return null;
  if (typeof d.room !== 'string' || !isRole(d.role) || typeof d.exp !== 'number') return null;
  return { user: { id: user.id, name: user.name }, room: d.room, role: d.role, exp: d.exp };
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

export async function createPlan(adminToken: string, name: string, timeZone?: string): Promise<NewPlan> {
  const d = await requestJson<Partial<NewPlan>>('POST', '/api/plans', adminToken, { name, timeZone });
  if (typeof d?.room !== 'string' || typeof d.token !== 'string' || typeof d.url !== 'string') malformed('new plan');
  return { room: d.room, token: d.token, url: d.url };
}

/**
 * Rooms may hold one slash (`plan/retro-1`); the API's route takes the room as one path segment, so
 * the slash is encoded too (`plan%2Fretro-1`) and the server decodes it back.
 */
export function roomPath(room: string): string {
  return encodeURIComponent(room);
}

export async function createShareLink(
  adminToken: string,
  room: string,
  share: { role: Role; expiresInDays: ExpiryDays; name?: string }
): Promise<ShareLink> {
  const d = await requestJson<Partial<ShareLink>>('POST', `/api/plans/${roomPath(room)}/share`, adminToken, share);
  if (typeof d?.token !== 'string' || typeof d.url !== 'string' || typeof d.exp !== 'number') malformed('share');
  return { token: d.token, url: d.url, exp: d.exp };
}
