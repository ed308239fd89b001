/**
 * Rich-text editing behaviour for a bare Lexical editor. @lexical/rich-text is not installed here,
 * so this registers the handful of commands Lexical's core dispatches for typing, deleting,
 * Enter, formatting, select-all and paste, each delegating to the selection methods Lexical's core
 * provides. Tab is left alone so it moves focus, and copy and cut use the browser's own.
 */
import {
  $formatText,
  $getSelection,
  $isNodeSelection,
  $isRangeSelection,
  $selectAll,
  COMMAND_PRIORITY_EDITOR,
  CONTROLLED_TEXT_INSERTION_COMMAND,
  DELETE_CHARACTER_COMMAND,
  DELETE_LINE_COMMAND,
  DELETE_WORD_COMMAND,
  DROP_COMMAND,
  FORMAT_TEXT_COMMAND,
  INSERT_LINE_BREAK_COMMAND,
  INSERT_PARAGRAPH_COMMAND,
  KEY_BACKSPACE_COMMAND,
  KEY_DELETE_COMMAND,
  KEY_ENTER_COMMAND,
  mergeRegister,
  PASTE_COMMAND,
  REMOVE_TEXT_COMMAND,
  SELECT_ALL_COMMAND,
  type LexicalCommand,
  type LexicalEditor,
  type TextFormatType
} from 'lexical';

const MAX_PASTE = 50_000;

export function registerRichText(editor: LexicalEditor): () => void {
  const on = <P>(command: LexicalCommand<P>, fn: (payload: P) => boolean) =>
    editor.registerCommand(command, fn, COMMAND_PRIORITY_EDITOR);

  return mergeRegister(
    on<boolean>(DELETE_CHARACTER_COMMAND, (backward) => {
      const selection = $getSelection();
      if ($isRangeSelection(selection)) selection.deleteCharacter(backward);
      else if ($isNodeSelection(selection)) selection.deleteNodes();
      else return false;
      return true;
    }),
    on<boolean>(DELETE_WORD_COMMAND, (backward) => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return false;
      selection.deleteWord(backward);
      return true;
    }),
    on<boolean>(DELETE_LINE_COMMAND, (backward) => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return false;
      selection.deleteLine(backward);
      return true;
    }),
    on<InputEvent | string>(CONTROLLED_TEXT_INSERTION_COMMAND, (input) => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return false;
      if (typeof input === 'string') selection.insertText(input);
      else {
        const text = input.dataTransfer?.getData('text/plain') ?? input.data;
        if (text) selection.insertRawText(text.slice(0, MAX_PASTE));
      }
      return true;
    }),
    on(REMOVE_TEXT_COMMAND, () => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return false;
      selection.removeText();
      return true;
    }),
    on<TextFormatType>(FORMAT_TEXT_COMMAND, (format) => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return false;
      $formatText(selection, format);
      return true;
    }),
    on<boolean>(INSERT_LINE_BREAK_COMMAND, (selectStart) => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return false;
      selection.insertLineBreak(selectStart);
      return true;
    }),
    on(INSERT_PARAGRAPH_COMMAND, () => {
      const selection = $getSelection();
      if (!$isRangeSelection(selection)) return false;
      selection.insertParagraph();
      return true;
    }),
    on<KeyboardEvent | null>(KEY_ENTER_COMMAND, (event) => {
      if (!$isRangeSelection($getSelection())) return false;
      if (event) {
        event.preventDefault();
        if (event.shiftKey) return editor.dispatchCommand(INSERT_LINE_BREAK_COMMAND, false);
      }
      return editor.dispatchCommand(INSERT_PARAGRAPH_COMMAND, undefined);
    }),
    on<KeyboardEvent>(KEY_BACKSPACE_COMMAND, (event) => {
      if (!$isRangeSelection($getSelection())) return false;
      event.preventDefault();
      return editor.dispatchCommand(DELETE_CHARACTER_COMMAND, true);
    }),
    on<KeyboardEvent>(KEY_DELETE_COMMAND, (event) => {
      if (!$isRangeSelection($getSelection())) return false;
      event.preventDefault();
      return editor.dispatchCommand(DELETE_CHARACTER_COMMAND, false);
    }),
    on(SELECT_ALL_COMMAND, () => {
      $selectAll();
      return true;
    }),
    // Plain text only: pasted HTML could carry anything, and the description is a plan's notes.
    on<ClipboardEvent | InputEvent | KeyboardEvent>(PASTE_COMMAND, (event) => {
      const data = event instanceof ClipboardEvent ? event.clipboardData : event instanceof InputEvent ? event.dataTransfer : null;
      event.preventDefault();
      const text = data?.getData('text/plain');
      if (!text) return true;
      editor.update(() => {
        const selection = $getSelection();
        if ($isRangeSelection(selection)) selection.insertRawText(text.slice(0, MAX_PASTE));
      });
      return true;
    }),
    // Dropping dragged content would let the browser rewrite the DOM behind Lexical's back.
    on<DragEvent>(DROP_COMMAND, (event) => {
      event.preventDefault();
      return true;
    })
  );
}
