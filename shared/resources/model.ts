/**
 * The resource plan's computed state, kept up to date incrementally [RS13]: an edit recomputes
 * only the rows of the resources it touches (a booking's old and new resource; a person or pool
 * edited; the bookings following a milestone that moved). Plain data in, plain data out; the
 * client feeds it what its document observer saw change.
 */
import type { Booking, Milestone, Pool, ResourcePerson, Weekday } from '../schema.ts';
import { dayOf, isoOf, type Day } from './calendar.ts';
import { leaveDays, personCapacity, poolCapacity, workDays, type Horizon } from './capacity.ts';
import { bookingSpan, type Span } from './dates.ts';
import { addDemand, type PersonContext } from './demand.ts';
import { personWeeks, poolWeeks, type WeekFigures } from './utilisation.ts';

export type ResourceKind = 'person' | 'pool';

export type ResourceRow = WeekFigures & { id: string; kind: ResourceKind };

export type ModelSettings = { start: string; weeks: number; workingDays: readonly Weekday[] };

export type ModelChange = {
  people?: ResourcePerson[];
  removedPeople?: string[];
  pools?: Pool[];
  removedPools?: string[];
  bookings?: Booking[];
  removedBookings?: string[];
  milestones?: Pick<Milestone, 'id' | 'start'>[];
  removedMilestones?: string[];
};

export class ResourceModel {
  readonly horizon: Horizon;
  readonly weekStarts: string[];
  private readonly planDays: readonly Weekday[];
  private readonly people = new Map<string, ResourcePerson>();
  private readonly pools = new Map<string, Pool>();
  private readonly bookings = new Map<string, Booking>();
  private readonly byResource = new Map<string, Set<string>>();
  private readonly byMilestone = new Map<string, Set<string>>();
  private readonly milestoneStarts = new Map<string, string>();
  private readonly rowCache = new Map<string, ResourceRow>();
  /** Daily capacity per resource: changes only when the person or pool does, not with bookings. */
  private readonly capacityCache = new Map<string, Float64Array>();
  private readonly dirty = new Set<string>();

  constructor(settings: ModelSettings) {
    const origin = dayOf(settings.start);
    this.horizon = { origin, days: settings.weeks * 7 };
    this.planDays = settings.workingDays;
    this.weekStarts = Array.from({ length: settings.weeks }, (_, w) => isoOf(origin + w * 7));
  }

  /** Applies a change; only the resources it touches are recomputed on the next read. */
  apply(change: ModelChange): this {
    for (const p of change.people ?? []) this.touch(p.id, () => this.people.set(p.id, p));
    for (const id of change.removedPeople ?? []) this.touch(id, () => this.people.delete(id));
    for (const p of change.pools ?? []) this.touch(p.id, () => this.pools.set(p.id, p));
    for (const id of change.removedPools ?? []) this.touch(id, () => this.pools.delete(id));
    for (const m of change.milestones ?? []) this.moveMilestone(m.id, m.start);
    for (const id of change.removedMilestones ?? []) this.moveMilestone(id, null);
    for (const b of change.bookings ?? []) this.putBooking(b);
    for (const id of change.removedBookings ?? []) this.dropBooking(id);
    return this;
  }

  private touch(id: string, fn: () => void): void {
    fn();
    this.capacityCache.delete(id);
    this.dirty.add(id);
  }

  private moveMilestone(id: string, start: string | null): void {
    if ((this.milestoneStarts.get(id) ?? null) === start) return;
    if (start === null) this.milestoneStarts.delete(id);
    else this.milestoneStarts.set(id, start);
    for (const bid of this.byMilestone.get(id) ?? []) {
      const b = this.bookings.get(bid);
      if (b) this.dirty.add(b.resource);
    }
  }

  private putBooking(b: Booking): void {
    this.dropBooking(b.id);
    this.bookings.set(b.id, b);
    index(this.byResource, b.resource, b.id);
    if (b.follows) index(this.byMilestone, b.follows, b.id);
    this.dirty.add(b.resource);
  }

  private dropBooking(id: string): void {
    const old = this.bookings.get(id);
    if (!old) return;
    this.bookings.delete(id);
    this.byResource.get(old.resource)?.delete(id);
    if (old.follows) this.byMilestone.get(old.follows)?.delete(id);
    this.dirty.add(old.resource);
  }

  /** Where a booking lies now (after its milestone moved) [RS6]. */
  span(b: Booking): Span {
    return bookingSpan(b, this.milestoneStarts);
  }

  booking(id: string): Booking | null {
    return this.bookings.get(id) ?? null;
  }

  person(id: string): ResourcePerson | null {
    return this.people.get(id) ?? null;
  }

  pool(id: string): Pool | null {
    return this.pools.get(id) ?? null;
  }

  peopleIds(): string[] {
    return [...this.people.keys()].sort();
  }

  poolIds(): string[] {
    return [...this.pools.keys()].sort();
  }

  /** One resource's weekly figures; null for a resource that is neither a person nor a pool. */
  row(id: string): ResourceRow | null {
    if (this.dirty.has(id)) {
      this.rowCache.delete(id);
      this.dirty.delete(id);
    }
    const cached = this.rowCache.get(id);
    if (cached) return cached;
    const row = this.compute(id);
    if (row) this.rowCache.set(id, row);
    return row;
  }

  /** Recomputes whatever is dirty now (what "recompute after one edit" measures). */
  flush(): number {
    const ids = [...this.dirty];
    for (const id of ids) this.row(id);
    return ids.length;
  }

  /** The bookings of a resource that overlap week `w` (drill-down), by start then id. */
  bookingsIn(id: string, w: number): Booking[] {
    const from: Day = this.horizon.origin + w * 7;
    const to: Day = from + 6;
    const out: Booking[] = [];
    for (const bid of this.byResource.get(id) ?? []) {
      const b = this.bookings.get(bid)!;
      const s = this.span(b);
      if (s.start <= to && s.end >= from) out.push(b);
    }
    return out.sort((a, b) => this.span(a).start - this.span(b).start || (a.id < b.id ? -1 : 1));
  }

  private compute(id: string): ResourceRow | null {
    const h = this.horizon;
    const person = this.people.get(id);
    const pool = person ? undefined : this.pools.get(id);
    if (!person && !pool) return null;
    const demand = new Float64Array(h.days);
    const ctx: PersonContext | null = person
      ? { hoursPerDay: person.hoursPerDay, works: workDays(person, this.planDays), leave: leaveDays(person, h) }
      : null;
    for (const bid of this.byResource.get(id) ?? []) {
      const b = this.bookings.get(bid)!;
      // A person's booking in units, or a pool's in percent, is a mistake: counted as the kind it is on.
      addDemand(demand, pool ? { ...b, unit: 'units' } : b.unit === 'units' ? { ...b, unit: 'percent' } : b, this.span(b), h, ctx);
    }
    let capacity = this.capacityCache.get(id);
    if (!capacity) this.capacityCache.set(id, (capacity = person ? personCapacity(person, this.planDays, h) : poolCapacity(pool!, h)));
    const weeks = person ? personWeeks(capacity, demand, h) : poolWeeks(capacity, demand, h);
    return { id, kind: person ? 'person' : 'pool', ...weeks };
  }
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}
