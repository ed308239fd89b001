/**
 * What a person can do to cards, as one object bound to a document and an editor. Each action is
 * one accessor call, hence one transaction tagged with this editor's origin, which is what the
 * undo manager tracks and what the pending-edits counter counts.
 */
import type * as Y from 'yjs';
import { addCard, cards, estimateCard, moveCard } from '$shared/doc/cards.ts';
import type { Editor } from '$shared/doc/origin.ts';
import { compareRank, rankBetween } from '$shared/rank.ts';

export const MAX_TITLE = 500;
export const MAX_POINTS = 1000;

export type CardActions = ReturnType<typeof createCardActions>;

export function createCardActions(doc: Y.Doc, editor: Editor) {
  return {
    /** Adds a card at the end of the list; returns its id, or null for an empty title. */
    add(title: string, status: string): string | null {
      const clean = title.trim().slice(0, MAX_TITLE);
      if (!clean) return null;
      const last = cards.list(doc).sort(compareRank).at(-1);
      return addCard(doc, editor, { title: clean, status, rank: rankBetween(last?.rank ?? null, null) });
    },
    rename(id: string, title: string): boolean {
      const clean = title.trim().slice(0, MAX_TITLE);
      return clean ? cards.update(doc, editor, id, { title: clean }) : false;
    },
    setStatus(id: string, status: string): boolean {
      return moveCard(doc, editor, id, { status });
    },
    setPoints(id: string, points: number | null): boolean {
      return estimateCard(doc, editor, id, points);
    },
    remove(id: string): boolean {
      return cards.remove(doc, editor, id);
    }
  };
}

/** Parses the points field: empty means "not estimated"; anything invalid is refused (null). */
export function parsePoints(text: string): { ok: true; value: number | null } | { ok: false } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n <= MAX_POINTS ? { ok: true, value: n } : { ok: false };
}
