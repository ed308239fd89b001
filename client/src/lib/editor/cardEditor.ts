/**
 * One card's description editor: a Lexical editor on a contenteditable element with Lexical's
 * own rich-text packages (headings and quotes from @lexical/rich-text, lists from @lexical/list,
 * links from @lexical/link, markdown shortcuts from @lexical/markdown), bound to the card's
 * Y.XmlText (./collab.ts). Plain TypeScript with no runes: the Svelte component mounts it from an attachment
 * and reads its state through `onState`.
 */
import { LinkNode } from '@lexical/link';
import { ListItemNode, ListNode, registerList } from '@lexical/list';
import { HeadingNode, QuoteNode, registerRichText } from '@lexical/rich-text';
import {
  $createRangeSelectionFromDom,
  $getNodeByKey,
  $getRoot,
  $getSelection,
  $setSelection,
  $isParagraphNode,
  $isRangeSelection,
  createEditor,
  FORMAT_TEXT_COMMAND,
  mergeRegister,
  REDO_COMMAND,
  UNDO_COMMAND,
  type EditorThemeClasses,
  type LexicalEditor,
  type RangeSelection,
  type TextFormatType
} from 'lexical';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { $selectionBlockType, $setBlockType, $toggleList, type BlockType } from './blocks.ts';
import { bindCardText, type Collab, type HistoryState } from './collab.ts';
import { $selectedLink, $setLink } from './links.ts';
import { registerShortcuts } from './markdown.ts';
import { registerNormalizeTransforms } from './normalize.ts';

export const THEME: EditorThemeClasses = {
  paragraph: 'rt-p',
  heading: { h1: 'rt-h1', h2: 'rt-h2', h3: 'rt-h3' },
  quote: 'rt-quote',
  list: { ul: 'rt-ul', ol: 'rt-ol' },
  listitem: 'rt-li',
  link: 'rt-link',
  text: { bold: 'rt-bold', italic: 'rt-italic', code: 'rt-code', underline: 'rt-underline', strikethrough: 'rt-strike' },
  collaboration: { cursor: 'rt-caret', cursorName: 'rt-caret-name', selection: 'rt-sel', selectionBg: 'rt-sel-bg' }
};

export type EditorUiState = HistoryState & {
  /** Nothing but (at most) one empty paragraph: the placeholder shows. */
  empty: boolean;
  bold: boolean;
  italic: boolean;
  code: boolean;
  /** The URL of the link at the caret. */
  link: string | null;
  block: BlockType | null;
};

export const INITIAL_UI_STATE: EditorUiState = {
  empty: true,
  bold: false,
  italic: false,
  code: false,
  link: null,
  block: null,
  canUndo: false,
  canRedo: false
};

export type CardEditorOptions = {
  root: HTMLElement;
  cursors: HTMLElement;
  doc: Y.Doc;
  xmlText: Y.XmlText;
  awareness: Awareness;
  card: string;
  writable: boolean;
  onState: (state: EditorUiState) => void;
};

export type CardEditor = {
  editor: LexicalEditor;
  format(format: TextFormatType): void;
  setBlock(type: BlockType): void;
  /** Notes the selection before focus leaves the text for the link field. */
  rememberSelection(): void;
  setLink(url: string | null): void;
  undo(): void;
  redo(): void;
  setWritable(writable: boolean): void;
  focus(): void;
  destroy(): void;
};

export function mountCardEditor(o: CardEditorOptions): CardEditor {
  let writable = o.writable;
  let history: HistoryState = { canUndo: false, canRedo: false };
  let ui = INITIAL_UI_STATE;
  let remembered: RangeSelection | null = null;

  const editor = createEditor({
    namespace: `card-${o.card}`,
    nodes: [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode],
    theme: THEME,
    editable: writable,
    onError: (error) => console.error('[editor]', error)
  });
  // Lexical's core leaves the contenteditable attribute to the host (React's ContentEditable sets it).
  const syncEditable = (editable: boolean) => {
    o.root.contentEditable = editable ? 'true' : 'false';
    o.root.setAttribute('aria-readonly', String(!editable));
  };
  syncEditable(writable);
  editor.setRootElement(o.root);

  const publish = () => {
    ui = editor.getEditorState().read(() => {
      const root = $getRoot();
      const first = root.getFirstChild();
      const empty = root.getTextContent() === '' && (first === null || (root.getChildrenSize() === 1 && $isParagraphNode(first)));
      const selection = $getSelection();
      const ranged = $isRangeSelection(selection);
      return {
        ...history,
        empty,
        bold: ranged && selection.hasFormat('bold'),
        italic: ranged && selection.hasFormat('italic'),
        code: ranged && selection.hasFormat('code'),
        link: $selectedLink()?.getURL() ?? null,
        block: $selectionBlockType()
      };
    });
    o.onState(ui);
  };

  let collab: Collab;
  const bind = () => {
    collab = bindCardText({
      editor,
      doc: o.doc,
      xmlText: o.xmlText,
      awareness: o.awareness,
      card: o.card,
      cursorsContainer: o.cursors,
      writable,
      onHistory: (h) => {
        history = h;
        o.onState((ui = { ...ui, ...h }));
      },
      onDrift: rebind
    });
  };
  const rebind = () => {
    collab.destroy();
    bind();
  };

  const off = mergeRegister(
    registerRichText(editor),
    registerList(editor),
    registerShortcuts(editor),
    registerNormalizeTransforms(editor),
    editor.registerUpdateListener(publish),
    editor.registerEditableListener(syncEditable)
  );
  bind();
  publish();

  return {
    editor,
    format: (format) => editor.dispatchCommand(FORMAT_TEXT_COMMAND, format),
    setBlock(type) {
      editor.update(() => (type === 'bullet' || type === 'number' ? $toggleList(type) : $setBlockType(type)));
    },
    rememberSelection() {
      editor.update(
        () => {
          // The browser may not have told Lexical about a selection made a moment ago (Shift+Home,
          // then Ctrl+K at once): read it from the DOM while it is still in the text.
          const dom = window.getSelection();
          const fromDom = dom && o.root.contains(dom.anchorNode) ? $createRangeSelectionFromDom(dom, editor) : null;
          if (fromDom) $setSelection(fromDom);
          const selection = $getSelection();
          remembered = $isRangeSelection(selection) ? selection.clone() : null;
        },
        { discrete: true }
      );
    },
    setLink(url) {
      editor.update(() => {
        // Only if its nodes still exist: a peer may have deleted them meanwhile.
        if (remembered && $getNodeByKey(remembered.anchor.key) && $getNodeByKey(remembered.focus.key)) $setSelection(remembered);
        remembered = null;
        $setLink(url);
      });
    },
    undo: () => editor.dispatchCommand(UNDO_COMMAND, undefined),
    redo: () => editor.dispatchCommand(REDO_COMMAND, undefined),
    setWritable(next) {
      if (next === writable) return;
      writable = next;
      editor.setEditable(next);
      rebind();
    },
    focus: () => editor.focus(),
    destroy() {
      off();
      collab.destroy();
      editor.setRootElement(null);
    }
  };
}
