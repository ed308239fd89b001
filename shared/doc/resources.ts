/**
 * The resource plan's typed accessors (issue 15): people as resources, infrastructure pools with
 * dated capacity changes, and bookings. Readers validate every value (a peer may write anything)
 * and drop what cannot be a booking or a change rather than guess; writers clean their input the
 * same way, so garbage never reaches the document from us.
 */
import * as Y from 'yjs';
import { newId } from '../ids.ts';
import {
  BOOKING_SOURCES,
  CAPACITY_CHANGE_KINDS,
  PLAN_ROOT,
  POOL_KINDS,
  type Booking,
  type CapacityChange,
  type LeaveRange,
  type Pool,
  type ResourcePerson,
  type Weekday
} from '../schema.ts';
import { defineCollection, type ItemMap } from './collection.ts';
import { isoDate, num, numberRecord, oneOf, record, str, strArray, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';
import type { SharedEvent } from './y-types.ts';

/** Entries of a nested Y.Map of plain records, sorted by key so converged replicas read alike. */
function nestedRecords<T>(m: ItemMap, key: string, read: (id: string, e: Record<string, unknown>) => T | null): T[] {
  const nested = m.get(key);
  if (!(nested instanceof Y.Map)) return [];
  const out: T[] = [];
  for (const id of [...nested.keys()].sort()) {
    const e = record(nested.get(id));
    const value = e && read(id, e);
    if (value) out.push(value);
  }
  return out;
}

const readLeave = (id: string, e: Record<string, unknown>): LeaveRange | null => {
  const start = isoDate(e.start);
  const end = isoDate(e.end) ?? start;
  return start && end && end >= start ? { id, start, end, note: str(e.note).slice(0, 200) } : null;
};

const readChange = (id: string, e: Record<string, unknown>): CapacityChange | null => {
  const kind = oneOf(e.kind, CAPACITY_CHANGE_KINDS, 'delivery');
  const date = isoDate(e.date);
  const units = num(e.units, NaN, 0, 1e6);
  if (!date || !Number.isFinite(units) || e.kind !== kind) return null;
  const end = kind === 'maintenance' ? (isoDate(e.end) ?? date) : null;
  if (end !== null && end < date) return null;
  return { id, kind, date, end, units, note: str(e.note).slice(0, 200) };
};

function workingDays(value: unknown): Weekday[] | null {
  if (!Array.isArray(value)) return null;
  return [...new Set(value.filter((d) => Number.isInteger(d) && d >= 0 && d <= 6))].sort() as Weekday[];
}

export const resourcePeople = defineCollection<ResourcePerson, Partial<Omit<ResourcePerson, 'id' | 'weeks' | 'leave'>>>(
  PLAN_ROOT.resourcePeople,
  (id, m) => {
    const weeks = m.get('weeks');
    return {
      id,
      skills: strArray(m.get('skills'), 50),
      team: str(m.get('team')).slice(0, 120),
      allocation: num(m.get('allocation'), 100, 0, 100),
      hoursPerDay: num(m.get('hoursPerDay'), 8, 0, 24),
      weeks: numberRecord(weeks instanceof Y.Map ? weeks.toJSON() : null, 0, 100),
      leave: nestedRecords(m, 'leave', readLeave),
      workingDays: workingDays(m.get('workingDays'))
    };
  }
);

export type PersonFields = { skills?: string[]; team?: string; allocation?: number; hoursPerDay?: number; workingDays?: Weekday[] | null };

/** Cleans a person patch: percentages 0..100, hours 0..24, skills deduplicated. */
function cleanPerson(fields: PersonFields): PersonFields {
  const out: PersonFields = {};
  if (Array.isArray(fields.skills)) out.skills = [...new Set(strArray(fields.skills, 50).map((s) => s.trim()).filter(Boolean))];
  if (typeof fields.team === 'string') out.team = fields.team.trim().slice(0, 120);
  if (typeof fields.allocation === 'number' && fields.allocation >= 0 && fields.allocation <= 100) out.allocation = fields.allocation;
  if (typeof fields.hoursPerDay === 'number' && fields.hoursPerDay >= 0 && fields.hoursPerDay <= 24) out.hoursPerDay = fields.hoursPerDay;
  if (fields.workingDays !== undefined) out.workingDays = fields.workingDays === null ? null : workingDays(fields.workingDays);
  return out;
}

/** Makes a member a resource (or updates its resource fields). The nested maps are created once. */
export function setPerson(doc: Y.Doc, editor: Editor, memberId: string, fields: PersonFields): void {
  const clean = cleanPerson(fields);
  if (resourcePeople.item(doc, memberId)) {
    resourcePeople.update(doc, editor, memberId, clean);
    return;
  }
  resourcePeople.add(doc, editor, clean, { id: memberId, nested: () => ({ weeks: new Y.Map(), leave: new Y.Map() }) });
}

/** A nested map of an item, created if a peer's garbage replaced it. Inside a transaction. */
function nestedMap(item: ItemMap, key: string): Y.Map<unknown> {
  let nested = item.get(key);
  if (!(nested instanceof Y.Map)) {
    nested = new Y.Map();
    item.set(key, nested);
  }
  return nested as Y.Map<unknown>;
}

/** Allocation % of one person in one week (ISO Monday); null removes the override. */
export function setWeekAllocation(doc: Y.Doc, editor: Editor, memberId: string, week: string, percent: number | null): boolean {
  const m = resourcePeople.item(doc, memberId);
  if (!m || !isoDate(week) || (percent !== null && !(percent >= 0 && percent <= 100))) return false;
  doc.transact(() => {
    const weeks = nestedMap(m, 'weeks');
    if (percent === null) weeks.delete(week);
    else weeks.set(week, percent);
  }, editor.origin);
  return true;
}

export function addLeave(doc: Y.Doc, editor: Editor, memberId: string, leave: Omit<LeaveRange, 'id'>): string | null {
  const m = resourcePeople.item(doc, memberId);
  if (!m || !readLeave('x', leave)) return null;
  const id = newId();
  doc.transact(() => nestedMap(m, 'leave').set(id, { start: leave.start, end: leave.end, note: leave.note }), editor.origin);
  return id;
}

/** Deletes one entry of an item's nested map; false when the item or the entry is gone. */
function removeNested(doc: Y.Doc, editor: Editor, item: ItemMap | null, key: string, id: string): boolean {
  const nested = item?.get(key);
  if (!(nested instanceof Y.Map) || !nested.has(id)) return false;
  doc.transact(() => nested.delete(id), editor.origin);
  return true;
}

export function removeLeave(doc: Y.Doc, editor: Editor, memberId: string, leaveId: string): boolean {
  return removeNested(doc, editor, resourcePeople.item(doc, memberId), 'leave', leaveId);
}

export const pools = defineCollection<Pool, Partial<Omit<Pool, 'id' | 'changes'>>>(PLAN_ROOT.pools, (id, m) => ({
  id,
  name: str(m.get('name'), 'Pool').slice(0, 120),
  kind: oneOf(m.get('kind'), POOL_KINDS, 'other'),
  unit: str(m.get('unit'), 'units').slice(0, 32),
  capacity: num(m.get('capacity'), 0, 0, 1e6),
  changes: nestedRecords(m, 'changes', readChange),
  rank: str(m.get('rank'), 'i')
}));

export type PoolFields = Omit<Pool, 'id' | 'changes'>;

export function addPool(doc: Y.Doc, editor: Editor, fields: PoolFields, id?: string): string {
  const clean = { ...fields, name: fields.name.trim().slice(0, 120) || 'Pool', capacity: Math.max(0, fields.capacity) };
  return pools.add(doc, editor, clean, { id, nested: () => ({ changes: new Y.Map() }) });
}

/** Adds a dated capacity change to a pool; null when the pool is gone or the change is not valid. */
export function addCapacityChange(doc: Y.Doc, editor: Editor, poolId: string, change: Omit<CapacityChange, 'id'>, id = newId()): string | null {
  const m = pools.item(doc, poolId);
  if (!m || !readChange(id, change)) return null;
  const value = { kind: change.kind, date: change.date, end: change.kind === 'maintenance' ? change.end : null, units: change.units, note: change.note };
  doc.transact(() => nestedMap(m, 'changes').set(id, value), editor.origin);
  return id;
}

export function removeCapacityChange(doc: Y.Doc, editor: Editor, poolId: string, changeId: string): boolean {
  return removeNested(doc, editor, pools.item(doc, poolId), 'changes', changeId);
}

/** Reads a booking from any field source (a Y.Map, or a plain patch being cleaned). */
function decodeBooking(id: string, m: { get(key: string): unknown }): Booking | null {
  const resource = strOrNull(m.get('resource'));
  const start = isoDate(m.get('start'));
  const end = isoDate(m.get('end'));
  const amount = num(m.get('amount'), NaN, 0, 1e6);
  const resourceKind = m.get('resourceKind');
  // Without a resource, dates or an amount there is nothing to count: the booking is not one.
  if (!resource || !start || !end || end < start || !Number.isFinite(amount)) return null;
  if (resourceKind !== 'person' && resourceKind !== 'pool') return null;
  const unit = resourceKind === 'pool' ? 'units' : oneOf(m.get('unit'), ['percent', 'hours'] as const, 'percent');
  const follows = strOrNull(m.get('follows'));
  return {
    id,
    resource: resource.slice(0, 64),
    resourceKind,
    source: oneOf(m.get('source'), BOOKING_SOURCES, 'workstream'),
    sourceId: strOrNull(m.get('sourceId')),
    title: str(m.get('title')).slice(0, 200),
    start,
    end,
    amount: unit === 'percent' ? Math.min(amount, 1000) : amount,
    unit,
    follows,
    anchor: follows ? isoDate(m.get('anchor')) : null
  };
}

export const bookings = defineCollection<Booking, BookingPatch>(PLAN_ROOT.bookings, decodeBooking);

export type BookingFields = Omit<Booking, 'id'>;
export type BookingPatch = Partial<BookingFields>;

/** A booking's fields checked the way readers check them; null when they do not make a booking. */
export function cleanBooking(fields: BookingFields): BookingFields | null {
  const source = fields as unknown as Record<string, unknown>;
  const decoded = decodeBooking('', { get: (key) => source[key] });
  if (!decoded) return null;
  const { id: _, ...rest } = decoded;
  return rest;
}

export function addBooking(doc: Y.Doc, editor: Editor, fields: BookingFields, id?: string): string | null {
  const clean = cleanBooking(fields);
  return clean ? bookings.add(doc, editor, clean, { id }) : null;
}

/**
 * Moves a booking to other dates and/or another resource, as a drag does. Start, end, resource and
 * anchor are written together, so of two concurrent moves one wins whole (never one's dates with
 * the other's resource half-applied to a range). `anchor` is the followed milestone's start now.
 */
export function moveBooking(
  doc: Y.Doc,
  editor: Editor,
  id: string,
  to: { start: string; end: string; resource?: string; anchor?: string | null }
): boolean {
  const before = bookings.get(doc, id);
  const m = bookings.item(doc, id);
  if (!before || !m || !isoDate(to.start) || !isoDate(to.end) || to.end < to.start) return false;
  doc.transact(() => {
    m.set('start', to.start);
    m.set('end', to.end);
    m.set('resource', to.resource ?? before.resource);
    if (before.follows) m.set('anchor', to.anchor ?? before.anchor);
  }, editor.origin);
  return true;
}

/** Every booking, ordered by start then id, so replicas list them alike. */
export function listBookings(doc: Y.Doc): Booking[] {
  return bookings.list(doc).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The booking ids a change of the bookings root touched (for incremental recompute). */
export function changedBookingIds(events: SharedEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    if (e.target === e.currentTarget) for (const key of e.changes.keys.keys()) out.add(key);
    else {
      const id = e.path[0];
      if (typeof id === 'string') out.add(id);
    }
  }
  return out;
}

