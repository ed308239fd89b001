/**
 * The description fixture in the format of the hand-written editor nodes (before @lexical/list and
 * @lexical/link): test/e2e/fixtures/legacy-description.json is the Y.XmlText tree those nodes of
 * commit 72a1d63 wrote through @lexical/yjs (run headless, then dumped), and `buildLegacy`
 * rebuilds it into a description in the order @lexical/yjs wrote it.
 */
import fs from 'node:fs';
import * as Y from 'yjs';

type Tree = { attrs: Record<string, unknown>; content: ({ text: string } | { map: Record<string, unknown> } | { xml: Tree })[] };

export const LEGACY_DESCRIPTION: Tree = JSON.parse(fs.readFileSync(new URL('../e2e/fixtures/legacy-description.json', import.meta.url), 'utf8'));

/** Fills an XmlText already in its doc; call inside a transaction. */
export function buildLegacy(target: Y.XmlText, tree: Tree = LEGACY_DESCRIPTION): void {
  for (const [k, v] of Object.entries(tree.attrs)) target.setAttribute(k, v as string);
  for (const part of tree.content) {
    if ('text' in part) target.insert(target.length, part.text);
    else if ('map' in part) target.insertEmbed(target.length, new Y.Map(Object.entries(part.map)));
    else {
      const child = new Y.XmlText();
      target.insertEmbed(target.length, child);
      buildLegacy(child, part.xml);
    }
  }
}
