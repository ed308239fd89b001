/** Timeline items (milestones, phases, releases) over REST; a delete also drops their dependencies and gates. */
import * as v from 'valibot';
import { milestones, removeMilestone } from '../../shared/doc/timeline.ts';
import { STAGES, type Milestone } from '../../shared/schema.ts';
import { fieldIs, Id, IsoDate, Title, type Resource } from './resource.ts';

const KINDS = ['milestone', 'phase', 'release'] as const;

const MilestoneItem = v.strictObject({
  id: v.string(),
  name: v.string(),
  kind: v.picklist(KINDS),
  workstream: v.nullable(v.string()),
  start: v.string(),
  end: v.string(),
  baselineStart: v.nullable(v.string()),
  baselineEnd: v.nullable(v.string()),
  stage: v.picklist(STAGES),
  owner: v.nullable(v.string())
});

const optional = { workstream: v.optional(v.nullable(Id)), stage: v.optional(v.picklist(STAGES)), owner: v.optional(v.nullable(Id)) };
const MilestoneCreate = v.strictObject({ name: Title(200), kind: v.optional(v.picklist(KINDS), 'milestone'), start: IsoDate, end: v.optional(IsoDate), ...optional });
const MilestoneUpdate = v.strictObject({ name: v.optional(Title(200)), kind: v.optional(v.picklist(KINDS)), start: v.optional(IsoDate), end: v.optional(IsoDate), ...optional });

const order = (m: Milestone, patch: { start?: string; end?: string }) => (patch.end ?? m.end) >= (patch.start ?? m.start);

export const milestoneResource: Resource<Milestone> = {
  path: 'milestones',
  title: 'Milestone',
  item: MilestoneItem,
  create: MilestoneCreate,
  update: MilestoneUpdate,
  filters: { kind: fieldIs<Milestone>('kind'), stage: fieldIs<Milestone>('stage'), workstream: fieldIs<Milestone>('workstream') },
  list: (doc) => milestones.list(doc),
  get: (doc, id) => milestones.get(doc, id),
  add(doc, editor, input: v.InferOutput<typeof MilestoneCreate>) {
    const end = input.end ?? input.start;
    if (end < input.start) return { refused: 'the end date is before the start date' };
    return milestones.add(doc, editor, { workstream: null, stage: 'discovery', owner: null, baselineStart: null, baselineEnd: null, ...input, end });
  },
  change(doc, editor, id, input: v.InferOutput<typeof MilestoneUpdate>) {
    const before = milestones.get(doc, id);
    if (!before) return false;
    if (!order(before, input)) return { refused: 'the end date is before the start date' };
    return milestones.update(doc, editor, id, input);
  },
  remove: (doc, editor, id) => removeMilestone(doc, editor, id)
};
