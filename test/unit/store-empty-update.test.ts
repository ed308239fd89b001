import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isEmptyUpdate } from '../../server/persistence/store.ts';

describe('isEmptyUpdate', () => {
  it('is true for the encoding of an empty doc', () => {
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(true);
  });

  it('is true for zero bytes and for a merge of nothing', () => {
    expect(isEmptyUpdate(new Uint8Array(0))).toBe(true);
    expect(isEmptyUpdate(Y.mergeUpdates([]))).toBe(true);
  });

  it('is false for a doc with one map entry', () => {
    const doc = new Y.Doc();
    doc.getMap('x').set('title', 'Sprint 1');
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc))).toBe(false);
  });

  it('is false for a doc whose only entry was deleted again (the deletion is content)', () => {
    const doc = new Y.Doc();
    doc.getMap('x').set('title', 'Sprint 1');
    doc.getMap('x').delete('title');
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc))).toBe(false);
  });
});
