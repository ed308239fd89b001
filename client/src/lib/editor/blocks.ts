/**
 * Block-level changes for the toolbar: what kind of block the caret is in, turning blocks into
 * paragraphs, headings or quotes, and into or out of lists (@lexical/list's `$insertList`). Every
 * function here runs inside `editor.update`.
 */
import { $createListNode, $insertList, $isListItemNode, $isListNode, type ListItemNode } from '@lexical/list';
import { $createHeadingNode, $createQuoteNode, $isHeadingNode, $isQuoteNode } from '@lexical/rich-text';
import { $createParagraphNode, $getRoot, $getSelection, $isElementNode, $isRangeSelection, $isRootNode, type ElementNode, type LexicalNode, type ParagraphNode } from 'lexical';
import { headingTag, listType, type HeadingTag, type OfferedListType } from './normalize.ts';

export type BlockType = 'paragraph' | HeadingTag | 'quote' | OfferedListType;

export const BLOCK_LABELS: Record<BlockType, string> = {
  paragraph: 'Paragraph',
  h1: 'Heading 1',
  h2: 'Heading 2',
  h3: 'Heading 3',
  quote: 'Quote',
  bullet: 'Bulleted list',
  number: 'Numbered list'
};

/** The paragraph, heading, quote or list item holding `node`, or null for the root itself. */
export function $blockOf(node: LexicalNode): ElementNode | null {
  for (let n: LexicalNode | null = node; n; n = n.getParent()) {
    if ($isRootNode(n)) return null;
    if ($isListItemNode(n)) return n;
    if ($isElementNode(n) && !n.isInline() && $isRootNode(n.getParent())) return $isListNode(n) ? null : n;
  }
  return null;
}

export function $blockTypeOf(block: ElementNode): BlockType {
  if ($isHeadingNode(block)) return headingTag(block.getTag());
  if ($isQuoteNode(block)) return 'quote';
  if ($isListItemNode(block)) {
    const list = block.getParent();
    return $isListNode(list) ? listType(list.getListType()) : 'bullet';
  }
  return 'paragraph';
}

/** The blocks the selection touches, in document order; creates the first block of an empty description. */
export function $selectedBlocks(): ElementNode[] {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return [];
  const blocks = new Set<ElementNode>();
  for (const node of [selection.anchor.getNode(), ...selection.getNodes(), selection.focus.getNode()]) {
    if ($isListNode(node))
      node
        .getChildren()
        .filter($isListItemNode)
        .forEach((item) => blocks.add(item));
    const block = $blockOf(node);
    if (block) blocks.add(block);
  }
  if (blocks.size === 0 && $getRoot().getChildrenSize() === 0) {
    const paragraph = $createParagraphNode();
    $getRoot().append(paragraph);
    paragraph.select();
    return [paragraph];
  }
  return [...blocks].sort((a, b) => (a.isBefore(b) ? -1 : b.isBefore(a) ? 1 : 0));
}

export function $selectionBlockType(): BlockType | null {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return null;
  const block = $blockOf(selection.anchor.getNode());
  return block ? $blockTypeOf(block) : null;
}

/**
 * Turns one list item into a paragraph in the list's place: before the list, after it, or between
 * the two halves of a list split at the item. (@lexical/list's `$removeList` unlists every item of
 * the lists the selection touches; the toolbar changes only the selected ones.)
 */
function $exitListItem(item: ListItemNode): ParagraphNode {
  const list = item.getParent();
  const paragraph = $createParagraphNode();
  const wasEmpty = item.isEmpty();
  item.getChildren().forEach((child) => paragraph.append(child));
  if (!$isListNode(list)) item.replace(paragraph);
  else {
    if (item.getPreviousSibling() === null) list.insertBefore(paragraph);
    else if (item.getNextSibling() === null) list.insertAfter(paragraph);
    else {
      const rest = $createListNode(list.getListType());
      item.getNextSiblings().forEach((sibling) => rest.append(sibling));
      list.insertAfter(paragraph);
      paragraph.insertAfter(rest);
    }
    item.remove();
    if (list.getChildrenSize() === 0) list.remove();
  }
  if (wasEmpty) paragraph.select();
  return paragraph;
}

/** Moves a block's children into `next`, puts `next` in its place and keeps an empty block's caret. */
function $replaceBlock(block: ElementNode, next: ElementNode): void {
  const wasEmpty = block.isEmpty();
  block.replace(next, true);
  if (wasEmpty) next.select();
}

export function $setBlockType(type: 'paragraph' | HeadingTag | 'quote'): void {
  for (let block of $selectedBlocks()) {
    if ($isListItemNode(block)) block = $exitListItem(block);
    if ($blockTypeOf(block) === type) continue;
    $replaceBlock(block, type === 'paragraph' ? $createParagraphNode() : type === 'quote' ? $createQuoteNode() : $createHeadingNode(type));
  }
}

/** Makes the selected blocks a list of `type`, or plain paragraphs when they already are one. */
export function $toggleList(type: OfferedListType): void {
  const blocks = $selectedBlocks();
  if (blocks.length === 0) return;
  if (blocks.every((b) => $blockTypeOf(b) === type)) blocks.forEach((item) => $exitListItem(item as ListItemNode));
  else $insertList(type);
}
