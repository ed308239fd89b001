/**
 * People and access over the real HTTP API: mint an invitation, accept it as a person, change a
 * person, list them. Verbs, like the other helpers; every call checks its status so a test fails
 * where it broke. Every verb takes (base, room, adminToken, ...), in that order.
 */
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import { MESSAGE_ACK, MESSAGE_PRIVATE, readPrivateBody, type Role } from '../../shared/protocol.ts';

export type Joined = { token: string; person: { id: string; name: string; role: Role; memberId: string | null }; room: string; exp: number };
export type Minted = { code: string; url: string; exp: number; invitation: { id: string; role: Role; expiresAt: number; sessionUntil: number | null; scope: string } };

export async function api(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function expectOk(p: Promise<{ status: number; json: any }>, what: string, status = 200): Promise<any> {
  const r = await p;
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

export function invite(base: string, room: string, adminToken: string, body: { role: Role; expiresInDays?: number; maxUses?: number; memberId?: string; label?: string; requireSignIn?: boolean }): Promise<Minted> {
  return expectOk(api(base, 'POST', `/api/plans/${room}/invitations`, adminToken, body), 'invite', 201);
}

export function accept(base: string, code: string, name: string, session?: string): Promise<Joined> {
  return expectOk(api(base, 'POST', `/api/invitations/${code}/accept`, session ?? null, { name }), 'accept');
}

/** Several people joining on one group link (one invitation, one accept each), in order. */
export async function peopleOnOneLink(base: string, room: string, adminToken: string, role: Role, names: string[]): Promise<{ code: string; people: Joined[] }> {
  const { code } = await invite(base, room, adminToken, { role });
  const people: Joined[] = [];
  for (const name of names) people.push(await accept(base, code, name));
  return { code, people };
}

export function setRole(base: string, room: string, adminToken: string, personId: string, role: Role): Promise<unknown> {
  return expectOk(api(base, 'PATCH', `/api/plans/${room}/people/${personId}`, adminToken, { role }), 'set role');
}

export function revokeInvitation(base: string, room: string, adminToken: string, invitationId: string): Promise<unknown> {
  return expectOk(api(base, 'DELETE', `/api/plans/${room}/invitations/${invitationId}`, adminToken), 'revoke invitation');
}

export type ListedPerson = { id: string; name: string; role: Role; online: boolean; revoked: boolean };

export async function listPeople(base: string, room: string, adminToken: string): Promise<ListedPerson[]> {
  return (await expectOk(api(base, 'GET', `/api/plans/${room}/people`, adminToken), 'list people')).people;
}

export function revokePerson(base: string, room: string, adminToken: string, personId: string): Promise<unknown> {
  return expectOk(api(base, 'DELETE', `/api/plans/${room}/people/${personId}`, adminToken), 'revoke');
}

/** The HTTP status of a WebSocket upgrade (101 when it opened; the socket is closed at once). */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error('no answer to the upgrade')), 5000);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('open', () => {
      clearTimeout(timer);
      ws.close();
      resolve(101);
    });
    ws.on('error', () => {});
  });
}

/**
 * A stock client that opted into Plenary's own messages (ack=1) and records its private messages
 * by extension; acks are swallowed.
 */
export function withInbox<T extends { provider: { messageHandlers: unknown[] } }>(client: T): T & { inbox: { extension: string; payload: any }[] } {
  const inbox: { extension: string; payload: any }[] = [];
  client.provider.messageHandlers[MESSAGE_ACK] = () => {};
  client.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => {
    const body = readPrivateBody(d);
    if (body) inbox.push(body);
  };
  return Object.assign(client, { inbox });
}
