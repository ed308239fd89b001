/**
 * Private messages (type 101) over the app's WebsocketProvider: a channel per server extension.
 * The server sends them only because the app connects with `ack=1`, and only to the connection
 * they concern, so what arrives here (a poker vote of one's own) was never seen by anyone else.
 *
 * One handler per provider dispatches by extension name; any number of channels may listen.
 * Plain TypeScript (no runes), usable from components and tests alike.
 */
import type { WebsocketProvider } from 'y-websocket';
import { encodePrivate, MESSAGE_PRIVATE, readPrivateBody } from '$shared/protocol.ts';

type Listener = (payload: unknown) => void;

const routes = new WeakMap<WebsocketProvider, Map<string, Set<Listener>>>();

function routesOf(provider: WebsocketProvider): Map<string, Set<Listener>> {
  let byName = routes.get(provider);
  if (byName) return byName;
  byName = new Map();
  routes.set(provider, byName);
  const table = byName;
  // Signature as y-websocket's own handlers: (encoder, decoder, provider, emitSynced, type).
  provider.messageHandlers[MESSAGE_PRIVATE] = (_encoder, decoder) => {
    const body = readPrivateBody(decoder);
    if (!body) return;
    for (const listener of table.get(body.extension) ?? []) {
      try {
        listener(body.payload);
      } catch (err) {
        console.error(`private message handler for "${body.extension}" failed`, err);
      }
    }
  };
  return byName;
}

export type PrivateChannel = {
  readonly extension: string;
  /** Sends now; false when the socket is not open (nothing is queued: the caller decides). */
  send(payload: object): boolean;
  /**
   * Sends with a fresh `req` id and resolves with the reply carrying it (an `{ error }` reply
   * included); rejects when the socket is not open or after `timeoutMs` without an answer.
   */
  request<T = Record<string, unknown>>(payload: object, timeoutMs?: number): Promise<T>;
  /** Every message from the extension; returns the unsubscribe function. */
  listen(listener: Listener): () => void;
};

let counter = 0;

export class NotConnectedError extends Error {
  constructor() {
    super('not connected to the server');
    this.name = 'NotConnectedError';
  }
}

export function privateChannel(provider: WebsocketProvider, extension: string): PrivateChannel {
  const table = routesOf(provider);
  const listen = (listener: Listener) => {
    let set = table.get(extension);
    if (!set) table.set(extension, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  };
  const send = (payload: object) => {
    const ws = provider.ws;
    if (!ws || ws.readyState !== 1 /* OPEN */) return false;
    ws.send(encodePrivate(extension, payload) as Uint8Array<ArrayBuffer>);
    return true;
  };
  return {
    extension,
    send,
    listen,
    request<T>(payload: object, timeoutMs = 10_000) {
      const req = `r${++counter}-${Math.random().toString(36).slice(2, 8)}`;
      return new Promise<T>((resolve, reject) => {
        const stop = listen((reply) => {
          if (reply === null || typeof reply !== 'object' || (reply as { req?: unknown }).req !== req) return;
          done();
          resolve(reply as T);
        });
        const timer = setTimeout(() => {
          done();
          reject(new Error('the server did not answer'));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          stop();
        };
        if (!send({ ...payload, req })) {
          done();
          reject(new NotConnectedError());
        }
      });
    }
  };
}
