/**
 * Undo and redo of this person's own edits anywhere in the plan (cards, sprints, columns, RAID,
 * timeline, decisions…; not the server-written roots). A Y.UndoManager tracks only our editor's origin
 * (origins are compared by identity), so a peer's concurrent edit is never undone by our Ctrl+Z.
 * Every action is already one transaction (a title is written once, on Enter or blur, not per
 * key), so nothing is merged by time: each add, rename, move or delete is one undo step.
 */
import * as Y from 'yjs';
import { editableRoots } from '$shared/doc/plan.ts';
import type { Editor } from '$shared/doc/origin.ts';

export class UndoHistory {
  canUndo = $state(false);
  canRedo = $state(false);
  readonly #manager: Y.UndoManager;
  #sync = () => {
    this.canUndo = this.#manager.canUndo();
    this.canRedo = this.#manager.canRedo();
  };

  constructor(doc: Y.Doc, editor: Editor) {
    this.#manager = new Y.UndoManager(editableRoots(doc), { trackedOrigins: new Set([editor.origin]), captureTimeout: 0 });
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) this.#manager.on(event, this.#sync);
  }

  undo(): void {
    this.#manager.undo();
  }

  redo(): void {
    this.#manager.redo();
  }

  destroy(): void {
    this.#manager.destroy();
  }
}

const NOT_TEXT = ['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'];

/**
 * True when Ctrl+Z belongs to the focused text field's own undo rather than the document's. A field
 * that shows a document value (marked `data-doc-field`) and holds no typing of its own
 * (`data-dirty` not "true") hands Ctrl+Z to the document, so deleting a card and pressing Ctrl+Z
 * brings it back even though focus moved into the next row's title.
 */
export function ownsUndo(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const text =
    target.isContentEditable || target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && !NOT_TEXT.includes(target.type));
  if (!text) return false;
  return target.dataset.docField === undefined || target.dataset.dirty === 'true';
}
