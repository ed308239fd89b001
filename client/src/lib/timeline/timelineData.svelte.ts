/**
 * The runes bridge for the timeline: plain, immutable views of the timeline's part of the plan
 * (items, dependencies, workstreams, members, RAID, stage gates), re-read through the typed
 * accessors after a transaction that touched them, plus what is derived from them once per change
 * (schedule, loops, slippage) and, a moment later, the forecast. Components read these and never
 * touch Yjs. Cards and statuses come from the plan's own PlanView.
 */
import type * as Y from 'yjs';
import { members } from '$shared/doc/members.ts';
import { readMeta } from '$shared/doc/plan.ts';
import { raid } from '$shared/doc/raid.ts';
import { snapshot } from '$shared/doc/snapshot.ts';
import { readGates, readStages } from '$shared/doc/gates.ts';
import { dependencies, milestones, workstreams } from '$shared/doc/timeline.ts';
import { PLAN_ROOT, type Dependency, type Gate, type Member, type Milestone, type RaidItem, type StageConfig, type Workstream } from '$shared/schema.ts';
import { analyse, type Analysis } from './analysis.ts';
import { milestoneForecasts, type MilestoneForecast } from './forecast.ts';
import { todayIn } from './format.ts';

type Part = 'meta' | 'timeline' | 'people' | 'raid' | 'gates' | 'cards';

const PARTS: Record<Part, string[]> = {
  meta: [PLAN_ROOT.meta],
  timeline: [PLAN_ROOT.milestones, PLAN_ROOT.dependencies, PLAN_ROOT.workstreams],
  people: [PLAN_ROOT.members],
  raid: [PLAN_ROOT.raid],
  gates: [PLAN_ROOT.stages, PLAN_ROOT.gates],
  cards: [PLAN_ROOT.cards, PLAN_ROOT.statuses]
};

const FORECAST_DELAY_MS = 400;

export class TimelineData {
  items = $state.raw<Milestone[]>([]);
  deps = $state.raw<Dependency[]>([]);
  workstreams = $state.raw<Workstream[]>([]);
  members = $state.raw<Member[]>([]);
  raid = $state.raw<RaidItem[]>([]);
  stages = $state.raw<StageConfig[]>([]);
  gates = $state.raw<Map<string, Gate>>(new Map());
  analysis = $state.raw<Analysis>(analyse([], []));
  forecasts = $state.raw<Map<string, MilestoneForecast>>(new Map());
  today = $state('1970-01-01');
  timeZone = $state('UTC');
  workingDays = $state.raw<number[]>([1, 2, 3, 4, 5]);

  #dirty = new Set<Part>();
  #marked = false;
  #unobserve: (() => void)[] = [];
  #forecastTimer: ReturnType<typeof setTimeout> | undefined;
  #todayTimer: ReturnType<typeof setInterval>;
  #onTransaction = () => {
    if (this.#dirty.size) this.#read();
  };

  constructor(
    private readonly doc: Y.Doc,
    private readonly now: () => number
  ) {
    for (const [part, roots] of Object.entries(PARTS) as [Part, string[]][]) {
      for (const name of roots) {
        const root = doc.getMap(name);
        const mark = () => this.#dirty.add(part);
        root.observeDeep(mark);
        this.#unobserve.push(() => root.unobserveDeep(mark));
      }
    }
    for (const part of Object.keys(PARTS) as Part[]) this.#dirty.add(part);
    this.#read();
    doc.on('afterTransaction', this.#onTransaction);
    this.#todayTimer = setInterval(() => (this.today = todayIn(this.timeZone, this.now())), 60_000);
  }

  #read(): void {
    const dirty = new Set(this.#dirty);
    this.#dirty.clear();
    const doc = this.doc;
    if (dirty.has('meta')) {
      const meta = readMeta(doc);
      this.timeZone = meta.timeZone;
      this.workingDays = meta.workingDays;
      this.today = todayIn(meta.timeZone, this.now());
    }
    if (dirty.has('timeline')) {
      this.items = milestones.list(doc);
      // For the render benchmark: when the first items reached the view (see TimelineView).
      if (!this.#marked && this.items.length) {
        this.#marked = true;
        performance.mark('timeline:data');
      }
      this.deps = dependencies.list(doc);
      this.workstreams = workstreams.list(doc);
      // Lags count calendar days (the default of the planning functions and of addDependency's push).
      this.analysis = analyse(this.items, this.deps);
    }
    if (dirty.has('people')) this.members = members.list(doc).sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
    if (dirty.has('raid')) this.raid = raid.list(doc);
    if (dirty.has('gates')) {
      this.stages = readStages(doc);
      this.gates = readGates(doc);
    }
    if (dirty.has('timeline') || dirty.has('cards')) this.#scheduleForecast();
  }

  /** The forecast reads the whole plan and simulates: run it shortly after changes settle. */
  #scheduleForecast(): void {
    clearTimeout(this.#forecastTimer);
    this.#forecastTimer = setTimeout(() => {
      this.forecasts = milestoneForecasts(snapshot(this.doc), this.now());
    }, FORECAST_DELAY_MS);
  }

  name(id: string): string {
    return this.items.find((m) => m.id === id)?.name ?? id;
  }

  destroy(): void {
    clearTimeout(this.#forecastTimer);
    clearInterval(this.#todayTimer);
    this.doc.off('afterTransaction', this.#onTransaction);
    for (const off of this.#unobserve) off();
  }
}
