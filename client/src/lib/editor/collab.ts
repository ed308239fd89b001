/**
 * Binds one Lexical editor to one card's description (a Y.XmlText inside the plan document), over
 * the plan's one provider. The wiring @lexical/react's collaboration plugin would do, done by hand
 * (see shared/STACK.md):
 *
 * - `createYjsBinding` with `getXmlText`, and a binding id unique on the page;
 * - content already in the text is loaded once, in an update tagged 'collaboration' (so it is not
 *   written back), after forgetting collab nodes an earlier binding cached; an empty text stays empty: nothing is inserted on open, so two people
 *   opening a new card at once cannot each add a first paragraph;
 * - Yjs → Lexical through `observeDeep` (skipping the binding's own transactions), Lexical → Yjs
 *   through an update listener (skipping 'skip-collab'); whatever arrives is checked and migrated
 *   by ./normalize.ts before it is drawn;
 * - carets per card (./cardCursors.ts), drawn into `cursorsContainer` and redrawn when presence
 *   changes or the text reflows;
 * - undo per card and per person: `createUndoManager` tracks only this binding's transactions.
 *
 * A read-only binding never writes: not the text, not a caret. If its editor had to normalise text
 * that came from a peer (the one case where @lexical/yjs writes back even for remote changes), the
 * binding is rebuilt from the document instead.
 */
import {
  createUndoManager,
  createYjsBinding,
  setLocalStateFocus,
  syncCursorPositions,
  syncLexicalUpdateToYjs,
  syncYjsChangesToLexical,
  type Binding
} from '@lexical/yjs';
import {
  $getRoot,
  BLUR_COMMAND,
  COLLABORATION_TAG,
  COMMAND_PRIORITY_EDITOR,
  COMMAND_PRIORITY_HIGH,
  FOCUS_COMMAND,
  HISTORIC_TAG,
  INSERT_PARAGRAPH_COMMAND,
  mergeRegister,
  REDO_COMMAND,
  SKIP_COLLAB_TAG,
  UNDO_COMMAND,
  type LexicalEditor
} from 'lexical';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { cardCursorProvider, type CardCursorProvider } from './cardCursors.ts';
import { $normalizeTree } from './normalize.ts';
import type { AnyShared, SharedEvent } from '$shared/doc/y-types.ts';

export type HistoryState = { canUndo: boolean; canRedo: boolean };

export type CollabOptions = {
  editor: LexicalEditor;
  doc: Y.Doc;
  xmlText: Y.XmlText;
  awareness: Awareness;
  card: string;
  cursorsContainer: HTMLElement;
  writable: boolean;
  onHistory: (state: HistoryState) => void;
  /** Called when a read-only binding has drifted from the document and must be rebuilt. */
  onDrift: () => void;
};

export type Collab = { binding: Binding; undo(): void; redo(): void; redrawCarets(): void; destroy(): void };

let bindings = 0;

/**
 * Drops the collab nodes an earlier binding cached on the text's nested types (`_collabNode`).
 * @lexical/yjs reuses a cached node as it is, children and all, so loading a card into a second
 * editor (the panel reopened, or rebuilt for another role) would otherwise repeat its text.
 */
function forgetCollabNodes(type: AnyShared): void {
  delete (type as { _collabNode?: unknown })._collabNode;
  const children: unknown[] = [];
  if (type instanceof Y.XmlText) {
    for (const op of type.toDelta() as { insert: unknown }[]) children.push(op.insert);
    children.push(...Object.values(type.getAttributes()));
  } else if (type instanceof Y.XmlElement) {
    children.push(...type.toArray(), ...Object.values(type.getAttributes()));
  } else if (type instanceof Y.Map) {
    children.push(...type.values());
  }
  for (const child of children) if (child instanceof Y.AbstractType) forgetCollabNodes(child);
}

