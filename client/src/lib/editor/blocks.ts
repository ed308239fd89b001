/**
 * Block-level changes shared by the toolbar and the markdown shortcuts: what kind of block the
 * caret is in, turning blocks into paragraphs or headings, and into or out of lists. Every
 * function here runs inside `editor.update`.
 */
import {
  $createParagraphNode,
  $getRoot,
  $getSelection,
  $isElementNode,
  $isParagraphNode,
  $isRangeSelection,
  $isRootNode,
  type ElementNode,
  type LexicalNode
} from 'lexical';
import { $createHeadingNode, $isHeadingNode, type HeadingTag } from './nodes/heading.ts';
import { $createListItemNode, $createListNode, $exitListItem, $isListItemNode, $isListNode, type ListItemNode, type ListType } from './nodes/list.ts';

export type BlockType = 'paragraph' | HeadingTag | ListType;

export const BLOCK_LABELS: Record<BlockType, string> = {
  paragraph: 'Paragraph',
  h1: 'Heading 1',
  h2: 'Heading 2',
  h3: 'Heading 3',
  bullet: 'Bulleted list',
  number: 'Numbered list'
};

/** The paragraph, heading or list item holding `node`, or null for the root itself. */
export function $blockOf(node: LexicalNode): ElementNode | null {
  for (let n: LexicalNode | null = node; n; n = n.getParent()) {
    if ($isRootNode(n)) return null;
    if ($isListItemNode(n)) return n;
    if ($isElementNode(n) && !n.isInline() && $isRootNode(n.getParent())) return $isListNode(n) ? null : n;
  }
  return null;
}

export function $blockTypeOf(block: ElementNode): BlockType {
  if ($isHeadingNode(block)) return block.getTag();
  if ($isListItemNode(block)) {
    const list = block.getParent();
    return $isListNode(list) ? list.getListType() : 'bullet';
  }
  return 'paragraph';
}

/** The blocks the selection touches, in document order; creates the first block of an empty description. */
export function $selectedBlocks(): ElementNode[] {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return [];
  const blocks = new Set<ElementNode>();
  for (const node of [selection.anchor.getNode(), ...selection.getNodes(), selection.focus.getNode()]) {
    if ($isListNode(node)) node.getChildren().filter($isListItemNode).forEach((item) => blocks.add(item));
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

/** Moves a block's children into `next`, puts `next` in its place and keeps an empty block's caret. */
function $replaceBlock(block: ElementNode, next: ElementNode): ElementNode {
  const wasEmpty = block.isEmpty();
  block.replace(next, true);
  if (wasEmpty) next.select();
  return next;
}

export function $setBlockType(type: 'paragraph' | HeadingTag): void {
  for (let block of $selectedBlocks()) {
    if ($isListItemNode(block)) {
      const wasEmpty = block.isEmpty();
      block = $exitListItem(block);
      if (wasEmpty) block.select();
    }
    if ($blockTypeOf(block) === type) continue;
    $replaceBlock(block, type === 'paragraph' ? $createParagraphNode() : $createHeadingNode(type));
  }
}

/** Makes the selected blocks a list of `type`, or plain paragraphs when they already are one. */
export function $toggleList(type: ListType): void {
  const blocks = $selectedBlocks();
  if (blocks.length === 0) return;
  if (blocks.every((b) => $blockTypeOf(b) === type)) {
    for (const item of blocks) {
      const wasEmpty = item.isEmpty();
      const paragraph = $exitListItem(item as ListItemNode);
      if (wasEmpty) paragraph.select();
    }
    return;
  }
  for (const block of blocks) {
    if ($isListItemNode(block)) {
      const list = block.getParent();
      if ($isListNode(list) && list.getListType() !== type) list.setListType(type);
      continue;
    }
    const wasEmpty = block.isEmpty();
    const item = $createListItemNode();
    block.getChildren().forEach((child) => item.append(child));
    const prev = block.getPreviousSibling();
    if ($isListNode(prev) && prev.getListType() === type) {
      prev.append(item);
      block.remove();
    } else block.replace($createListNode(type).append(item));
    if (wasEmpty) item.select();
  }
}

/** True for a block a markdown block shortcut may change: a paragraph straight under the root. */
export function $isPlainTopParagraph(node: LexicalNode | null): boolean {
  return $isParagraphNode(node) && $isRootNode(node.getParent());
}
