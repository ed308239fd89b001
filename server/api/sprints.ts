/** Sprints over REST: fields through addSprint / updateSprint; `state` starts or closes one. */
import * as v from 'valibot';
import { addSprint, closeSprint, sprints, startSprintNow, updateSprint } from '../../shared/doc/sprints.ts';
import type { Sprint } from '../../shared/schema.ts';
import { fieldIs, Id, IsoDate, Text, Title, type Resource } from './resource.ts';

const SprintItem = v.strictObject({
  id: v.string(),
  name: v.string(),
  goal: v.string(),
  start: v.string(),
  end: v.string(),
  state: v.picklist(['planned', 'active', 'closed']),
  commitment: v.nullable(v.object({ at: v.number(), cards: v.array(v.object({ id: v.string(), points: v.nullable(v.number()) })) })),
  closedAt: v.nullable(v.number())
});

const SprintCreate = v.strictObject({ name: Title(120), goal: v.optional(Text(2000), ''), start: IsoDate, end: IsoDate });
const SprintUpdate = v.strictObject({
  name: v.optional(Title(120)),
  goal: v.optional(Text(2000)),
  start: v.optional(IsoDate),
  end: v.optional(IsoDate),
  /** `active` starts a planned sprint (its commitment is recorded); `closed` closes an active one. */
  state: v.optional(v.picklist(['active', 'closed'])),
  /** On close: where unfinished cards go (a sprint id; null or absent: the backlog). */
  moveUnfinishedTo: v.optional(v.nullable(Id))
});

export const sprintResource: Resource<Sprint> = {
  path: 'sprints',
  title: 'Sprint',
  item: SprintItem,
  create: SprintCreate,
  update: SprintUpdate,
  filters: { state: fieldIs<Sprint>('state') },
  list: (doc) => sprints.list(doc),
  get: (doc, id) => sprints.get(doc, id),
  add(doc, editor, input: v.InferOutput<typeof SprintCreate>) {
    const r = addSprint(doc, editor, input);
    return r.ok ? r.id : { refused: r.reason };
  },
  change(doc, editor, id, input: v.InferOutput<typeof SprintUpdate>) {
    const before = sprints.get(doc, id);
    if (!before) return false;
    const { state, moveUnfinishedTo, ...fields } = input;
    let refused: string | null = null;
    doc.transact(() => {
      if (Object.keys(fields).length) {
        const r = updateSprint(doc, editor, id, fields);
        if (!r.ok) refused = r.reason;
      }
      if (refused || state === undefined || state === before.state) return;
      if (state === 'active' && !startSprintNow(doc, editor, id)) refused = `the sprint is ${before.state}, not planned`;
      if (state === 'closed') {
        const r = closeSprint(doc, editor, id, { moveUnfinishedTo: moveUnfinishedTo ?? null });
        if (!r.ok) refused = r.reason;
      }
    }, editor.origin);
    return refused ? { refused } : true;
  },
  remove: (doc, editor, id) => sprints.remove(doc, editor, id)
};
