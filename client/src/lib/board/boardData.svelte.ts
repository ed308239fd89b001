/**
 * The live data the board and sprint planning read, kept up to date incrementally. Cards are kept
 * decoded by id and only the cards a transaction touched are decoded again (observeCards), so a
 * move on a 2,000-card plan decodes one card, and every other card keeps its object identity:
 * Svelte's keyed lists then re-render that one card only. Sprints, epics and members are small and
 * re-read whole when they change. Everything here is replaced, never mutated ($state.raw).
 */
import type * as Y from 'yjs';
import { cards, observeCards } from '$shared/doc/cards.ts';
import { members } from '$shared/doc/members.ts';
import { epics, observeSprintPlanning, sprints } from '$shared/doc/sprints.ts';
import type { Card, Epic, Member, Sprint } from '$shared/schema.ts';

export class BoardData {
  cards = $state.raw<Card[]>([]);
  sprints = $state.raw<Sprint[]>([]);
  members = $state.raw<Member[]>([]);
  epics = $state.raw<Epic[]>([]);
  /** How many cards were decoded since the view opened (for the benchmark and for curiosity). */
  decoded = 0;
  readonly #byId = new Map<string, Card>();
  readonly #off: (() => void)[] = [];

  constructor(private readonly doc: Y.Doc) {
    for (const c of cards.list(doc)) this.#byId.set(c.id, c);
    this.decoded = this.#byId.size;
    this.cards = [...this.#byId.values()];
    this.#readPlanning();
    this.#off.push(observeCards(doc, (ids) => this.#changed(ids)));
    this.#off.push(observeSprintPlanning(doc, () => this.#readPlanning()));
  }

  get(id: string): Card | null {
    return this.#byId.get(id) ?? null;
  }

  #changed(ids: ReadonlySet<string>): void {
    for (const id of ids) {
      const card = cards.get(this.doc, id);
      this.decoded++;
      if (card) this.#byId.set(id, card);
      else this.#byId.delete(id);
    }
    this.cards = [...this.#byId.values()];
  }

  #readPlanning(): void {
    this.sprints = sprints.list(this.doc).sort((a, b) => a.start.localeCompare(b.start) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    this.members = members.list(this.doc).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    this.epics = epics.list(this.doc).sort((a, b) => (a.rank !== b.rank ? (a.rank < b.rank ? -1 : 1) : a.id < b.id ? -1 : 1));
  }

  destroy(): void {
    for (const off of this.#off) off();
  }
}
