/**
 * A stand-in for y-indexeddb in Node (IndexedDB does not exist there), keeping exactly what
 * y-indexeddb 9 keeps and giving it back the way y-indexeddb does:
 *
 * - when it opens on a doc it first stores the doc's current state, then keeps every update the
 *   doc emits whose origin is not the store itself: local edits AND everything the provider
 *   received from the server;
 * - on a "reload" (a new Y.Doc for the same room) it applies everything it kept in ONE transaction
 *   whose origin is the store, so a WebsocketProvider on that doc sees a non-provider origin and
 *   sends the resulting update to the server as an ordinary sync update.
 *
 * `RestoreWhen` picks the moment relative to the provider, because in a browser the IndexedDB read
 * races the WebSocket handshake: before the socket opens, the moment it opens (before the server's
 * sync step 2 arrived), or after the provider synced.
 */
import * as Y from 'yjs';
import type { TestClient } from './clients.ts';

export type RestoreWhen = 'before-connect' | 'on-open' | 'after-sync';

export class LocalStore {
  private updates: Uint8Array[] = [];
  private detach: (() => void) | null = null;

  /**
   * Starts keeping `doc`'s updates (and stops keeping the previous doc's). Like y-indexeddb, from
   * the moment the doc is opened, so edits made before the stored state is read are kept too.
   */
  open(doc: Y.Doc): void {
    this.close();
    this.updates.push(Y.encodeStateAsUpdate(doc));
    const keep = (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.updates.push(update);
    };
    doc.on('update', keep);
    this.detach = () => doc.off('update', keep);
  }

  close(): void {
    this.detach?.();
    this.detach = null;
  }

  /** Everything kept, as one update (what a replica built from this store alone would hold). */
  state(): Uint8Array {
    // Like y-indexeddb's trim: the kept updates become one, so the list does not grow without bound.
    if (this.updates.length > 1) this.updates = [Y.mergeUpdates(this.updates)];
    return this.updates[0] ?? Y.mergeUpdates([]);
  }

  /** Applies `state` to `doc` in one transaction with the store as origin (y-indexeddb's fetchUpdates). */
  restore(doc: Y.Doc, state: Uint8Array): void {
    Y.transact(doc, () => Y.applyUpdate(doc, state), this, false);
  }

  /** A reload without a connection: the new doc is kept from now on and gets what was kept before. */
  load(doc: Y.Doc): void {
    const saved = this.state();
    this.open(doc);
    this.restore(doc, saved);
  }
}

/**
 * Wires `store` to a client made with `connectClient(…, { connect: false })` and connects it: the
 * store keeps the new doc from the start, and what it kept before is applied at the chosen moment.
 * Resolves once it has been applied.
 */
export function connectWithStore(client: TestClient, store: LocalStore, when: RestoreWhen): Promise<void> {
  const doc = client.doc;
  const provider = client.provider;
  const saved = store.state();
  store.open(doc);
  const restored = new Promise<void>((resolve) => {
    const apply = () => {
      store.restore(doc, saved);
      resolve();
    };
    if (when === 'before-connect') apply();
    else if (when === 'on-open') {
      const onStatus = ({ status }: { status: string }) => {
        if (status !== 'connected') return;
        provider.off('status', onStatus);
        apply();
      };
      provider.on('status', onStatus);
    } else {
      const onSync = (synced: boolean) => {
        if (!synced) return;
        provider.off('sync', onSync);
        apply();
      };
      provider.on('sync', onSync);
    }
  });
  provider.connect();
  return restored;
}
