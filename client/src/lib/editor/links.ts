/**
 * Links in a description: what a person types into the link field made into a URL, the link at
 * the caret, and linking or unlinking the selection with @lexical/link's `$toggleLink`.
 */
import { $createLinkNode, $isLinkNode, $toggleLink, type LinkNode } from '@lexical/link';
import { $createTextNode, $findMatchingParent, $getSelection, $isRangeSelection } from 'lexical';
import { LINK_REL, LINK_TARGET } from './normalize.ts';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
export const MAX_URL = 2048;

/** What a person typed into the link field, made into a URL: "example.com" → "https://example.com/". */
export function normalizeUrl(input: string): string | null {
  const text = input.trim();
  if (!text || text.length > MAX_URL) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : text.includes('@') && !text.includes('/') ? `mailto:${text}` : `https://${text}`;
  try {
    const url = new URL(withScheme);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** The link the selection's anchor is in, if any. */
export function $selectedLink(): LinkNode | null {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return null;
  return $findMatchingParent(selection.anchor.getNode(), $isLinkNode);
}

/**
 * Links the selected text to `url`, or unlinks it when `url` is null. A caret inside a link
 * changes that link; a caret elsewhere inserts the address itself as a link (`$toggleLink` would
 * link the whole word run around the caret).
 */
export function $setLink(url: string | null): void {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return;
  const attributes = { rel: LINK_REL, target: LINK_TARGET };
  if (url !== null && selection.isCollapsed() && !$selectedLink()) {
    selection.insertNodes([$createLinkNode(url, attributes).append($createTextNode(url))]);
    return;
  }
  $toggleLink(url, attributes);
}
