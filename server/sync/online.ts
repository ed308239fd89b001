/**
 * Who is online, on any server, and when people were last seen (issue 11).
 *
 * The rules, kept simple:
 * 1. A person is online while one of their personal sessions has a sync socket on some server.
 * 2. Each server knows its own sockets. It tells the others on the bus's access channel which
 *    people it holds: on every heartbeat (the whole list), and within `CHANGE_MS` of a person's
 *    first socket opening or last socket closing there. A list replaces that server's last one.
 * 3. A server that stopped saying anything (crashed, cut off) is forgotten after `staleBeats`
 *    heartbeats; one that shuts down cleanly says "nobody" first.
 * 4. lastSeenAt is written on the heartbeat for everyone connected here, at most once per
 *    `lastSeenEveryMs` per person, in one batched store write; and when a person's last socket
 *    here closes (the moment they were last seen).
 *
 * Without a bus there is one server and rule 2 has nobody to tell.
 */
import type { People } from '../auth/people.ts';
import type { AccessMessage, FanoutBus } from '../fanout/bus.ts';
import type { Logger } from '../observability/logger.ts';
import type { Connection } from './connection.ts';

/** A person's first socket or last socket here is announced this soon (changes coalesce). */
const CHANGE_MS = 200;

export type OnlineOptions = {
  people: People;
  connections: Set<Connection>;
  log: Logger;
  bus?: FanoutBus;
  serverId: string;
  heartbeatMs: number;
  /** lastSeenAt is written at most this often per person. */
  lastSeenEveryMs: number;
  /** A server's list is forgotten after this many heartbeats without a new one. */
  staleBeats?: number;
  now?: () => number;
};

export class Online {
  /** Other servers' lists: server id → people and when the list came. */
  private readonly remote = new Map<string, { people: Set<string>; at: number }>();
  private lastLocal = new Set<string>();
  private changeTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: OnlineOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** People with a personal socket on this server. */
  local(): Set<string> {
    const ids = new Set<string>();
    for (const c of this.opts.connections) if (c.personal) ids.add(c.author);
    return ids;
  }

  /** Rule 1: connected here, or on a server that said so recently. */
  has(personId: string): boolean {
    for (const c of this.opts.connections) if (c.personal && c.author === personId) return true;
    const fresh = this.now() - this.opts.heartbeatMs * (this.opts.staleBeats ?? 3);
    for (const [server, list] of this.remote) {
      if (list.at < fresh) this.remote.delete(server);
      else if (list.people.has(personId)) return true;
    }
    return false;
  }

  /** Another server's list (rule 2); an empty one means it holds nobody (or is shutting down). */
  heard(message: AccessMessage): void {
    if (!message.online) return;
    if (message.online.length === 0) this.remote.delete(message.server);
    else this.remote.set(message.server, { people: new Set(message.online), at: this.now() });
  }

  /** The heartbeat (rules 2 and 4): announce everyone here, touch their lastSeenAt. */
  beat(): Promise<void> {
    return this.stopped ? Promise.resolve() : this.refresh(true);
  }

  /** A socket opened or closed here: announce soon if the set of people changed. */
  changed(): void {
    if (this.changeTimer || this.stopped) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.refresh(false).catch((err) => this.opts.log.warn({ err }, 'last seen not recorded'));
    }, CHANGE_MS);
    this.changeTimer.unref?.();
  }

  /**
   * One place that compares who is here with who was: a heartbeat always announces, a change only
   * when the set differs; whoever left since the last look is touched at once (rule 4).
   */
  private async refresh(heartbeat: boolean): Promise<void> {
    const here = this.local();
    const left = [...this.lastLocal].filter((id) => !here.has(id));
    const differs = left.length > 0 || [...here].some((id) => !this.lastLocal.has(id));
    this.lastLocal = here;
    if (heartbeat || differs) this.publish([...here]);
    const now = this.now();
    if (left.length) await this.opts.people.seen(left, now, 0);
    if (!heartbeat) return;
    await this.opts.people.seen([...here], now, this.opts.lastSeenEveryMs);
    this.opts.people.forgetSeen(now, Math.max(10 * this.opts.lastSeenEveryMs, 10 * this.opts.heartbeatMs));
  }

  private publish(online: string[]): void {
    const { bus, serverId, log } = this.opts;
    bus?.publishAccess({ server: serverId, personIds: [], online }).catch((err) => log.warn({ err }, 'online list not published'));
  }

  /** Shutting down: nobody is here any more (rule 3), said before the sockets close. */
  stop(): void {
    this.stopped = true;
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = null;
    this.publish([]);
  }
}
