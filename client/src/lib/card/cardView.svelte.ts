/**
 * The runes bridge for one open card: the card itself, its description's Y.XmlText (by identity,
 * so the editor is rebuilt if it is ever replaced), and the lists its fields pick from (members,
 * sprints, epics, RAID items, milestones). Each list is re-read only after a transaction that
 * changed its own part of the document, so typing in a description re-reads just the card.
 */
import type * as Y from 'yjs';
import { cardDescription, cards } from '$shared/doc/cards.ts';
import { members } from '$shared/doc/members.ts';
import { raid } from '$shared/doc/raid.ts';
import { epics, sprints } from '$shared/doc/sprints.ts';
import { milestones } from '$shared/doc/timeline.ts';
import { compareRank } from '$shared/rank.ts';
import type { Card, Epic, Member, Milestone, RaidItem, Sprint } from '$shared/schema.ts';

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

export class CardView {
  card = $state.raw<Card | null>(null);
  description = $state.raw<Y.XmlText | null>(null);
  members = $state.raw<Member[]>([]);
  sprints = $state.raw<Sprint[]>([]);
  epics = $state.raw<Epic[]>([]);
  raid = $state.raw<RaidItem[]>([]);
  milestones = $state.raw<Milestone[]>([]);

  readonly #readers: [() => unknown, () => void][] = [
    [() => members.root(this.doc), () => (this.members = members.list(this.doc).sort(byName))],
    [() => sprints.root(this.doc), () => (this.sprints = sprints.list(this.doc).sort((a, b) => a.start.localeCompare(b.start) || byName(a, b)))],
    [() => epics.root(this.doc), () => (this.epics = epics.list(this.doc).sort(compareRank))],
    [() => raid.root(this.doc), () => (this.raid = raid.list(this.doc).sort((a, b) => a.kind.localeCompare(b.kind) || a.title.localeCompare(b.title)))],
    [() => milestones.root(this.doc), () => (this.milestones = milestones.list(this.doc).sort((a, b) => a.start.localeCompare(b.start) || byName(a, b)))]
  ];

  #onTransaction = (tr: Y.Transaction) => {
    const changed = tr.changedParentTypes as Map<unknown, unknown>;
    const root = cards.root(this.doc);
    const item = cards.item(this.doc, this.cardId);
    if (changed.has(root) || (item && changed.has(item))) this.#readCard();
    for (const [type, read] of this.#readers) if (changed.has(type())) read();
  };

  constructor(
    private readonly doc: Y.Doc,
    readonly cardId: string
  ) {
    this.#readCard();
    for (const [, read] of this.#readers) read();
    doc.on('afterTransaction', this.#onTransaction);
  }

  #readCard(): void {
    this.card = cards.get(this.doc, this.cardId);
    const description = cardDescription(this.doc, this.cardId);
    if (description !== this.description) this.description = description;
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.#onTransaction);
  }
}
