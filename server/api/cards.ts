/** Cards over REST: fields, place (status, sprint, rank) and estimate through the cards accessors. */
import * as v from 'valibot';
import { addCard, cards, estimateCard, moveCard, rankAtEnd } from '../../shared/doc/cards.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { sprints } from '../../shared/doc/sprints.ts';
import type { Card } from '../../shared/schema.ts';
import type * as Y from 'yjs';
import { fieldIs, Id, Ids, IsoDate, Text, Title, type Refusal, type Resource } from './resource.ts';

const Points = v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(10_000)));

const CardItem = v.strictObject({
  id: v.string(),
  title: v.string(),
  status: v.string(),
  sprint: v.nullable(v.string()),
  rank: v.string(),
  points: v.nullable(v.number()),
  assignee: v.nullable(v.string()),
  labels: v.array(v.string()),
  epic: v.nullable(v.string()),
  due: v.nullable(v.string()),
  links: v.array(v.string()),
  createdAt: v.number(),
  createdBy: v.string(),
  descriptionText: v.string(),
  history: v.array(v.object({ at: v.number(), from: v.nullable(v.string()), to: v.string(), actor: v.string() }))
});
type CardView = v.InferOutput<typeof CardItem>;

const fields = {
  assignee: v.optional(v.nullable(Id)),
  labels: v.optional(v.pipe(v.array(Text(80)), v.maxLength(50))),
  epic: v.optional(v.nullable(Id)),
  due: v.optional(v.nullable(IsoDate)),
  links: v.optional(Ids),
  sprint: v.optional(v.nullable(Id)),
  points: v.optional(Points),
  rank: v.optional(Text(64))
};

const CardCreate = v.strictObject({ title: Title(500), status: v.optional(Id), ...fields });
const CardUpdate = v.strictObject({ title: v.optional(Title(500)), status: v.optional(Id), ...fields });

const view = (c: Card): CardView => ({
  id: c.id,
  title: c.title,
  status: c.status,
  sprint: c.sprint,
  rank: c.rank,
  points: c.points,
  assignee: c.assignee,
  labels: c.labels,
  epic: c.epic,
  due: c.due,
  links: c.links,
  createdAt: c.createdAt,
  createdBy: c.createdBy,
  descriptionText: c.descriptionText,
  history: c.history
});

/** A card's status and sprint must exist in the plan (the board would hide it otherwise). */
function placeRefusal(doc: Y.Doc, input: { status?: string; sprint?: string | null }): Refusal | null {
  if (input.status !== undefined && !statuses.get(doc, input.status)) return { refused: `no status ${input.status} in this plan` };
  if (input.sprint && !sprints.get(doc, input.sprint)) return { refused: `no sprint ${input.sprint} in this plan` };
  return null;
}

type CardInput = v.InferOutput<typeof CardUpdate>;

export const cardResource: Resource<CardView> = {
  path: 'cards',
  title: 'Card',
  item: CardItem,
  create: CardCreate,
  update: CardUpdate,
  filters: {
    status: fieldIs<CardView>('status'),
    sprint: { description: 'only cards in this sprint (`backlog`: in no sprint)', match: (c, value) => (c.sprint ?? 'backlog') === value },
    assignee: fieldIs<CardView>('assignee'),
    epic: fieldIs<CardView>('epic'),
    label: { description: 'only cards with this label', match: (c, value) => c.labels.includes(value) }
  },
  list: (doc) => cards.list(doc).map(view),
  get: (doc, id) => {
    const c = cards.get(doc, id);
    return c && view(c);
  },
  add(doc, editor, input: v.InferOutput<typeof CardCreate>) {
    const refusal = placeRefusal(doc, input);
    if (refusal) return refusal;
    const { title, status, sprint, points, rank, ...rest } = input;
    const first = status ?? [...statuses.list(doc)].sort((a, b) => (a.rank < b.rank ? -1 : 1))[0]?.id ?? 'backlog';
    return addCard(doc, editor, { ...rest, title, status: first, sprint: sprint ?? null, points: points ?? null, rank: rank ?? rankAtEnd(doc) });
  },
  change(doc, editor, id, input: CardInput) {
    if (!cards.item(doc, id)) return false;
    const refusal = placeRefusal(doc, input);
    if (refusal) return refusal;
    const { status, sprint, rank, points, ...plain } = input;
    // One transaction: people see the change whole, and history gets one entry per status change.
    doc.transact(() => {
      cards.update(doc, editor, id, plain);
      moveCard(doc, editor, id, { status, sprint, rank });
      if (points !== undefined) estimateCard(doc, editor, id, points);
    }, editor.origin);
    return true;
  },
  remove: (doc, editor, id) => cards.remove(doc, editor, id)
};
