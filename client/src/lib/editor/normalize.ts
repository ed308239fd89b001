/**
 * What the editor accepts from the shared document, as one read-time pass over its nodes.
 *
 * Lexical's Yjs binding copies every stored property (`__tag`, `__listType`, `__url`, …) straight
 * onto the node, and the library nodes use some of them as they are: HeadingNode and ListNode
 * name a DOM element with `__tag`, LinkNode writes `__target` and `__rel` onto the anchor. Any
 * editor of the plan can put anything there, so each value is checked before it reaches the DOM:
 * headings are h1–h3, lists are bulleted or numbered, a link's URL is a string (LinkNode itself
 * renders only http(s), mailto, sms and tel addresses) and it opens in a new tab without opener.
 *
 * The same pass migrates descriptions written before the editor used @lexical/list and
 * @lexical/link (fixture: test/e2e/fixtures/legacy-description.json). Those stored a list's
 * `__listType` but not its `__tag`, `__start` or its items' `__value`, and a link's `__url`
 * only; a library ListNode read from them would keep its constructor's 'ol' for a bulleted list
 * and number every item 1. The fix is made in the editor only, never written back: stored
 * descriptions keep their shape, and the pass runs on every read (collab.ts), for local edits it
 * runs as node transforms (`registerNormalizeTransforms`).
 */
import { $isLinkNode, LinkNode } from '@lexical/link';
import { $isListItemNode, $isListNode, ListNode, type ListType } from '@lexical/list';
import { $isHeadingNode, HeadingNode } from '@lexical/rich-text';
import { $getRoot, $isElementNode, mergeRegister, type LexicalEditor, type LexicalNode } from 'lexical';

export const HEADING_TAGS = ['h1', 'h2', 'h3'] as const;
export type HeadingTag = (typeof HEADING_TAGS)[number];
/** Lists the editor offers; a stored 'check' list (or anything else) reads as bulleted. */
export type OfferedListType = Extract<ListType, 'bullet' | 'number'>;

export const LINK_TARGET = '_blank';
export const LINK_REL = 'noopener noreferrer nofollow';

export function headingTag(value: unknown): HeadingTag {
  return HEADING_TAGS.includes(value as HeadingTag) ? (value as HeadingTag) : 'h3';
}

export function listType(value: unknown): OfferedListType {
  return value === 'number' ? 'number' : 'bullet';
}

/** Lexical's own rule: an item holding only a nested list takes no number. */
const isNestedItem = (node: LexicalNode) => $isListItemNode(node) && $isListNode(node.getFirstChild()) && node.getChildrenSize() === 1;

function $normalizeList(list: ListNode): void {
  const type = listType(list.__listType);
  if (type !== list.__listType || list.__tag !== (type === 'number' ? 'ol' : 'ul')) list.setListType(type);
  if (!Number.isSafeInteger(list.__start)) list.setStart(1);
  let value = list.getStart();
  for (const child of list.getChildren()) {
    if (!$isListItemNode(child) || isNestedItem(child)) continue;
    if (child.__value !== value) child.setValue(value);
    value++;
  }
}

function $normalizeLink(link: LinkNode): void {
  if (typeof link.__url !== 'string') link.setURL('');
  if (link.__target !== LINK_TARGET) link.setTarget(LINK_TARGET);
  if (link.__rel !== LINK_REL) link.setRel(LINK_REL);
  if (link.__title !== null && typeof link.__title !== 'string') link.setTitle(null);
}

/** Makes one node safe and current; writes only when something differs. Inside `editor.update`. */
export function $normalizeNode(node: LexicalNode): void {
  if ($isHeadingNode(node)) {
    const tag = headingTag(node.__tag);
    if (tag !== node.__tag) node.setTag(tag);
  } else if ($isListNode(node)) $normalizeList(node);
  else if ($isLinkNode(node)) $normalizeLink(node);
}

/** Every node of the description, after content arrived from the document. Inside `editor.update`. */
export function $normalizeTree(): void {
  const stack: LexicalNode[] = [...$getRoot().getChildren()];
  for (let node = stack.pop(); node; node = stack.pop()) {
    $normalizeNode(node);
    if ($isElementNode(node)) stack.push(...node.getChildren());
  }
}

/** The same rules for local edits (pasted HTML may bring an h5 or a check list). */
export function registerNormalizeTransforms(editor: LexicalEditor): () => void {
  return mergeRegister(editor.registerNodeTransform(HeadingNode, $normalizeNode), editor.registerNodeTransform(ListNode, $normalizeNode), editor.registerNodeTransform(LinkNode, $normalizeNode));
}
