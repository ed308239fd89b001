/**
 * Bulleted and numbered lists, one level deep: a ListNode (<ul>/<ol>) holding ListItemNodes (<li>).
 * @lexical/list is not installed here; these keep its node types ('list', 'listitem') and the
 * `__listType` property. Nesting (indent) is left out on purpose: Tab moves focus, as everywhere
 * else in the app.
 *
 * Behaviour people expect from lists: Enter on an empty item leaves the list, Backspace at the
 * start of an item turns it into a paragraph (splitting the list around it), and a list never
 * stays empty or holds anything but items (the transforms below).
 */
import {
  $applyNodeReplacement,
  $createParagraphNode,
  $isElementNode,
  ElementNode,
  type EditorConfig,
  type LexicalEditor,
  type LexicalNode,
  type NodeKey,
  type ParagraphNode,
  type RangeSelection,
  type SerializedElementNode
} from 'lexical';

export type ListType = 'bullet' | 'number';

export function listType(value: unknown): ListType {
  return value === 'number' ? 'number' : 'bullet';
}

export class ListNode extends ElementNode {
  __listType: ListType;

  static getType(): string {
    return 'list';
  }

  static clone(node: ListNode): ListNode {
    return new ListNode(node.__listType, node.__key);
  }

  static importJSON(json: SerializedElementNode & { listType?: unknown }): ListNode {
    return $createListNode(listType(json.listType)).updateFromJSON(json);
  }

  constructor(type: ListType = 'bullet', key?: NodeKey) {
    super(key);
    this.__listType = type;
  }

  afterCloneFrom(prev: this): void {
    super.afterCloneFrom(prev);
    this.__listType = prev.__listType;
  }

  getListType(): ListType {
    return listType(this.getLatest().__listType);
  }

  setListType(type: ListType): this {
    const self = this.getWritable();
    self.__listType = type;
    return self;
  }

  createDOM(config: EditorConfig): HTMLElement {
    const type = listType(this.__listType);
    const el = document.createElement(type === 'number' ? 'ol' : 'ul');
    const className = type === 'number' ? config.theme.list?.ol : config.theme.list?.ul;
    if (className) el.className = className;
    return el;
  }

  updateDOM(prev: this): boolean {
    return listType(prev.__listType) !== listType(this.__listType);
  }

  canBeEmpty(): false {
    return false;
  }

  canIndent(): false {
    return false;
  }

  extractWithChild(): boolean {
    return true;
  }
}

export class ListItemNode extends ElementNode {
  static getType(): string {
    return 'listitem';
  }

  static clone(node: ListItemNode): ListItemNode {
    return new ListItemNode(node.__key);
  }

  static importJSON(json: SerializedElementNode): ListItemNode {
    return $createListItemNode().updateFromJSON(json);
  }

  createDOM(config: EditorConfig): HTMLElement {
    const el = document.createElement('li');
    const theme = config.theme.listitem;
    if (typeof theme === 'string') el.className = theme;
    return el;
  }

  updateDOM(): boolean {
    return false;
  }

  canIndent(): false {
    return false;
  }

  /** Enter: a new item, or out of the list when this item is empty. */
  insertNewAfter(_selection: RangeSelection, restoreSelection = true): ListItemNode | ParagraphNode {
    if (this.getTextContent().trim() === '' && this.getChildrenSize() <= 1) return $exitListItem(this);
    const item = $createListItemNode();
    this.insertAfter(item, restoreSelection);
    return item;
  }

  /** Backspace at the start: the item becomes a paragraph. */
  collapseAtStart(): true {
    $exitListItem(this).selectStart();
    return true;
  }
}

/**
 * Turns an item into a paragraph in the list's place: before the list, after it, or between the
 * two halves of a list split at the item. Returns the paragraph.
 */
export function $exitListItem(item: ListItemNode): ParagraphNode {
  const list = item.getParent();
  const paragraph = $createParagraphNode();
  item.getChildren().forEach((child) => paragraph.append(child));
  if (!$isListNode(list)) {
    item.replace(paragraph);
    return paragraph;
  }
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
  return paragraph;
}

export function $createListNode(type: ListType = 'bullet'): ListNode {
  return $applyNodeReplacement(new ListNode(type));
}

export function $createListItemNode(): ListItemNode {
  return $applyNodeReplacement(new ListItemNode());
}

export function $isListNode(node: LexicalNode | null | undefined): node is ListNode {
  return node instanceof ListNode;
}

export function $isListItemNode(node: LexicalNode | null | undefined): node is ListItemNode {
  return node instanceof ListItemNode;
}

/**
 * Keeps lists well formed after local edits (transforms do not run on changes from peers, whose
 * own editors already ran them): only items inside a list, no empty lists, neighbouring lists of
 * one type merged, and no item outside a list.
 */
export function registerListTransforms(editor: LexicalEditor): () => void {
  const offList = editor.registerNodeTransform(ListNode, (list) => {
    for (const child of list.getChildren()) {
      if ($isListItemNode(child)) continue;
      const item = $createListItemNode();
      child.insertBefore(item);
      if ($isElementNode(child) && !child.isInline()) {
        child.getChildren().forEach((c) => item.append(c));
        child.remove();
      } else item.append(child);
    }
    const next = list.getNextSibling();
    if ($isListNode(next) && next.getListType() === list.getListType()) {
      next.getChildren().forEach((c) => list.append(c));
      next.remove();
    }
    if (list.getChildrenSize() === 0) list.remove();
  });
  const offItem = editor.registerNodeTransform(ListItemNode, (item) => {
    if (!$isListNode(item.getParent())) $exitListItem(item);
  });
  return () => {
    offList();
    offItem();
  };
}
