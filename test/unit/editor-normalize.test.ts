/**
 * The card editor's read-time pass (client/src/lib/editor/normalize.ts), headless: descriptions
 * in the shape the hand-written nodes stored (test/e2e/fixtures/legacy-description.json), in the
 * shape the import writes (shared/doc/rich-text.ts) and with hostile values from a peer, read into
 * Lexical's own nodes through @lexical/yjs exactly as collab.ts loads them.
 */
import { LinkNode } from '@lexical/link';
import { $isListNode, ListItemNode, ListNode } from '@lexical/list';
import { HeadingNode, QuoteNode } from '@lexical/rich-text';
import { createYjsBinding } from '@lexical/yjs';
import { $getRoot, $isElementNode, COLLABORATION_TAG, createEditor, type LexicalNode } from 'lexical';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { $normalizeTree } from '../../client/src/lib/editor/normalize.ts';
import { writeRichText } from '../../shared/doc/rich-text.ts';
import { buildLegacy } from '../helpers/legacy-description.ts';

const docs: Y.Doc[] = [];
afterEach(() => docs.splice(0).forEach((d) => d.destroy()));

type Block = { type: string; tag?: unknown; listType?: unknown; values?: unknown[]; url?: unknown; target?: unknown; rel?: unknown; text: string };

/** Loads the XmlText into a headless editor the way collab.ts does, and describes its blocks. */
function read(fill: (x: Y.XmlText) => void, normalize = true): Block[] {
  const doc = new Y.Doc();
  docs.push(doc);
  const x = doc.get('description', Y.XmlText);
  doc.transact(() => fill(x));
  const editor = createEditor({
    namespace: 'test',
    nodes: [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode],
    onError: (e) => {
      throw e;
    }
  });
  const binding = createYjsBinding({ editor, id: 'test', doc, docMap: new Map([['test', doc]]), getXmlText: () => x });
  editor.update(
    () => {
      binding.root.applyChildrenYjsDelta(binding, x.toDelta());
      binding.root.syncChildrenFromYjs(binding);
      if (normalize) $normalizeTree();
    },
    { tag: COLLABORATION_TAG, skipTransforms: true, discrete: true }
  );
  return editor.getEditorState().read(() => {
    const links = (n: LexicalNode): LinkNode[] => (n instanceof LinkNode ? [n] : $isElementNode(n) ? n.getChildren().flatMap(links) : []);
    return $getRoot()
      .getChildren()
      .map((n) => {
        const block: Block = { type: n.getType(), text: n.getTextContent() };
        if (n instanceof HeadingNode) block.tag = n.__tag;
        if ($isListNode(n)) Object.assign(block, { tag: n.__tag, listType: n.__listType, values: n.getChildren().map((c) => (c as ListItemNode).__value) });
        const [link] = links(n);
        if (link) Object.assign(block, { url: link.__url, target: link.__target, rel: link.__rel });
        return block;
      });
  });
}

describe('descriptions written by the hand-written nodes', () => {
  test('read as they were meant: a bulleted list is a <ul>, a numbered one counts from 1', () => {
    const blocks = read((x) => buildLegacy(x));
    expect(blocks.map((b) => [b.type, b.tag, b.listType, b.values])).toEqual([
      ['heading', 'h2', undefined, undefined],
      ['paragraph', undefined, undefined, undefined],
      ['list', 'ul', 'bullet', [1, 2]],
      ['heading', 'h3', undefined, undefined],
      ['list', 'ol', 'number', [1, 2, 3]]
    ]);
    expect(blocks[1]).toMatchObject({ text: 'Read the runbook and get sign-off first.', url: 'https://wiki.example.com/rollout', target: '_blank', rel: 'noopener noreferrer nofollow' });
  });

  test('without the pass, Lexical’s ListNode would draw the bulleted list as <ol> and number every item 1', () => {
    const lists = read((x) => buildLegacy(x), false).filter((b) => b.type === 'list');
    expect(lists.map((b) => [b.tag, b.listType, b.values])).toEqual([
      ['ol', 'bullet', [1, 1]],
      ['ol', 'number', [1, 1, 1]]
    ]);
  });
});

test('the import’s shape (writeRichText) needs no migration and reads unchanged', () => {
  const fill = (x: Y.XmlText) =>
    writeRichText(x, [
      { kind: 'heading', tag: 'h3', runs: [{ text: 'Acceptance', format: 0 }] },
      {
        kind: 'list',
        list: 'number',
        items: [
          [{ text: 'totals update', format: 0 }],
          [
            { text: 'see ', format: 0 },
            { text: 'figma', format: 0, url: 'https://example.com/figma' }
          ]
        ]
      },
      { kind: 'list', list: 'bullet', items: [[{ text: 'one', format: 0 }]] }
    ]);
  const raw = read(fill, false);
  expect(raw.map((b) => [b.type, b.tag, b.listType, b.values])).toEqual([
    ['heading', 'h3', undefined, undefined],
    ['list', 'ol', 'number', [1, 2]],
    ['list', 'ul', 'bullet', [1]]
  ]);
  expect(read(fill).map((b) => [b.type, b.tag, b.listType, b.values])).toEqual(raw.map((b) => [b.type, b.tag, b.listType, b.values]));
  expect(raw[1].url).toBe('https://example.com/figma');
});

test('a peer’s hostile values never name a DOM element or a link target', () => {
  const [heading, list, para] = read((x) => {
    const el = (parent: Y.XmlText, attrs: Record<string, unknown>) => {
      const e = new Y.XmlText();
      parent.insertEmbed(parent.length, e);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v as string);
      return e;
    };
    const text = (parent: Y.XmlText, s: string) => {
      parent.insertEmbed(parent.length, new Y.Map(Object.entries({ __type: 'text', __format: 0, __style: '', __mode: 0, __detail: 0 })));
      parent.insert(parent.length, s);
    };
    text(el(x, { __type: 'heading', __tag: 'script' }), 'alert');
    text(el(el(x, { __type: 'list', __listType: 'check', __tag: 'iframe' }), { __type: 'listitem', __value: 7 }), 'item');
    text(el(el(x, { __type: 'paragraph' }), { __type: 'link', __url: 'https://example.com/', __target: '_top', __rel: null }), 'out');
  });
  expect(heading.tag).toBe('h3');
  expect([list.tag, list.listType, list.values]).toEqual(['ul', 'bullet', [1]]);
  expect([para.target, para.rel]).toEqual(['_blank', 'noopener noreferrer nofollow']);
});
