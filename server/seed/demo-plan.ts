/**
 * The seeded demo plan: "Project Helios — GPU cluster build-out" (data in ./demo-data.ts).
 *
 * Everything is written through the typed accessors with editors whose clock this module drives, so
 * card history, estimate changes, sprint commitments and close times look like a team really worked
 * through four closed sprints and most of an active one. Deterministic for a given `now`: a seeded
 * PRNG, readable ids, and all times derived from `now` (the Monday of its week in the plan's zone is
 * the anchor; the active sprint started the Monday before).
 */
import * as Y from 'yjs';
import { addCard, cards, estimateCard, moveCard, type Place } from '../../shared/doc/cards.ts';
import { decisions } from '../../shared/doc/decisions.ts';
import { addMember, setSprintCapacity } from '../../shared/doc/members.ts';
import { addDemoResources } from './demo-resources.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addRaidItem } from '../../shared/doc/raid.ts';
import { epics, sprints, startSprint } from '../../shared/doc/sprints.ts';
import { dependencies, milestones, workstreams } from '../../shared/doc/timeline.ts';
import { compareRank, initialRanks } from '../../shared/rank.ts';
import {
  BACKLOG_CARDS,
  CARD_LINKS,
  DAYS_OFF,
  DECISIONS,
  DEPENDENCIES,
  EPICS,
  MEMBERS,
  MILESTONES,
  PLAN,
  RAID,
  REVIEWER,
  SPRINT_CARDS,
  SPRINTS,
  WORKSTREAMS,
  type CardRow,
  type MemberKey
} from './demo-data.ts';
import { createPrng } from '../../shared/prng.ts';

export const DEMO_ROOM = 'demo-gpu-cluster';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Index of the active sprint: sprints before it are closed, after it planned. */
const ACTIVE = 4;
const FLOW = ['todo', 'doing', 'review', 'done'];
const FIBONACCI = [1, 2, 3, 5, 8, 13];

const memberId = (key: MemberKey) => `m-${key}`;
const sprintId = (i: number) => `sprint-${i + 1}`;
const epicId = (key: string) => `epic-${key}`;

// ---------------------------------------------------------------------------------------------
// Determinism and calendar helpers

const mulberry32 = createPrng;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** [year, month, day, hour, minute, second] of instant `t` on the wall clock of `tz`. */
function wallClock(t: number, tz: string): number[] {
  let f = formatters.get(tz);
  if (!f) {
    const n = 'numeric';
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: n, month: n, day: n, hour: n, minute: n, second: n });
    formatters.set(tz, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(t)) parts[p.type] = p.value;
  return ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => isoDay(Date.parse(`${date}T00:00:00Z`) + n * DAY);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

function dateInZone(t: number, tz: string): string {
  const [y, m, d] = wallClock(t, tz);
  return isoDay(Date.UTC(y, m - 1, d));
}

