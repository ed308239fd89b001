/** An in-process bus: several servers in one process (tests) share one instance. */
import { EventEmitter } from 'node:events';
import type { AccessMessage, BusMessage, FanoutBus } from './bus.ts';

/** Not a room name (rooms never start with a NUL), so it cannot collide with a room's event. */
const ACCESS = '\u0000access';

export function createLocalBus(): FanoutBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    name: 'local',
    up: true,
    async publish(room, message) {
      // Asynchronous like a real bus, so no test accidentally relies on synchronous delivery.
      const copy = { ...message, update: message.update.slice(), ...(message.awareness ? { awareness: message.awareness.slice() } : {}), ...(message.notice ? { notice: structuredClone(message.notice) } : {}) };
      setImmediate(() => emitter.emit(room, copy));
    },
    async subscribe(room, self, handler) {
      const listener = (m: BusMessage) => m.server !== self && handler(m);
      emitter.on(room, listener);
      return async () => void emitter.off(room, listener);
    },
    onGap() {},
    onStatus() {},
    async publishAccess(message) {
      const copy = structuredClone(message);
      setImmediate(() => emitter.emit(ACCESS, copy));
    },
    async onAccess(self, handler) {
      emitter.on(ACCESS, (m: AccessMessage) => m.server !== self && handler(m));
    },
    async close() {
      emitter.removeAllListeners();
    }
  };
}
