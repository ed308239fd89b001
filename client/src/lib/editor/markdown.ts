/**
 * Markdown shortcuts while typing (@lexical/markdown is not installed here): at the start of a
 * paragraph "# ", "## ", "### " make a heading, "- " or "* " a bulleted list and "1. " a numbered
 * one; inline, **bold**, *italic* or _italic_, and `code` become formatted text when the closing
 * mark is typed. Only a person's own typing triggers them, never a change from a peer or an undo.
 */
import {
  $getNodeByKey,
  $getSelection,
  $isRangeSelection,
  $isTextNode,
  COLLABORATION_TAG,
  HISTORIC_TAG,
  type LexicalEditor,
  type TextFormatType,
  type TextNode
} from 'lexical';
import { $isPlainTopParagraph, $setBlockType, $toggleList, type BlockType } from './blocks.ts';

type BlockRule = { pattern: RegExp; type: BlockType };
type InlineRule = { pattern: RegExp; format: TextFormatType; marks: number };

export const BLOCK_RULES: BlockRule[] = [
  { pattern: /^# $/, type: 'h1' },
  { pattern: /^## $/, type: 'h2' },
  { pattern: /^### $/, type: 'h3' },
  { pattern: /^[-*+] $/, type: 'bullet' },
  { pattern: /^\d{1,3}[.)] $/, type: 'number' }
];

// Most specific first: "**x**" must not be read as "*" + "*x*".
export const INLINE_RULES: InlineRule[] = [
  { pattern: /(?:^|[^*])\*\*([^*\s](?:[^*]*[^*\s])?)\*\*$/, format: 'bold', marks: 2 },
  { pattern: /(?:^|[^_\w])__([^_\s](?:[^_]*[^_\s])?)__$/, format: 'bold', marks: 2 },
  { pattern: /(?:^|[^*])\*([^*\s](?:[^*]*[^*\s])?)\*$/, format: 'italic', marks: 1 },
  { pattern: /(?:^|[^_\w])_([^_\s](?:[^_]*[^_\s])?)_$/, format: 'italic', marks: 1 },
  { pattern: /(?:^|[^`])`([^`]+)`$/, format: 'code', marks: 1 }
];

/** The block a line's start asks for, given the text before the caret ("## " → h2). */
export function matchBlockRule(textBeforeCaret: string): BlockType | null {
  return BLOCK_RULES.find((r) => r.pattern.test(textBeforeCaret))?.type ?? null;
}

/** The inline format the text before the caret closes, with where the marked run starts. */
export function matchInlineRule(textBeforeCaret: string): { format: TextFormatType; start: number; inner: string } | null {
  for (const rule of INLINE_RULES) {
    const m = rule.pattern.exec(textBeforeCaret);
    if (!m) continue;
    const whole = m[1].length + rule.marks * 2;
    return { format: rule.format, start: textBeforeCaret.length - whole, inner: m[1] };
  }
  return null;
}

function $applyBlock(node: TextNode, offset: number, type: BlockType): void {
  node.spliceText(0, offset, '', true);
  if (type === 'bullet' || type === 'number') $toggleList(type);
  else $setBlockType(type);
  if (node.isAttached() && node.getTextContent() === '') {
    const parent = node.getParentOrThrow();
    node.remove();
    parent.select(0, 0);
  }
}

function $applyInline(node: TextNode, offset: number, match: { format: TextFormatType; start: number; inner: string }): void {
  const baseFormat = node.getFormat();
  const parts = node.splitText(match.start, offset);
  const marked = match.start === 0 ? parts[0] : parts[1];
  marked.setTextContent(match.inner);
  if (!marked.hasFormat(match.format)) marked.toggleFormat(match.format);
  const selection = marked.select(match.inner.length, match.inner.length);
  // What is typed next is plain again.
  selection.format = baseFormat;
}

export function registerMarkdownShortcuts(editor: LexicalEditor): () => void {
  return editor.registerUpdateListener(({ tags, dirtyLeaves, editorState, prevEditorState }) => {
    if (tags.has(COLLABORATION_TAG) || tags.has(HISTORIC_TAG) || editor.isComposing()) return;
    const found = editorState.read(() => {
      const selection = $getSelection();
      const prev = prevEditorState._selection;
      if (!$isRangeSelection(selection) || !selection.isCollapsed() || !$isRangeSelection(prev) || !prev.isCollapsed()) return null;
      const node = selection.anchor.getNode();
      const offset = selection.anchor.offset;
      if (!$isTextNode(node) || !dirtyLeaves.has(node.getKey()) || node.hasFormat('code')) return null;
      // Exactly one character typed just now, at the caret.
      const before = prevEditorState._nodeMap.get(node.getKey());
      // `__text`, not getTextContent(): that would read the node's latest version, i.e. this state's.
      const grewByOne = $isTextNode(before) ? before.__text.length + 1 === node.getTextContentSize() : node.getTextContentSize() === 1;
      if (!grewByOne || offset < 1) return null;
      const text = node.getTextContent().slice(0, offset);
      const typed = text[text.length - 1];
      if (typed === ' ' && node.getPreviousSibling() === null && $isPlainTopParagraph(node.getParent())) {
        const type = matchBlockRule(text);
        if (type) return { key: node.getKey(), offset, block: type, inline: null };
      }
      if (typed === '*' || typed === '_' || typed === '`') {
        const inline = matchInlineRule(text);
        if (inline) return { key: node.getKey(), offset, block: null, inline };
      }
      return null;
    });
    if (!found) return;
    editor.update(() => {
      const latest = $getNodeByKey(found.key);
      if (!$isTextNode(latest) || !latest.isAttached()) return;
      if (found.block) $applyBlock(latest, found.offset, found.block);
      else if (found.inline) $applyInline(latest, found.offset, found.inline);
    });
  });
}
