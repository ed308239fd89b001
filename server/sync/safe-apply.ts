/**
 * Applying an update all-or-nothing, for rebuilding a room from a damaged store: Yjs has no
 * rollback, and a torn stored entry can stop `Y.applyUpdate` half-way. The update is tried on a
 * copy of the document first; only if the copy takes it does the document. Costly (a copy per
 * document), so it is used only on the rare path where the stored log did not apply in one go;
 * live updates are checked by the scanner instead (update-scan.ts).
 */
import * as Y from 'yjs';

export class Shadowed {
  private shadow: Y.Doc;

  constructor(private readonly doc: Y.Doc) {
    this.shadow = clone(doc);
  }

  /** Applies to the doc only if the copy took it; false (nothing changed) otherwise. */
  apply(update: Uint8Array, origin: unknown): boolean {
    try {
      Y.applyUpdate(this.shadow, update);
    } catch {
      this.shadow.destroy();
      this.shadow = clone(this.doc);
      return false;
    }
    Y.applyUpdate(this.doc, update, origin);
    return true;
  }

  destroy(): void {
    this.shadow.destroy();
  }
}

function clone(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc({ gc: doc.gc });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}
