/**
 * The runes bridge for the steering views: a plain snapshot of the plan plus the RAID change logs
 * and the meeting timer, re-read after every transaction that changed something (coalesced to one
 * read per microtask, so a sync burst reads once). Components read these and never touch Yjs.
 */
import type * as Y from 'yjs';
import { readMeetingTimer } from '$shared/doc/meeting.ts';
import { raidHistories } from '$shared/doc/raid.ts';
import { snapshot } from '$shared/doc/snapshot.ts';
import { dayOf, isoOf } from '$shared/metrics/calendar.ts';
import type { MeetingTimer, PlanSnapshot, RaidChange } from '$shared/schema.ts';

export class SteeringView {
  plan = $state.raw<PlanSnapshot>(null as unknown as PlanSnapshot);
  histories = $state.raw<Record<string, RaidChange[]>>({});
  timer = $state.raw<MeetingTimer>(null as unknown as MeetingTimer);
  /** Bumped on every re-read, for things derived from the clock as well as the document. */
  version = $state(0);
  #queued = false;
  #onTransaction = (tr: Y.Transaction) => {
    if (this.#queued || (tr.changed.size === 0 && tr.deleteSet.clients.size === 0)) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#read();
    });
  };

  constructor(
    private readonly doc: Y.Doc,
    private readonly now: () => number
  ) {
    this.#read();
    doc.on('afterTransaction', this.#onTransaction);
  }

  #read(): void {
    this.plan = snapshot(this.doc);
    this.histories = raidHistories(this.doc);
    this.timer = readMeetingTimer(this.doc);
    this.version++;
  }

  /** Today's date in the plan's zone, by the server-corrected clock. */
  today(): string {
    return isoOf(dayOf(this.now(), this.plan.meta.timeZone));
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.#onTransaction);
  }
}
