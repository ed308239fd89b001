/** Decisions over REST, through addDecision / updateDecision. */
import * as v from 'valibot';
import { addDecision, decisions, updateDecision } from '../../shared/doc/decisions.ts';
import type { Decision } from '../../shared/schema.ts';
import { fieldIs, Id, Ids, IsoDate, Text, Title, type Resource } from './resource.ts';

const STATUSES = ['proposed', 'decided', 'superseded'] as const;

const DecisionItem = v.strictObject({
  id: v.string(),
  title: v.string(),
  date: v.string(),
  owner: v.nullable(v.string()),
  rationale: v.string(),
  options: v.array(v.string()),
  status: v.picklist(STATUSES),
  links: v.array(v.string())
});

const optional = {
  owner: v.optional(v.nullable(Id)),
  rationale: v.optional(Text(20_000)),
  options: v.optional(v.pipe(v.array(Text(500)), v.maxLength(20))),
  status: v.optional(v.picklist(STATUSES)),
  links: v.optional(Ids)
};
const DecisionCreate = v.strictObject({ title: Title(500), date: IsoDate, ...optional });
const DecisionUpdate = v.strictObject({ title: v.optional(Title(500)), date: v.optional(IsoDate), ...optional });

export const decisionResource: Resource<Decision> = {
  path: 'decisions',
  title: 'Decision',
  item: DecisionItem,
  create: DecisionCreate,
  update: DecisionUpdate,
  filters: { status: fieldIs<Decision>('status'), owner: fieldIs<Decision>('owner') },
  list: (doc) => decisions.list(doc),
  get: (doc, id) => decisions.get(doc, id),
  add: (doc, editor, input: v.InferOutput<typeof DecisionCreate>) => addDecision(doc, editor, input) ?? { refused: 'a decision needs a title and a real date' },
  change: (doc, editor, id, input: v.InferOutput<typeof DecisionUpdate>) => updateDecision(doc, editor, id, input),
  remove: (doc, editor, id) => decisions.remove(doc, editor, id)
};
