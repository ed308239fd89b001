/**
 * Writing rich text into a description's Y.XmlText in the shape Lexical's Yjs binding reads: each
 * block is an embedded XmlText whose attributes are the node's properties (`__type`, `__tag`, …);
 * each run of text is an embedded Y.Map of the text node's properties followed by its characters.
 * Used to fill a new card's description from an import, before any editor has bound to it; the
 * editor then reads it like any peer's edit. Node types and properties are those of the Lexical
 * packages the card editor registers (paragraph; heading from @lexical/rich-text; list/listitem
 * from @lexical/list with `__tag`, `__start` and `__value`; link from @lexical/link), so what this
 * writes needs none of the editor's read-time migration (client/src/lib/editor/normalize.ts).
 */
import * as Y from 'yjs';

/** Lexical's text format bits. */
export const FORMAT = { bold: 1, italic: 2, strikethrough: 4, underline: 8, code: 16 } as const;

export type RichRun = { text: string; format: number; url?: string };
export type RichBlock =
  | { kind: 'paragraph'; runs: RichRun[] }
  | { kind: 'heading'; tag: 'h1' | 'h2' | 'h3'; runs: RichRun[] }
  | { kind: 'list'; list: 'bullet' | 'number'; items: RichRun[][] };

/** Bounds, so a hostile file cannot make one card's description unbounded. */
export const MAX_RICH_BLOCKS = 500;
export const MAX_RICH_CHARS = 50_000;

function textRun(run: RichRun): [Y.Map<unknown>, string] {
  const m = new Y.Map<unknown>();
  m.set('__type', 'text');
  m.set('__format', run.format);
  m.set('__style', '');
  m.set('__mode', 0);
  m.set('__detail', 0);
  return [m, run.text];
}

/** Appends an element to `parent` (already in the doc, so attributes integrate at once) and returns it. */
function element(parent: Y.XmlText, type: string, props: Record<string, unknown> = {}): Y.XmlText {
  const x = new Y.XmlText();
  parent.insertEmbed(parent.length, x);
  x.setAttribute('__type', type);
  for (const [k, v] of Object.entries(props)) x.setAttribute(k, v as string);
  return x;
}

/** Appends runs (text nodes, links as elements holding their text) to an element already in the doc. */
function appendRuns(target: Y.XmlText, runs: readonly RichRun[]): void {
  for (const run of runs) {
    if (!run.text) continue;
    if (run.url) {
      const link = element(target, 'link', { __url: run.url, __rel: 'noopener noreferrer', __target: null, __title: null });
      appendRuns(link, [{ text: run.text, format: run.format }]);
      continue;
    }
    const [m, text] = textRun(run);
    target.insertEmbed(target.length, m);
    target.insert(target.length, text);
  }
}

/** Replaces nothing: appends the blocks to an empty description. Call inside a transaction. */
export function writeRichText(root: Y.XmlText, blocks: readonly RichBlock[]): void {
  for (const b of blocks.slice(0, MAX_RICH_BLOCKS)) {
    if (b.kind === 'list') {
      const list = element(root, 'list', { __listType: b.list, __tag: b.list === 'number' ? 'ol' : 'ul', __start: 1 });
      b.items.forEach((runs, i) => appendRuns(element(list, 'listitem', { __value: i + 1 }), runs));
      continue;
    }
    appendRuns(b.kind === 'heading' ? element(root, 'heading', { __tag: b.tag }) : element(root, 'paragraph'), b.runs);
  }
}
