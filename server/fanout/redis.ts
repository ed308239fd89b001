/**
 * Redis pub/sub bus (ioredis): one channel per room, binary messages, one publish per committed
 * batch per room. Redis trouble never stalls a room: publishing is fire-and-forget after the local
 * commit (the store is the source of truth), and after a reconnect every subscriber is told to
 * repair from the store.
 */
import { Redis } from 'ioredis';
import { decodeBusMessage, encodeBusMessage, type BusMessage, type FanoutBus } from './bus.ts';

export async function openRedisBus(url: string, prefix = 'plenary:room:'): Promise<FanoutBus> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await Promise.all([pub.connect(), sub.connect()]);
  const handlers = new Map<string, Set<(channelMessage: BusMessage) => void>>();
  const gapHandlers: (() => void)[] = [];
  let connectedOnce = false;
  sub.on('ready', () => {
    if (connectedOnce) gapHandlers.forEach((h) => h());
    connectedOnce = true;
  });
  sub.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
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
    async close() {
      handlers.clear();
      pub.disconnect();
      sub.disconnect();
    }
  };
}
