/**
 * Resolving a personal session to the live person. A token with `sid` is only as good as the
 * registry says: on every upgrade and API call the session and its person are looked up (cached in
 * memory), the registry's role and name replace the token's, and a revoked person, session or
 * expired session is refused. Tokens without `sid` (npm run token, service scripts, tests) pass
 * through unchanged.
 *
 * The cache is dropped per person whenever the registry changes that person, here or on another
 * server (`changed`, fed by the access API and by the fan-out bus), and listeners (the sync server)
 * get the fresh person to apply to live sockets: revoke → close, role change → in place.
 */
import type { AccessStore, Person, Session } from '../persistence/access-store.ts';
import type { Claims } from './token.ts';

/** lastSeenAt is written at most this often per person. */
const TOUCH_EVERY_MS = 60_000;
/**
 * A cached entry is re-read after this long even without a change notice, so a notice lost on the
 * bus delays a refusal at most this much (live sockets are closed by the notice itself).
 */
const CACHE_MS = 10_000;

type Cached = { session: Session; person: Person; at: number };

export type PersonChange = (person: Person) => void;

export class People {
  private readonly cache = new Map<string, Cached>();
  private readonly touched = new Map<string, number>();
  private readonly listeners: PersonChange[] = [];
  private readonly sessionListeners: ((sessionIds: readonly string[]) => void)[] = [];
  /** Tells the other servers that sessions were signed out; set with `publish`. */
  publishSessions: (sessionIds: string[]) => void = () => {};

  constructor(
    readonly store: AccessStore,
    private readonly now: () => number = Date.now,
    /** Tells the other servers (the fan-out bus); set by the server when it has a bus. */
    public publish: (personIds: string[]) => void = () => {}
  ) {}

  /** The claims to act on, 'revoked' (person, or an expired or unknown session), or 'signedOut'. */
  async resolve(claims: Claims, options: { touch?: boolean } = {}): Promise<Claims | 'revoked' | 'signedOut'> {
    if (claims.sid === undefined) return claims;
    let entry = this.cache.get(claims.sid);
    if (entry && this.now() - entry.at > CACHE_MS) entry = undefined;
    if (!entry) {
      const session = await this.store.getSession(claims.sid);
      const person = session && (await this.store.getPerson(session.personId));
      if (!session || !person) return 'revoked';
      entry = { session, person, at: this.now() };
      this.cache.set(claims.sid, entry);
    }
    const { session, person } = entry;
    const now = this.now();
    if (session.personId !== claims.sub || person.revokedAt !== null || session.expiresAt <= now) return 'revoked';
    // The person is fine; this one session was signed out (their other browsers go on).
    if (session.revokedAt !== null) return 'signedOut';
    // The registry's own lastSeenAt counts as the last write, so a connection storm writes nothing.
    if (!this.touched.has(person.id)) this.touched.set(person.id, person.lastSeenAt);
    // Best effort: a missed "last seen" is not worth failing a connection for. The heartbeat's
    // re-check does not touch: the heartbeat writes everyone's last seen in one batch itself.
    if (options.touch !== false) this.seen([person.id], now).catch(() => {});
    return { ...claims, name: person.name, role: person.role };
  }

  /** Whether a token is a live personal session of someone in `plan` (for "same browser, same person"). */
  async livePerson(claims: Claims, plan: string): Promise<Person | null> {
    if (claims.sid === undefined) return null;
    const resolved = await this.resolve(claims);
    if (typeof resolved === 'string') return null;
    const person = this.cache.get(claims.sid)?.person;
    return person && person.plan === plan ? person : null;
  }

  onChange(listener: PersonChange): void {
    this.listeners.push(listener);
  }

  /** Told the session ids that were signed out (here or, over the bus, on another server). */
  onSessionsEnded(listener: (sessionIds: readonly string[]) => void): void {
    this.sessionListeners.push(listener);
  }

  /**
   * Signs one session out: the registry ends it, every server forgets its cached copy and closes its
   * sockets (CLOSE.signedOut). Returns the session, or null when the registry does not know it.
   */
  async signOut(sessionId: string): Promise<Session | null> {
    const session = await this.store.revokeSession(sessionId, this.now());
    if (session) this.sessionsEnded([sessionId]);
    return session;
  }

  /** These sessions ended: forget them, tell the listeners; `local` false when another server said so. */
  sessionsEnded(sessionIds: readonly string[], local = true): void {
    for (const sid of sessionIds) this.cache.delete(sid);
    if (local) this.publishSessions([...sessionIds]);
    for (const l of this.sessionListeners) l(sessionIds);
  }

  /**
   * The registry changed these people: forget them, re-read them, tell the listeners. `local` is
   * false for changes another server announced (not announced again).
   */
  async changed(personIds: readonly string[], local = true): Promise<void> {
    if (personIds.length === 0) return;
    const ids = new Set(personIds);
    for (const [sid, entry] of this.cache) if (ids.has(entry.person.id)) this.cache.delete(sid);
    if (local) this.publish([...ids]);
    for (const id of ids) {
      const person = await this.store.getPerson(id);
      if (person) for (const l of this.listeners) l(person);
    }
  }

  /**
   * These people were seen at `now` (the heartbeat, for everyone connected): one batched write of
   * those not written within `everyMs`. `everyMs` 0 writes them all (a last socket just closed).
   */
  async seen(personIds: readonly string[], now: number, everyMs = TOUCH_EVERY_MS): Promise<void> {
    const due = personIds.filter((id) => now - (this.touched.get(id) ?? -Infinity) >= everyMs);
    if (due.length === 0) return;
    for (const id of due) this.touched.set(id, now);
    await this.store.touchPeople(due, now);
  }

  /** Forgets write times older than `olderThanMs` (the heartbeat calls it), so the map stays small. */
  forgetSeen(now: number, olderThanMs = 10 * TOUCH_EVERY_MS): void {
    for (const [id, at] of this.touched) if (now - at > olderThanMs) this.touched.delete(id);
  }
}
