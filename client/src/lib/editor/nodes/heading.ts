/**
 * Headings (h1–h3) as a Lexical element node. Lexical's own HeadingNode lives in
 * @lexical/rich-text, which is not installed here; this one keeps the same node type ('heading')
 * and property (`__tag`), so descriptions stay readable if that package is adopted later.
 *
 * `__tag` arrives from peers through the shared document, so it is validated before it names a
 * DOM element: a peer must never make us create a <script>.
 */
import {
  $applyNodeReplacement,
  $createParagraphNode,
  ElementNode,
  type EditorConfig,
  type LexicalNode,
  type NodeKey,
  type ParagraphNode,
  type RangeSelection,
  type SerializedElementNode
} from 'lexical';

export const HEADING_TAGS = ['h1', 'h2', 'h3'] as const;
export type HeadingTag = (typeof HEADING_TAGS)[number];

export function headingTag(value: unknown): HeadingTag {
  return HEADING_TAGS.includes(value as HeadingTag) ? (value as HeadingTag) : 'h2';
}

export class HeadingNode extends ElementNode {
  __tag: HeadingTag;

  static getType(): string {
    return 'heading';
  }

  static clone(node: HeadingNode): HeadingNode {
    return new HeadingNode(node.__tag, node.__key);
  }

  static importJSON(json: SerializedElementNode & { tag?: unknown }): HeadingNode {
    return $createHeadingNode(headingTag(json.tag)).updateFromJSON(json);
  }

  constructor(tag: HeadingTag = 'h2', key?: NodeKey) {
    super(key);
    this.__tag = tag;
  }

  afterCloneFrom(prev: this): void {
    super.afterCloneFrom(prev);
    this.__tag = prev.__tag;
  }

  getTag(): HeadingTag {
    return headingTag(this.getLatest().__tag);
  }

  setTag(tag: HeadingTag): this {
    const self = this.getWritable();
    self.__tag = tag;
    return self;
  }

  createDOM(config: EditorConfig): HTMLElement {
    const tag = headingTag(this.__tag);
    const el = document.createElement(tag);
    const theme = config.theme.heading as Record<string, string> | undefined;
    if (theme?.[tag]) el.className = theme[tag];
    return el;
  }

  updateDOM(prev: this): boolean {
    return headingTag(prev.__tag) !== headingTag(this.__tag);
  }

  /** Enter at the end starts a paragraph; in the middle it splits the heading. */
  insertNewAfter(selection?: RangeSelection, restoreSelection = true): ParagraphNode | HeadingNode {
    const last = this.getLastDescendant();
    const atEnd = !selection || !last || (selection.anchor.key === last.getKey() && selection.anchor.offset === last.getTextContentSize());
    const next = atEnd ? $createParagraphNode() : $createHeadingNode(this.getTag());
    this.insertAfter(next, restoreSelection);
    return next;
  }

  /** Backspace at the start turns the heading back into a paragraph, keeping its text. */
  collapseAtStart(): true {
    const paragraph = $createParagraphNode();
    this.getChildren().forEach((child) => paragraph.append(child));
    this.replace(paragraph);
    paragraph.selectStart();
    return true;
  }

  extractWithChild(): boolean {
    return true;
  }
}

export function $createHeadingNode(tag: HeadingTag = 'h2'): HeadingNode {
  return $applyNodeReplacement(new HeadingNode(tag));
}

export function $isHeadingNode(node: LexicalNode | null | undefined): node is HeadingNode {
  return node instanceof HeadingNode;
}
