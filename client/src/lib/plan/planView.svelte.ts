/**
 * The runes bridge over a plan document: plain, ordered views of what the screen shows (meta,
 * columns, cards), re-read through the typed accessors after every transaction that changed
 * something. Components read these arrays and never touch Yjs; they are replaced, never mutated
 * ($state.raw), so Svelte compares by identity and re-renders only what changed.
 */
import type * as Y from 'yjs';
import { cards } from '$shared/doc/cards.ts';
import { readMeta } from '$shared/doc/plan.ts';
import { orderedStatuses } from '$shared/doc/statuses.ts';
import { compareRank } from '$shared/rank.ts';
import type { Card, PlanMeta, Status } from '$shared/schema.ts';

export class PlanView {
  meta = $state.raw<PlanMeta>(null as unknown as PlanMeta);
  statuses = $state.raw<Status[]>([]);
  cards = $state.raw<Card[]>([]);
  #onTransaction = (tr: Y.Transaction) => {
    if (tr.changed.size > 0 || tr.deleteSet.clients.size > 0) this.#read();
  };

  constructor(private readonly doc: Y.Doc) {
    this.#read();
    doc.on('afterTransaction', this.#onTransaction);
  }

  #read(): void {
    this.meta = readMeta(this.doc);
    this.statuses = orderedStatuses(this.doc);
    this.cards = cards.list(this.doc).sort(compareRank);
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.#onTransaction);
  }
}
