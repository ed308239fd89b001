/**
 * Links as an inline Lexical element node (type 'link', property `__url`, as in @lexical/link,
 * which is not installed here). A URL can come from any peer, so it is checked every time it
 * reaches the DOM: only http(s) and mailto links get an href.
 */
import {
  $applyNodeReplacement,
  $createTextNode,
  $findMatchingParent,
  $getSelection,
  $isRangeSelection,
  $isTextNode,
  ElementNode,
  type EditorConfig,
  type LexicalNode,
  type NodeKey,
  type SerializedElementNode
} from 'lexical';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
export const MAX_URL = 2048;

/** The href to render for a stored URL, or null when it is not a link we follow. */
export function safeHref(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > MAX_URL) return null;
  try {
    const parsed = new URL(url);
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

/** What a person typed into the link field, made into a URL: "example.com" → "https://example.com/". */
export function normalizeUrl(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : text.includes('@') && !text.includes('/') ? `mailto:${text}` : `https://${text}`;
  return safeHref(withScheme);
}

function applyHref(a: HTMLAnchorElement, url: string): void {
  const href = safeHref(url);
  if (href) {
    a.href = href;
    a.title = href;
  } else {
    a.removeAttribute('href');
    a.removeAttribute('title');
  }
}

export class LinkNode extends ElementNode {
  __url: string;

  static getType(): string {
    return 'link';
  }

  static clone(node: LinkNode): LinkNode {
    return new LinkNode(node.__url, node.__key);
  }

  static importJSON(json: SerializedElementNode & { url?: unknown }): LinkNode {
    return $createLinkNode(typeof json.url === 'string' ? json.url : '').updateFromJSON(json);
  }

  constructor(url = '', key?: NodeKey) {
    super(key);
    this.__url = url;
  }

  afterCloneFrom(prev: this): void {
    super.afterCloneFrom(prev);
    this.__url = prev.__url;
  }

  getURL(): string {
    return this.getLatest().__url;
  }

  setURL(url: string): this {
    const self = this.getWritable();
    self.__url = url;
    return self;
  }

  createDOM(config: EditorConfig): HTMLElement {
    const a = document.createElement('a');
    applyHref(a, this.__url);
    a.rel = 'noopener noreferrer nofollow';
    a.target = '_blank';
    if (typeof config.theme.link === 'string') a.className = config.theme.link;
    return a;
  }

  updateDOM(prev: this, dom: HTMLElement): boolean {
    if (prev.__url !== this.__url) applyHref(dom as HTMLAnchorElement, this.__url);
    return false;
  }

  isInline(): true {
    return true;
  }

  canBeEmpty(): false {
    return false;
  }

  // Typing at either edge of a link goes outside it, as in every editor people know.
  canInsertTextBefore(): false {
    return false;
  }

  canInsertTextAfter(): false {
    return false;
  }

  extractWithChild(): boolean {
    return true;
  }
}

export function $createLinkNode(url: string): LinkNode {
  return $applyNodeReplacement(new LinkNode(url));
}

export function $isLinkNode(node: LexicalNode | null | undefined): node is LinkNode {
  return node instanceof LinkNode;
}

/** The link the selection's anchor is in, if any. */
export function $selectedLink(): LinkNode | null {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return null;
  return $findMatchingParent(selection.anchor.getNode(), $isLinkNode);
}

/**
 * Links the selected text to `url`, or unlinks it when `url` is null. A collapsed selection inside
 * a link changes that link; a collapsed selection elsewhere inserts the URL itself as a link.
 */
export function $toggleLink(url: string | null): void {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return;
  if (url === null) {
    const links = new Set<LinkNode>();
    for (const node of [selection.anchor.getNode(), ...selection.getNodes()]) {
      const link = $findMatchingParent(node, $isLinkNode);
      if (link) links.add(link);
    }
    for (const link of links) {
      if (!link.isAttached()) continue;
      link.getChildren().forEach((child) => link.insertBefore(child));
      link.remove();
    }
    return;
  }
  if (selection.isCollapsed()) {
    const current = $selectedLink();
    if (current) current.setURL(url);
    else {
      const link = $createLinkNode(url).append($createTextNode(url));
      selection.insertNodes([link]);
    }
    return;
  }
  for (const node of selection.extract()) {
    if (!$isTextNode(node)) continue;
    const existing = $findMatchingParent(node, $isLinkNode);
    if (existing) {
      existing.setURL(url);
      continue;
    }
    const prev = node.getPreviousSibling();
    if ($isLinkNode(prev) && prev.getURL() === url) {
      prev.append(node);
      continue;
    }
    const link = $createLinkNode(url);
    node.insertBefore(link);
    link.append(node);
  }
}
