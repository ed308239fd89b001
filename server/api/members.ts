/** Plan members (people on the plan's capacity, not access) over REST, through the members accessor. */
import * as v from 'valibot';
import { addMember, members } from '../../shared/doc/members.ts';
import type { Member } from '../../shared/schema.ts';
import { Text, Title, type Resource } from './resource.ts';

const HHMM = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM'));
const TimeZone = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone, e.g. Europe/Berlin')
);
const Capacity = v.pipe(v.number(), v.minValue(0), v.maxValue(10_000));

const MemberItem = v.strictObject({
  id: v.string(),
  name: v.string(),
  title: v.string(),
  timeZone: v.string(),
  workStart: v.string(),
  workEnd: v.string(),
  defaultCapacity: v.number(),
  capacity: v.record(v.string(), v.number()),
  daysOff: v.record(v.string(), v.number())
});

const MemberCreate = v.strictObject({
  name: Title(120),
  title: v.optional(Text(120), ''),
  timeZone: v.optional(TimeZone, 'UTC'),
  workStart: v.optional(HHMM, '09:00'),
  workEnd: v.optional(HHMM, '17:00'),
  defaultCapacity: v.optional(Capacity, 0)
});
const MemberUpdate = v.strictObject({
  name: v.optional(Title(120)),
  title: v.optional(Text(120)),
  timeZone: v.optional(TimeZone),
  workStart: v.optional(HHMM),
  workEnd: v.optional(HHMM),
  defaultCapacity: v.optional(Capacity)
});

export const memberResource: Resource<Member> = {
  path: 'members',
  title: 'Member',
  item: MemberItem,
  create: MemberCreate,
  update: MemberUpdate,
  filters: { timeZone: { description: 'only members in this time zone', match: (m, value) => m.timeZone === value } },
  list: (doc) => members.list(doc),
  get: (doc, id) => members.get(doc, id),
  add: (doc, editor, input: v.InferOutput<typeof MemberCreate>) => addMember(doc, editor, input),
  change: (doc, editor, id, input: v.InferOutput<typeof MemberUpdate>) => members.update(doc, editor, id, input),
  remove: (doc, editor, id) => members.remove(doc, editor, id)
};
