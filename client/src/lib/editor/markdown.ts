/**
 * Markdown shortcuts while typing, from @lexical/markdown, limited to what the toolbar offers:
 * "# ", "## ", "### " headings, "> " a quote, "- ", "* " or "+ " a bulleted list and "1. " a
 * numbered one; inline, **bold**, *italic*, `code` and [text](address) links. The library skips
 * changes from peers and from undo (their tags), so only a person's own typing triggers them.
 */
import {
  BOLD_ITALIC_STAR,
  BOLD_ITALIC_UNDERSCORE,
  BOLD_STAR,
  BOLD_UNDERSCORE,
  HEADING,
  INLINE_CODE,
  ITALIC_STAR,
  ITALIC_UNDERSCORE,
  LINK,
  ORDERED_LIST,
  QUOTE,
  registerMarkdownShortcuts,
  UNORDERED_LIST,
  type ElementTransformer,
  type Transformer
} from '@lexical/markdown';
import type { LexicalEditor } from 'lexical';

/** The library's heading shortcut goes to "###### "; the editor offers three levels. */
const HEADING_1_TO_3: ElementTransformer = {
  ...HEADING,
  regExp: /^(#{1,3})\s/
};

// Inline formats in the library's order: code first, then the longer marks before the shorter.
export const SHORTCUTS: Transformer[] = [
  HEADING_1_TO_3,
  QUOTE,
  UNORDERED_LIST,
  ORDERED_LIST,
  INLINE_CODE,
  BOLD_ITALIC_STAR,
  BOLD_ITALIC_UNDERSCORE,
  BOLD_STAR,
  BOLD_UNDERSCORE,
  ITALIC_STAR,
  ITALIC_UNDERSCORE,
  LINK
];

export function registerShortcuts(editor: LexicalEditor): () => void {
  return registerMarkdownShortcuts(editor, SHORTCUTS);
}
