/**
 * Opens one room: a Y.Doc, its IndexedDB copy, and a stock y-websocket provider. Plain TypeScript
 * with no runes, so the wiring can be read (and reused by tests) without Svelte.
 *
 * The IndexedDB copy is what makes offline work: edits made without a connection are stored
 * locally at once, survive a reload, and merge into the server's document through the ordinary
 * sync handshake when the socket opens again.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { PARAM_ACK, PARAM_TOKEN, SYNC_PATH } from '$shared/protocol.ts';

export type Room = {
  room: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  persistence: IndexeddbPersistence;
  /** True for transactions that came from the server, another tab, or the local store. */
  isRemote(origin: unknown): boolean;
  destroy(): void;
};

/** `ws://host/sync` or `wss://host/sync`, following the page's own scheme and host. */
export function syncUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SYNC_PATH}`;
}

export function openRoom(room: string, token: string, base = syncUrl(window.location)): Room {
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(`plenary:${room}`, doc);
  const provider = new WebsocketProvider(base, room, doc, {
    params: { [PARAM_TOKEN]: token, [PARAM_ACK]: '1' }
  });
  return {
    room,
    doc,
    provider,
    persistence,
    isRemote: (origin) => origin === provider || origin === persistence,
    destroy() {
      provider.destroy();
      // The provider does not own its awareness, whose renewal interval would outlive the page.
      provider.awareness.destroy();
      void persistence.destroy();
      doc.destroy();
    }
  };
}
