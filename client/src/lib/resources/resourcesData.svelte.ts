/**
 * The runes bridge of the Resources view: one ResourceModel (shared/resources/model.ts) kept up to
 * date from the document incrementally. Observers on the resource roots and the milestones feed
 * the model only what changed (a booking edit re-reads that booking, never all 5,000), then bump
 * `version`; components derive from the model and never touch Yjs.
 */
import type * as Y from 'yjs';
import { members } from '$shared/doc/members.ts';
import { readMeta } from '$shared/doc/plan.ts';
import { raid } from '$shared/doc/raid.ts';
import { bookings, changedBookingIds, pools, resourcePeople } from '$shared/doc/resources.ts';
import { milestones } from '$shared/doc/timeline.ts';
import { dayOf, isoOf, mondayOf, todayIn } from '$shared/resources/calendar.ts';
import { ResourceModel } from '$shared/resources/model.ts';
import type { Member, Milestone, RaidItem } from '$shared/schema.ts';
import type { SharedEvent } from '$shared/doc/y-types.ts';

/** Weeks the model covers: a few before today and 18 months on. */
export const WEEKS_BEFORE = 4;
export const HORIZON_WEEKS = 78;

export class ResourcesData {
  readonly model: ResourceModel;
  version = $state(0);
  members = $state.raw<Map<string, Member>>(new Map());
  milestones = $state.raw<Milestone[]>([]);
  raid = $state.raw<RaidItem[]>([]);
  /** Index of the current week in the model's horizon. */
  readonly thisWeek: number;
  #off: (() => void)[] = [];

  constructor(
    private readonly doc: Y.Doc,
    now: number
  ) {
    const meta = readMeta(doc);
    const today = todayIn(meta.timeZone, now);
    const start = isoOf(mondayOf(dayOf(today)) - WEEKS_BEFORE * 7);
    this.thisWeek = WEEKS_BEFORE;
    this.model = new ResourceModel({ start, weeks: HORIZON_WEEKS, workingDays: meta.workingDays });
    this.model.apply({ people: resourcePeople.list(doc), pools: pools.list(doc), bookings: bookings.list(doc), milestones: milestones.list(doc) });
    this.#readSide();
    const on = (root: Y.Map<unknown>, fn: (events: SharedEvent[]) => void) => {
      root.observeDeep(fn);
      this.#off.push(() => root.unobserveDeep(fn));
    };
    on(bookings.root(doc), (events) => this.#sync(bookings, changedBookingIds(events), 'bookings', 'removedBookings'));
    on(resourcePeople.root(doc), (events) => this.#sync(resourcePeople, changedBookingIds(events), 'people', 'removedPeople'));
    on(pools.root(doc), (events) => this.#sync(pools, changedBookingIds(events), 'pools', 'removedPools'));
    on(milestones.root(doc), () => {
      const now = milestones.list(doc);
      const ids = new Set(now.map((m) => m.id));
      this.model.apply({ milestones: now, removedMilestones: this.milestones.filter((m) => !ids.has(m.id)).map((m) => m.id) });
      this.#readSide();
    });
    on(members.root(doc), () => this.#readSide());
    on(raid.root(doc), () => this.#readSide());
  }

  #sync<T extends { id: string }>(c: { get(doc: Y.Doc, id: string): T | null }, ids: Set<string>, put: 'bookings' | 'people' | 'pools', drop: 'removedBookings' | 'removedPeople' | 'removedPools'): void {
    const present: T[] = [];
    const gone: string[] = [];
    for (const id of ids) {
      const v = c.get(this.doc, id);
      if (v) present.push(v);
      else gone.push(id);
    }
    this.model.apply({ [put]: present, [drop]: gone });
    this.version++;
  }

  #readSide(): void {
    this.members = new Map(members.list(this.doc).map((m) => [m.id, m]));
    this.milestones = milestones.list(this.doc).sort((a, b) => (a.start < b.start ? -1 : 1));
    this.raid = raid.list(this.doc);
    this.version++;
  }

  name(id: string): string {
    return this.members.get(id)?.name ?? this.model.pool(id)?.name ?? id;
  }

  destroy(): void {
    for (const off of this.#off) off();
  }
}
