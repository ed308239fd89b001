/** Plan members: people with a time zone, working hours and capacity per sprint. */
import * as Y from 'yjs';
import { PLAN_ROOT, type Member } from '../schema.ts';
import { defineCollection, type ItemMap } from './collection.ts';
import { num, numberRecord, str } from './fields.ts';
import type { Editor } from './origin.ts';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = (v: unknown, fallback: string) => (typeof v === 'string' && HHMM.test(v) ? v : fallback);
const nestedNumbers = (m: ItemMap, key: string) => {
  const v = m.get(key);
  return numberRecord(v instanceof Y.Map ? v.toJSON() : null, 0, 10_000);
};

export type MemberFields = Omit<Member, 'id' | 'capacity' | 'daysOff'>;

export const members = defineCollection<Member, Partial<MemberFields>>(PLAN_ROOT.members, (id, m) => ({
  id,
  name: str(m.get('name'), 'Unknown').slice(0, 120),
  title: str(m.get('title')).slice(0, 120),
  timeZone: str(m.get('timeZone'), 'UTC').slice(0, 64),
  workStart: hhmm(m.get('workStart'), '09:00'),
  workEnd: hhmm(m.get('workEnd'), '17:00'),
  defaultCapacity: num(m.get('defaultCapacity'), 0, 0, 10_000),
  capacity: nestedNumbers(m, 'capacity'),
  daysOff: nestedNumbers(m, 'daysOff')
}));

export function addMember(doc: Y.Doc, editor: Editor, fields: MemberFields, id?: string): string {
  return members.add(doc, editor, fields, { id, nested: () => ({ capacity: new Y.Map(), daysOff: new Y.Map() }) });
}

/**
 * Capacity and days off of one member in one sprint. Nested maps, so two people setting different
 * sprints (or one the capacity, another the days off) never overwrite each other.
 */
export function setSprintCapacity(
  doc: Y.Doc,
  editor: Editor,
  memberId: string,
  sprintId: string,
  value: { capacity?: number; daysOff?: number }
): boolean {
  const m = members.item(doc, memberId);
  if (!m) return false;
  doc.transact(() => {
    for (const key of ['capacity', 'daysOff'] as const) {
      const v = value[key];
      if (v === undefined) continue;
      let nested = m.get(key);
      if (!(nested instanceof Y.Map)) {
        nested = new Y.Map();
        m.set(key, nested);
      }
      (nested as Y.Map<number>).set(sprintId, v);
    }
  }, editor.origin);
  return true;
}
