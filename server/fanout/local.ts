/** An in-process bus: several servers in one process (tests) share one instance. */
import { EventEmitter } from 'node:events';
import type { BusMessage, FanoutBus } from './bus.ts';

export function createLocalBus(): FanoutBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    name: 'local',
    async publish(room, message) {
      // Asynchronous like a real bus, so no test accidentally relies on synchronous delivery.
      const copy = { ...message, update: message.update.slice() };
      setImmediate(() => emitter.emit(room, copy));
    },
    async subscribe(room, self, handler) {
      const listener = (m: BusMessage) => m.server !== self && handler(m);
      emitter.on(room, listener);
      return async () => void emitter.off(room, listener);
    },
    onGap() {},
    async close() {
      emitter.removeAllListeners();
    }
  };
}
