/** RAID items over REST, through createRaidItem / updateRaidItem (each change logged on the item). */
import * as v from 'valibot';
import { createRaidItem, raid, updateRaidItem } from '../../shared/doc/raid.ts';
import type { RaidItem } from '../../shared/schema.ts';
import { fieldIs, Id, Ids, IsoDate, Score, Title, type Resource } from './resource.ts';

const KINDS = ['risk', 'assumption', 'issue', 'dependency'] as const;
const STATUSES = ['open', 'monitoring', 'mitigating', 'closed'] as const;

const RaidOut = v.strictObject({
  id: v.string(),
  kind: v.picklist(KINDS),
  title: v.string(),
  owner: v.nullable(v.string()),
  status: v.picklist(STATUSES),
  raised: v.string(),
  review: v.nullable(v.string()),
  due: v.nullable(v.string()),
  likelihood: v.number(),
  impact: v.number(),
  residualLikelihood: v.nullable(v.number()),
  residualImpact: v.nullable(v.number()),
  links: v.array(v.string()),
  descriptionText: v.string(),
  responseText: v.string()
});

const optional = {
  owner: v.optional(v.nullable(Id)),
  status: v.optional(v.picklist(STATUSES)),
  review: v.optional(v.nullable(IsoDate)),
  due: v.optional(v.nullable(IsoDate)),
  likelihood: v.optional(Score),
  impact: v.optional(Score),
  residualLikelihood: v.optional(v.nullable(Score)),
  residualImpact: v.optional(v.nullable(Score)),
  links: v.optional(Ids)
};
const RaidCreate = v.strictObject({ kind: v.picklist(KINDS), title: Title(500), raised: v.optional(IsoDate), ...optional });
const RaidUpdate = v.strictObject({ kind: v.optional(v.picklist(KINDS)), title: v.optional(Title(500)), raised: v.optional(IsoDate), ...optional });

export const raidResource: Resource<RaidItem> = {
  path: 'raid',
  title: 'RaidItem',
  item: RaidOut,
  create: RaidCreate,
  update: RaidUpdate,
  filters: { kind: fieldIs<RaidItem>('kind'), status: fieldIs<RaidItem>('status'), owner: fieldIs<RaidItem>('owner') },
  list: (doc) => raid.list(doc),
  get: (doc, id) => raid.get(doc, id),
  add: (doc, editor, input: v.InferOutput<typeof RaidCreate>) =>
    createRaidItem(doc, editor, {
      owner: null,
      status: 'open',
      review: null,
      due: null,
      likelihood: 3,
      impact: 3,
      residualLikelihood: null,
      residualImpact: null,
      links: [],
      ...input,
      raised: input.raised ?? new Date(editor.now()).toISOString().slice(0, 10)
    }),
  change: (doc, editor, id, input: v.InferOutput<typeof RaidUpdate>) => updateRaidItem(doc, editor, id, input),
  remove: (doc, editor, id) => raid.remove(doc, editor, id)
};
