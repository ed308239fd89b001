/**
 * Access changes on live sockets (issue 11). When the registry changes a person (here, or on another
 * server and announced over the bus), every socket of that person's personal sessions on this server
 * follows within the same turn: revoked → closed with CLOSE.revoked (4434, "do not reconnect");
 * role or name changed → changed in place (the room judges the next frame by the new role), and a
 * Plenary client is told with a private message `{ type: 'access', role, name }` on extension
 * `access` so its UI follows. A session its person signed out closes with CLOSE.signedOut (4435).
 */
import { encodePrivate } from '../../shared/protocol.ts';
import type { People } from '../auth/people.ts';
import type { AccessMessage, FanoutBus } from '../fanout/bus.ts';
import type { Logger } from '../observability/logger.ts';
import type { Person } from '../persistence/access-store.ts';
import type { Connection } from './connection.ts';
import type { Online } from './online.ts';

export const ACCESS_EXTENSION = 'access';

export function applyPerson(connections: Iterable<Connection>, person: Person): void {
  for (const conn of [...connections]) {
    if (conn.claims.sid === undefined || conn.author !== person.id) continue;
    if (person.revokedAt !== null) conn.close('revoked');
    else follow(conn, person.role, person.name);
  }
}

/** A live socket takes a new role or name in place; a Plenary client is told so its UI follows. */
function follow(conn: Connection, role: Person['role'], name: string): void {
  if (conn.role === role && conn.name === name) return;
  conn.setAccess(role, name);
  if (conn.wantsAck) conn.send(encodePrivate(ACCESS_EXTENSION, { type: 'access', role, name }));
}

/**
 * The safety net under the change notices, run on every heartbeat: each personal socket's session
 * is resolved again (through the registry cache, which re-reads the store at most every 10 s). A
 * notice lost on the bus (Redis down for a moment, a server that was cut off) then delays a
 * revocation, sign-out or role change by at most a heartbeat plus the cache time, never for as
 * long as the socket lives.
 */
export async function recheckAccess(connections: Iterable<Connection>, people: People): Promise<void> {
  const bySession = new Map<string, Connection[]>();
  for (const conn of connections) {
    const sid = conn.claims.sid;
    if (sid === undefined) continue;
    bySession.set(sid, [...(bySession.get(sid) ?? []), conn]);
  }
  await Promise.all(
    [...bySession.values()].map(async (conns) => {
      const now = await people.resolve(conns[0].claims, { touch: false });
      for (const conn of conns) {
        if (now === 'revoked' || now === 'signedOut') conn.close(now);
        else follow(conn, now.role, now.name);
      }
    })
  );
}

/** Signed-out sessions: their sockets here close with CLOSE.signedOut (4435, do not reconnect). */
export function endSessions(connections: Iterable<Connection>, sessionIds: readonly string[]): void {
  const ended = new Set(sessionIds);
  for (const conn of [...connections]) if (conn.claims.sid !== undefined && ended.has(conn.claims.sid)) conn.close('signedOut');
}

/**
 * Wires the registry's change notices to this server's sockets and to the other servers, and the
 * other servers' online lists to `online` (server/sync/online.ts).
 */
export async function liveAccess(people: People, connections: Set<Connection>, log: Logger, bus?: FanoutBus, serverId = 'local', online?: Online): Promise<void> {
  people.onChange((person) => applyPerson(connections, person));
  people.onSessionsEnded((sessionIds) => endSessions(connections, sessionIds));
  if (!bus) return;
  const publish = (m: AccessMessage) => bus.publishAccess(m).catch((err) => log.warn({ err }, 'access notice not published'));
  people.publish = (personIds) => void publish({ server: serverId, personIds });
  people.publishSessions = (sessions) => void publish({ server: serverId, personIds: [], sessions });
  await bus.onAccess(serverId, (m: AccessMessage) => {
    online?.heard(m);
    if (m.sessions?.length) people.sessionsEnded(m.sessions, false);
    if (m.personIds.length === 0) return;
    people.changed(m.personIds, false).catch((err) => log.error({ err }, 'applying an access notice failed'));
  });
}
