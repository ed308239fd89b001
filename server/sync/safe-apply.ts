/**
 * Applying a client's update without ever leaving a document half-changed.
 *
 * `Y.decodeUpdate` accepts some updates that `Y.applyUpdate` then throws on part-way (a torn
 * update, a zero-length delete range), after it has already integrated some structs. Yjs has no
 * rollback, so the update is first applied to a shadow replica; only if that succeeds does it touch
 * the real document. A failure costs one rebuild of the shadow from the real document, which is
 * still clean. The price is a second copy of each resident document that takes writes, built
 * lazily: a second after the room loads, or at the first write if that comes sooner.
 */
import * as Y from 'yjs';

export class Shadowed {
  private shadow: Y.Doc | null = null;
  /**
   * Until the shadow is built: the updates it will be built from (the stored parts, then every
   * change that followed). A room that only serves readers never builds it, and a cold load
   * answers its first joins without paying for a second copy.
   */
  private parts: Uint8Array[] | null;

  /**
   * `parts`: the updates `doc` was built from, if known (a room just loaded from its checkpoint and
   * log): the shadow is built from them directly instead of re-encoding the whole document.
   */
  constructor(private readonly doc: Y.Doc, parts?: readonly Uint8Array[]) {
    this.parts = parts ? [...parts] : null;
  }

  /** Builds the shadow now (called off the join path, or by the first write). */
  warm(): Y.Doc {
    if (!this.shadow) {
      this.shadow = this.parts ? fromParts(this.doc, this.parts) : clone(this.doc);
      this.parts = null;
    }
    return this.shadow;
  }

  /** Applies to the real doc only if the shadow took it; false (nothing changed) otherwise. */
  apply(update: Uint8Array, origin: unknown): boolean {
    try {
      Y.applyUpdate(this.warm(), update);
    } catch {
      this.shadow?.destroy();
      this.shadow = clone(this.doc);
      return false;
    }
    Y.applyUpdate(this.doc, update, origin);
    return true;
  }

  /** Keeps the shadow in step with changes that did not come through `apply` (server, bus). */
  follow(update: Uint8Array): void {
    if (this.shadow) Y.applyUpdate(this.shadow, update);
    else this.parts?.push(update);
  }

  destroy(): void {
    this.shadow?.destroy();
    this.shadow = null;
    this.parts = null;
  }
}

function fromParts(doc: Y.Doc, parts: readonly Uint8Array[]): Y.Doc {
  const copy = new Y.Doc({ gc: doc.gc });
  for (const part of parts) Y.applyUpdate(copy, part);
  return copy;
}

function clone(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc({ gc: doc.gc });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}
