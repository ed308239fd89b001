/**
 * Redis pub/sub bus (ioredis): one channel per room, binary messages, one publish per committed
 * batch per room. Redis trouble never stalls a room and never stops the server:
 *
 * - Opening does not wait for Redis: a server started while Redis is down serves its own clients
 *   at once and joins the bus when Redis comes (ioredis reconnects with a capped backoff).
 * - Publishing is fire-and-forget after the local commit (the store is the source of truth); a
 *   publish lost while Redis is away shows up as a sequence gap at the receivers.
 * - The channels this server wants are kept here, not in ioredis: a subscribe that fails (Redis
 *   down) is not an error for the room, and every time the subscriber connection becomes ready
 *   all wanted channels are subscribed again (ioredis's own resubscribe is off: it forgets
 *   channels whose SUBSCRIBE never reached Redis).
 * - Each time both connections are ready again after being down (or for the first time, if rooms
 *   were opened before Redis came), the gap handlers run: every resident room repairs from the
 *   store and announces its sequence, so the other servers repair too.
 */
import { Redis } from 'ioredis';
import { decodeAccessMessage, decodeBusMessage, encodeAccessMessage, encodeBusMessage, type AccessMessage, type BusMessage, type BusStatus, type FanoutBus } from './bus.ts';

/** Reconnect backoff: 100 ms doubling to 2 s, with jitter so servers do not arrive in step. */
const retryStrategy = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000) * (0.75 + Math.random() * 0.5);

/** The longest a starting server waits for its first connection to Redis (a black-holed host). */
const FIRST_CONNECT_MS = 2_000;

export async function openRedisBus(url: string, prefix = 'plenary:room:'): Promise<FanoutBus> {
  // No offline queue on the publisher: a publish while Redis is away fails at once (a gap, repaired)
  // instead of piling up. The subscriber's commands are issued only when it is ready.
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, autoResubscribe: false, retryStrategy });
  const handlers = new Map<string, Set<(channelMessage: BusMessage) => void>>();
  const gapHandlers: (() => void)[] = [];
  const statusHandlers: ((status: BusStatus) => void)[] = [];
  // Room names never contain ':', so this channel cannot be a room's.
  const accessChannel = `${prefix}:access`;
  const accessHandlers: ((m: AccessMessage) => void)[] = [];
  let up = false;
  let everDown = false;
  let closed = false;
  /** Bumped on every subscriber (re)connection, so a stale resubscribe pass gives up. */
  let generation = 0;

  const wanted = (): string[] => [...handlers.keys(), ...(accessHandlers.length ? [accessChannel] : [])];
  const setUp = (next: boolean) => {
    if (next === up) return;
    up = next;
    if (!next) everDown = true;
    statusHandlers.forEach((h) => h({ up, reconnected: next && everDown }));
    if (next) gapHandlers.forEach((h) => h());
  };
  const checkUp = async () => {
    if (closed || pub.status !== 'ready' || sub.status !== 'ready') return;
    const mine = ++generation;
    const channels = wanted();
    try {
      if (channels.length) await sub.subscribe(...channels);
    } catch {
      return; // the connection dropped again; the next 'ready' retries
    }
    if (mine === generation && pub.status === 'ready' && sub.status === 'ready') setUp(true);
  };
  const down = () => {
    generation++;
    if (closed) return;
    setUp(false);
  };

  // Listeners before the first connect, so the first (re)connection is seen like every later one.
  for (const conn of [pub, sub]) {
    conn.on('ready', () => void checkUp());
    conn.on('close', down);
    conn.on('error', () => {}); // reported through the status (plenary_bus_up), not as a crash
  }
  sub.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
    if (channel.toString('utf8') === accessChannel) {
      const m = decodeAccessMessage(payload.toString('utf8'));
      if (m) accessHandlers.forEach((h) => h(m));
      return;
    }
    const set = handlers.get(channel.toString('utf8'));
    const message = set && decodeBusMessage(payload);
    if (message) set.forEach((h) => h(message));
  });
  // A server whose Redis is down starts anyway: connect() settles on the first attempt (ready, or
  // refused while ioredis goes on retrying in the background). Waiting for that first outcome, never
  // longer than FIRST_CONNECT_MS, means a normal start has its bus before it serves anyone.
  const first = Promise.allSettled([pub.connect(), sub.connect()]);
  let bounded: NodeJS.Timeout | undefined;
  await Promise.race([first, new Promise((r) => (bounded = setTimeout(r, FIRST_CONNECT_MS)))]);
  clearTimeout(bounded);
  if (!up && pub.status === 'ready' && sub.status === 'ready') await checkUp();

  /** Subscribes now if connected; otherwise the channel is subscribed at the next 'ready'. */
  const trySubscribe = async (channel: string) => {
    if (sub.status !== 'ready') return;
    await sub.subscribe(channel).catch(() => {});
  };

  return {
    name: 'redis',
    get up() {
      return up;
    },
    async publish(room, message) {
      try {
        await pub.publish(prefix + room, encodeBusMessage(message));
      } catch {
        // A lost publish shows up as a sequence gap at the receivers, which repair from the store.
      }
    },
    async subscribe(room, self, handler) {
      const channel = prefix + room;
      const wrapped = (m: BusMessage) => m.server !== self && handler(m);
      let set = handlers.get(channel);
      const fresh = !set;
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(wrapped);
      if (fresh) await trySubscribe(channel);
      return async () => {
        set!.delete(wrapped);
        if (set!.size === 0 && handlers.get(channel) === set) {
          handlers.delete(channel);
          if (sub.status === 'ready') await sub.unsubscribe(channel).catch(() => {});
        }
      };
    },
    onGap(handler) {
      gapHandlers.push(handler);
    },
    onStatus(handler) {
      statusHandlers.push(handler);
    },
    async publishAccess(message) {
      try {
        await pub.publish(accessChannel, encodeAccessMessage(message));
      } catch {
        // Lost: the other servers refuse the person once their cache entry expires (seconds);
        // their live sockets stay open until the person's next change notice or reconnect.
      }
    },
    async onAccess(self, handler) {
      const first = accessHandlers.length === 0;
      accessHandlers.push((m) => m.server !== self && handler(m));
      if (first) await trySubscribe(accessChannel);
    },
    async close() {
      closed = true;
      handlers.clear();
      pub.disconnect();
      sub.disconnect();
    }
  };
}