export function bindCardText(o: CollabOptions): Collab {
  const { editor, doc, xmlText, card, writable } = o;
  // Also names CSS highlights (`::highlight(lexical-cursor-<id>-…)`), so it must be a CSS identifier.
  const id = `card-${card.replace(/[^A-Za-z0-9_-]/g, '_')}-${++bindings}`;
  const provider: CardCursorProvider = cardCursorProvider(o.awareness, card);
  forgetCollabNodes(xmlText);
  const binding = createYjsBinding({ editor, id, doc, docMap: new Map([[id, doc]]), getXmlText: () => xmlText });
  binding.cursorsContainer = o.cursorsContainer;
  const drawCarets = (b: Parameters<typeof syncCursorPositions>[0], p: Parameters<typeof syncCursorPositions>[1]) =>
    syncCursorPositions(b, p, { selectionHighlight: true });

  // What is already in the text, once; an empty text is left empty.
  editor.update(
    () => {
      $getRoot().clear();
      const delta = xmlText.toDelta();
      if (delta.length === 0) return;
      binding.root.applyChildrenYjsDelta(binding, delta);
      binding.root.syncChildrenFromYjs(binding);
      $normalizeTree();
    },
    { tag: COLLABORATION_TAG, skipTransforms: true, discrete: true }
  );

  const onYjs = (events: SharedEvent[], tr: Y.Transaction) => {
    if (tr.origin === binding) return;
    const fromUndo = tr.origin instanceof Y.UndoManager;
    syncYjsChangesToLexical(binding, provider, events as Parameters<typeof syncYjsChangesToLexical>[2], fromUndo, drawCarets);
    // Joins the pending update above (not yet drawn: Lexical commits it in a microtask), so a
    // peer's value never reaches the DOM unchecked. Tagged like it, so it is not written back.
    editor.update($normalizeTree, { tag: fromUndo ? HISTORIC_TAG : COLLABORATION_TAG, skipTransforms: true });
  };
  xmlText.observeDeep(onYjs);

  const undoManager = createUndoManager(binding, binding.root.getSharedType());
  const history = () => o.onHistory({ canUndo: undoManager.canUndo(), canRedo: undoManager.canRedo() });
  for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) undoManager.on(event, history);
  history();

  const setFocus = (focusing: boolean) => {
    const me = provider.awareness.getLocalState();
    if (me) setLocalStateFocus(provider, me.name, me.color, focusing, {});
  };

  const redrawCarets = () => drawCarets(binding, provider);
  o.awareness.on('change', redrawCarets);
  window.addEventListener('resize', redrawCarets);

  const off = mergeRegister(
    editor.registerUpdateListener(({ prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags }) => {
      const fromYjs = tags.has(COLLABORATION_TAG) || tags.has(HISTORIC_TAG);
      if (writable) {
        if (!tags.has(SKIP_COLLAB_TAG)) {
          syncLexicalUpdateToYjs(binding, provider, prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags);
        }
      } else if (fromYjs && normalizedNodes.size > 0) {
        queueMicrotask(o.onDrift);
      }
      // Local typing moves text under everyone else's caret: put their carets back on it.
      if (!fromYjs) redrawCarets();
    }),
    ...(writable
      ? [
          editor.registerCommand(UNDO_COMMAND, () => (undoManager.undo(), true), COMMAND_PRIORITY_EDITOR),
          editor.registerCommand(REDO_COMMAND, () => (undoManager.redo(), true), COMMAND_PRIORITY_EDITOR),
          // A new paragraph starts a new undo step, as it does in every word processor.
          // (Ahead of @lexical/list's handler, which takes Enter in a list and returns true.)
          editor.registerCommand(INSERT_PARAGRAPH_COMMAND, () => (undoManager.stopCapturing(), false), COMMAND_PRIORITY_HIGH),
          editor.registerCommand(FOCUS_COMMAND, () => (setFocus(true), false), COMMAND_PRIORITY_EDITOR),
          editor.registerCommand(BLUR_COMMAND, () => (setFocus(false), undoManager.stopCapturing(), false), COMMAND_PRIORITY_EDITOR)
        ]
      : [])
  );

  return {
    binding,
    undo: () => undoManager.undo(),
    redo: () => undoManager.redo(),
    redrawCarets,
    destroy() {
      off();
      xmlText.unobserveDeep(onYjs);
      o.awareness.off('change', redrawCarets);
      window.removeEventListener('resize', redrawCarets);
      undoManager.destroy();
      provider.destroy();
      // Drops every drawn caret and its highlight rule.
      syncCursorPositions(binding, provider, { getAwarenessStates: () => new Map() });
      o.cursorsContainer.replaceChildren();
    }
  };
}
