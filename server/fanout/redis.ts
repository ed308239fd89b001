/**
 * Redis pub/sub bus (ioredis): one channel per room, binary messages, one publish per committed
 * batch per room. Redis trouble never stalls a room: publishing is fire-and-forget after the local
 * commit (the store is the source of truth), and after a reconnect every subscriber is told to
 * repair from the store.
 */
import { Redis } from 'ioredis';
import { decodeAccessMessage, decodeBusMessage, encodeAccessMessage, encodeBusMessage, type AccessMessage, type BusMessage, type FanoutBus } from './bus.ts';

export async function openRedisBus(url: string, prefix = 'plenary:room:'): Promise<FanoutBus> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await Promise.all([pub.connect(), sub.connect()]);
  const handlers = new Map<string, Set<(channelMessage: BusMessage) => void>>();
  const gapHandlers: (() => void)[] = [];
  // Room names never contain ':', so this channel cannot be a room's.
  const accessChannel = `${prefix}:access`;
  const accessHandlers: ((m: AccessMessage) => void)[] = [];
  let connectedOnce = false;
  sub.on('ready', () => {
    if (connectedOnce) gapHandlers.forEach((h) => h());
    connectedOnce = true;
  });
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
  pub.on('error', () => {});
  sub.on('error', () => {});
  return {
    name: 'redis',
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
      if (!set) {
        handlers.set(channel, (set = new Set()));
        await sub.subscribe(channel);
      }
      set.add(wrapped);
      return async () => {
        set!.delete(wrapped);
        if (set!.size === 0) {
          handlers.delete(channel);
          await sub.unsubscribe(channel).catch(() => {});
        }
      };
    },
    onGap(handler) {
      gapHandlers.push(handler);
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
      if (accessHandlers.length === 0) await sub.subscribe(accessChannel);
      accessHandlers.push((m) => m.server !== self && handler(m));
    },
    async close() {
      handlers.clear();
      pub.disconnect();
      sub.disconnect();
    }
  };
}