/** The instant at which the wall clock in `tz` shows `minutes` past midnight of `date`. */
function zonedTime(date: string, minutes: number, tz: string): number {
  const local = Date.parse(`${date}T00:00:00Z`) + Math.round(minutes) * MINUTE;
  const offset = (t: number) => {
    const [y, m, d, h, mi, s] = wallClock(t, tz);
    return Date.UTC(y, m - 1, d, h, mi, s) - Math.floor(t / 1000) * 1000;
  };
  return local - offset(local - offset(local));
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

// ---------------------------------------------------------------------------------------------
// Card specs: the rows of the data tables with their ids, ranks, labels and due dates resolved

type CardSpec = {
  id: string;
  title: string;
  epic: string | null;
  assignee: MemberKey;
  points: number | null;
  flags: Set<string>;
  labels: string[];
  due: string | null;
};

function toSpec(row: CardRow, n: number, dueOf: (flag: string) => string | null): CardSpec {
  const [title, epic, assignee, points, flagText = ''] = row;
  const flags = new Set(flagText.split(/\s+/).filter(Boolean));
  const label = EPICS.find((e) => e.key === epic)?.label;
  const extra = [...flags].filter((f) => f.startsWith('#')).map((f) => f.slice(1));
  const dueFlag = [...flags].find((f) => f === 'due' || f.startsWith('due='));
  return {
    id: `HEL-${n}`,
    title,
    epic: epic && epicId(epic),
    assignee,
    points,
    flags,
    labels: [...new Set([...(label ? [label] : []), ...extra])],
    due: dueFlag ? dueOf(dueFlag) : null
  };
}

/** The estimate a re-estimated card had first: one Fibonacci step smaller. */
const firstEstimate = (points: number | null) => (points === null ? null : FIBONACCI[Math.max(0, FIBONACCI.indexOf(points) - 1)]);

// ---------------------------------------------------------------------------------------------
// The builder

class DemoBuilder {
  readonly doc = new Y.Doc();
  private clock = 0;
  private readonly rng = mulberry32(0x4e11_05);
  private readonly editors = {} as Record<MemberKey, Editor>;
  /** Time of each card's latest history entry, so a card's history always ascends. */
  private readonly last = new Map<string, number>();
  private readonly ranks = new Map<string, string>();
  /** Monday of the week `now` falls in (plan time zone); data tables count days from it. */
  private readonly anchor: string;
  private readonly today: string;
  /** Working days of the active sprint before today (5..9). */
  private readonly elapsed: number;
  private readonly sprintSpecs: CardSpec[][];
  private readonly backlogSpecs: CardSpec[];
  private carried: CardSpec[] = [];
  private floor = 0;

  constructor(private readonly now: number) {
    this.today = dateInZone(now, PLAN.timeZone);
    this.anchor = addDays(this.today, -((weekday(this.today) + 6) % 7));
    for (const m of MEMBERS) this.editors[m.key] = createEditor(memberId(m.key), 'seed', () => this.clock);
    this.elapsed = [...Array(10).keys()].filter((k) => this.workday(ACTIVE, k) < this.today).length;

    let n = 0;
    this.sprintSpecs = SPRINT_CARDS.map((rows, i) =>
      rows.map((row) => toSpec(row, ++n, (f) => (f === 'due' ? addDays(this.sprintStart(i), 11) : addDays(this.anchor, Number(f.slice(4))))))
    );
    this.backlogSpecs = BACKLOG_CARDS.map((row) => toSpec(row, ++n, (f) => addDays(this.anchor, Number(f.slice(4)))));
    const all = [...this.sprintSpecs.flat(), ...this.backlogSpecs];
    initialRanks(all.length).forEach((rank, k) => this.ranks.set(all[k].id, rank));
  }

  // --- time: block -1 is the kickoff fortnight before sprint 1, block i is sprint i

  private sprintStart(block: number): string {
    return addDays(this.anchor, -7 - 14 * (ACTIVE - block));
  }

  /** Date of working day k (0..9) of a two-week block starting on a Monday. */
  private workday(block: number, k: number): string {
    const day = Math.min(9, Math.max(0, Math.floor(k)));
    return addDays(this.sprintStart(block), day < 5 ? day : day + 2);
  }

  /** Working day `d` of a block, fraction of the day mapped onto the member's own working hours. */
  private timeOf(block: number, d: number, who: MemberKey): number {
    const m = MEMBERS.find((x) => x.key === who)!;
    const start = minutesOf(m.workStart);
    const end = minutesOf(m.workEnd);
    const frac = Math.min(0.999, d - Math.floor(d));
    return zonedTime(this.workday(block, d), start + frac * (end - start), m.timeZone);
  }

  private planTime(block: number, k: number, hh: number, mm: number): number {
    return zonedTime(this.workday(block, k), hh * 60 + mm, PLAN.timeZone);
  }

  private act<T>(who: MemberKey, at: number, write: (editor: Editor) => T): T {
    this.clock = at;
    return write(this.editors[who]);
  }

  // --- static parts of the plan

  build(): Y.Doc {
    const created = this.planTime(-1, 0, 8, 30);
    this.act('eleanor', created, (ed) => createPlan(this.doc, ed, { name: PLAN.name, description: PLAN.description, timeZone: PLAN.timeZone }));
    this.floor = created + 10 * MINUTE;
    this.clock = this.floor;
    this.addPeopleAndStructure();
    this.addTimeline();
    this.addResources();
    this.addRaidAndDecisions();
    for (let i = 0; i < SPRINTS.length; i++) this.runSprint(i);
    this.addBacklog();
    return this.doc;
  }

  private addPeopleAndStructure(): void {
    const { doc } = this;
    const ed = this.editors.eleanor;
    for (const m of MEMBERS) {
      const { key, ...fields } = m;
      addMember(doc, ed, fields, memberId(key));
    }
    SPRINTS.forEach((s, i) => {
      const start = this.sprintStart(i);
      sprints.add(doc, ed, { ...s, start, end: addDays(start, 13), state: 'planned', commitment: null, closedAt: null }, { id: sprintId(i) });
      for (const m of MEMBERS) {
        const off = DAYS_OFF[m.key]?.[i] ?? 0;
        const capacity = Math.round((m.defaultCapacity * (10 - off)) / 10);
        setSprintCapacity(doc, ed, memberId(m.key), sprintId(i), off > 0 ? { capacity, daysOff: off } : { capacity });
      }
    });
    const epicRanks = initialRanks(EPICS.length);
    EPICS.forEach((e, k) => epics.add(doc, ed, { name: e.name, rank: epicRanks[k] }, { id: epicId(e.key) }));
    const wsRanks = initialRanks(WORKSTREAMS.length);
    WORKSTREAMS.forEach(({ id, owner, ...w }, k) => workstreams.add(doc, ed, { ...w, owner: memberId(owner), rank: wsRanks[k] }, { id }));
  }

  private addTimeline(): void {
    const ed = this.editors.eleanor;
    const day = (offset: number | null) => (offset === null ? null : addDays(this.anchor, offset));
    for (const [id, name, kind, workstream, start, end, baseStart, baseEnd, stage, owner] of MILESTONES) {
      milestones.add(
        this.doc,
        ed,
        { name, kind, workstream, start: day(start)!, end: day(end)!, baselineStart: day(baseStart), baselineEnd: day(baseEnd), stage, owner: memberId(owner) },
        { id }
      );
    }
    DEPENDENCIES.forEach(([from, to, lagDays], k) => dependencies.add(this.doc, ed, { from, to, type: 'FS', lagDays }, { id: `dep-${k + 1}` }));
  }

  private addResources(): void {
    const start = (id: string) => milestones.get(this.doc, id)?.start ?? null;
    addDemoResources(this.doc, this.editors.eleanor, (offset) => addDays(this.anchor, offset), start);
  }

  private addRaidAndDecisions(): void {
    const ed = this.editors.eleanor;
    const day = (offset: number | null | undefined) => (offset === null || offset === undefined ? null : addDays(this.anchor, offset));
    for (const r of RAID) {
      addRaidItem(
        this.doc,
        ed,
        {
          kind: r.kind,
          title: r.title,
          owner: memberId(r.owner),
          status: r.status,
          raised: day(r.raised)!,
          review: day(r.review),
          due: day(r.due),
          likelihood: r.l,
          impact: r.i,
          residualLikelihood: r.residual?.[0] ?? null,
          residualImpact: r.residual?.[1] ?? null,
          links: r.links
        },
        r.id
      );
    }
    for (const { id, date, owner, ...d } of DECISIONS) {
      decisions.add(this.doc, ed, { ...d, date: day(date)!, owner: memberId(owner) }, { id });
    }
  }

  // --- cards

  private createCard(spec: CardSpec, who: MemberKey, at: number, status: string, sprint: string | null): void {
    const t = Math.max(at, this.floor);
    const reestimated = spec.flags.has('regroom') || spec.flags.has('grew');
    this.act(who, t, (ed) =>
      addCard(
        this.doc,
        ed,
        {
          title: spec.title,
          status,
          sprint,
          rank: this.ranks.get(spec.id)!,
          points: reestimated ? firstEstimate(spec.points) : spec.points,
          assignee: memberId(spec.assignee),
          labels: spec.labels,
          epic: spec.epic,
          due: spec.due,
          links: CARD_LINKS[spec.id] ?? []
        },
        spec.id
      )
    );
    this.last.set(spec.id, t);
  }

  /** Moves a card at `at` (or just after its previous move); false, and no move, past `limit`. */
  private move(spec: CardSpec, who: MemberKey, at: number, place: Place, limit: number): boolean {
    const t = Math.max(at, (this.last.get(spec.id) ?? this.floor) + 7 * MINUTE);
    if (t > limit) return false;
    this.act(who, t, (ed) => moveCard(this.doc, ed, spec.id, place));
    this.last.set(spec.id, t);
    return true;
  }

  private estimate(spec: CardSpec, at: number): void {
    this.act(spec.assignee, Math.max(at, (this.last.get(spec.id) ?? this.floor) + 5 * MINUTE), (ed) => estimateCard(this.doc, ed, spec.id, spec.points));
  }

  private status(spec: CardSpec): string {
    return cards.get(this.doc, spec.id)?.status ?? 'backlog';
  }

  /**
   * Walks a card through the board from its current status to `target` within one block, starting
   * on working day `from`; a reopened card goes done → doing → review → done again. Steps that would
   * fall after `maxDay` are squeezed in; steps after `limit` (sprint close, or now) do not happen.
   */
  private work(spec: CardSpec, block: number, from: number, target: string, maxDay: number, limit: number): void {
    const steps = FLOW.slice(FLOW.indexOf(this.status(spec)) + 1, FLOW.indexOf(target) + 1);
    if (spec.flags.has('reopen') && target === 'done') steps.push('doing', 'review', 'done');
    if (steps.length === 0) return;
    const size = spec.points ?? 3;
    let d = from;
    const days = steps.map((to, k) => {
      if (k === 0) d += this.rng() * 0.4;
      else if (to === 'review') d += Math.min(4, Math.max(0.3, size * 0.35)) * (0.6 + this.rng() * 0.8);
      else if (to === 'done') d += 0.15 + this.rng() * 0.8;
      else d += 0.6 + this.rng() * 0.8; // reopened
      return d;
    });
    const end = days[days.length - 1];
    const fit = end > maxDay ? days.map((x) => from + ((x - from) * (maxDay - from)) / (end - from)) : days;
    let prev = this.status(spec);
    let prevActor: MemberKey | null = null;
    for (let k = 0; k < steps.length; k++) {
      const to = steps[k];
      const who = to === 'done' || prev === 'done' ? REVIEWER[spec.assignee] : spec.assignee;
      let at = this.timeOf(block, fit[k], who);
      if (who !== prevActor) at = this.nextWorkingTime(spec, block, fit[k], who, at);
      if (!this.move(spec, who, at, { status: to }, limit)) return;
      prev = to;
      prevActor = who;
    }
  }

  /**
   * A hand-over to someone in another time zone waits for their working hours: when `at` is before
   * the card's last move, the start of their first working day in the block that comes after it.
   */
  private nextWorkingTime(spec: CardSpec, block: number, d: number, who: MemberKey, at: number): number {
    const after = (this.last.get(spec.id) ?? this.floor) + 7 * MINUTE;
    for (let day = Math.floor(d); at < after && day <= 9; day++) {
      const t = this.timeOf(block, day + 0.05 + this.rng() * 0.25, who);
      if (t >= after) at = t;
    }
    return at;
  }

  /** Where a card of the active sprint has got to, from its flags. */
  private activeTarget(spec: CardSpec): string {
    return FLOW.find((s) => spec.flags.has(s)) ?? 'done';
  }

  private runSprint(i: number): void {
    const id = sprintId(i);
    const specs = this.sprintSpecs[i];
    const committed = specs.filter((s) => !s.flags.has('added'));
    const state = i < ACTIVE ? 'closed' : i === ACTIVE ? 'active' : 'planned';

    // Cards are written up during the fortnight before their sprint (the active one: before today).
    for (const s of committed) {
      const span = i - 1 === ACTIVE ? this.elapsed - 1 : 9.5;
      const creator: MemberKey = this.rng() < 0.4 ? 'eleanor' : s.assignee;
      this.createCard(s, creator, this.timeOf(i - 1, this.rng() * span, creator), 'backlog', null);
    }

    if (state === 'planned') {
      // Sprint planning prep for the next sprint happened yesterday (or the last working day).
      const day = this.elapsed - 1;
      committed.forEach((s, k) => {
        if (s.flags.has('regroom')) this.estimate(s, this.planTime(ACTIVE, day, 10, k));
        this.move(s, 'eleanor', this.planTime(ACTIVE, day, 14, k * 2), { status: 'todo', sprint: id }, this.now - MINUTE);
      });
      return;
    }

    // Planning on the first morning: re-estimates, cards into the sprint, then the commitment.
    committed.forEach((s, k) => {
      if (s.flags.has('regroom')) this.estimate(s, this.planTime(i, 0, 9, k));
      this.move(s, 'eleanor', this.planTime(i, 0, 9, 10 + k), { status: 'todo', sprint: id }, Infinity);
    });
    const commitment = cards
      .list(this.doc)
      .filter((c) => c.sprint === id)
      .sort(compareRank)
      .map((c) => ({ id: c.id, points: c.points }));
    const startAt = this.planTime(i, 0, 9, 30);
    this.act('eleanor', startAt, (ed) => startSprint(this.doc, ed, id, commitment));
    // Work starts after the commitment is recorded.
    for (const c of commitment) this.last.set(c.id, Math.max(this.last.get(c.id) ?? 0, startAt));

    const closed = state === 'closed';
    const closeAt = this.planTime(i + 1, 0, 9, 0);
    const limit = closed ? closeAt - 10 * MINUTE : this.now - 5 * MINUTE;
    const maxDay = closed ? 9.85 : this.elapsed - 0.05;

    for (const s of this.carried) this.work(s, i, this.rng() * 1.5, 'done', maxDay, limit);
    for (const s of committed) {
      if (s.flags.has('descope')) {
        this.move(s, 'eleanor', this.planTime(i, 4, 15, 0), { status: 'backlog', sprint: null }, limit);
        continue;
      }
      if (s.flags.has('grew')) this.estimate(s, this.timeOf(i, 1 + this.rng(), s.assignee));
      const carry = s.flags.has('carry');
      const target = !closed ? this.activeTarget(s) : carry ? (this.rng() < 0.5 ? 'doing' : 'review') : 'done';
      const from = carry ? 6.5 + this.rng() * 1.5 : this.rng() * (closed ? 5 : maxDay * 0.5);
      this.work(s, i, from, target, maxDay, limit);
    }
    // Scope added after the commitment: incidents and bugs found during the sprint.
    for (const s of specs.filter((x) => x.flags.has('added'))) {
      const day = closed ? 2 + this.rng() * 3 : 1 + this.rng() * (this.elapsed - 2);
      this.createCard(s, s.assignee, this.timeOf(i, day, s.assignee), 'todo', id);
      this.work(s, i, day + 0.1, closed ? 'done' : this.activeTarget(s), maxDay, limit);
    }

    if (!closed) return;
    this.act('eleanor', closeAt, (ed) => sprints.update(this.doc, ed, id, { state: 'closed', closedAt: closeAt }));
    const unfinished = [...this.carried, ...committed, ...specs.filter((x) => x.flags.has('added'))].filter((s) => {
      const c = cards.get(this.doc, s.id);
      return c?.sprint === id && c.status !== 'done';
    });
    for (const s of unfinished) this.move(s, 'eleanor', closeAt + 5 * MINUTE, { sprint: sprintId(i + 1) }, Infinity);
    this.carried = unfinished;
  }

  private addBacklog(): void {
    for (const s of this.backlogSpecs) {
      const block = -1 + Math.floor(this.rng() * 5); // kickoff fortnight .. sprint 4, all before the active sprint
      const creator: MemberKey = this.rng() < 0.5 ? 'eleanor' : s.assignee;
      const day = this.rng() * 7.5;
      this.createCard(s, creator, this.timeOf(block, day, creator), 'backlog', null);
      if (s.flags.has('regroom')) this.estimate(s, this.timeOf(block, day + 1 + this.rng() * 1.5, s.assignee));
    }
  }
}

/** A fresh document holding the demo plan, as it would look at `now`. */
export function buildDemoPlan(now: number): Y.Doc {
  return new DemoBuilder(now).build();
}
