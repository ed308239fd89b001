/**
 * The live metrics of an open plan: IncrementalMetrics [INC1–INC3] fed from the document. Card
 * changes arrive through an observeDeep on the cards root (the changed card ids: top-level keys, or
 * the first path segment of a nested change); any other change re-reads the plan (setPlan).
 * Recomputation is throttled, so a burst of edits recomputes once, and runs again on its own every
 * minute so "today" moves on.
 */
import * as Y from 'yjs';
import { cards } from '$shared/doc/cards.ts';
import { raidHistories } from '$shared/doc/raid.ts';
import { snapshot } from '$shared/doc/snapshot.ts';
import { dayOfIso, forecastWhen, IncrementalMetrics, workWeek, type PlanMetrics, type Unit } from '$shared/metrics/index.ts';
import type { PlanSnapshot, RaidChange } from '$shared/schema.ts';
import { exposureTrend, type TrendPoint } from '$shared/steering/trend.ts';
import type { SharedEvent } from '$shared/doc/y-types.ts';

/** Finish-date distribution: the share of trials (percent) finishing on each date [FC3]. */
export type FinishHistogram = { date: string; percent: number }[];

const THROTTLE_MS = 400;
const SETTLE_MS = 1_500;

function topOf(type: Y.AbstractType<unknown>): Y.AbstractType<unknown> {
  let t = type;
  while (t._item) t = t._item.parent as Y.AbstractType<unknown>;
  return t;
}

export class MetricsModel {
  plan = $state.raw<PlanSnapshot>(null as unknown as PlanSnapshot);
  metrics = $state.raw<PlanMetrics>(null as unknown as PlanMetrics);
  histogram = $state.raw<FinishHistogram>([]);
  trend = $state.raw<TrendPoint[]>([]);
  histories = $state.raw<Record<string, RaidChange[]>>({});
  /** Bumped after every recomputation. */
  version = $state(0);
  unit = $state<Unit>('points');
  by = $state<string>('');

  readonly #inc: IncrementalMetrics;
  readonly #root: Y.Map<unknown>;
  #changed = new Set<string>();
  #planDirty = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #last = 0;
  #tick: ReturnType<typeof setInterval>;
  #settle: ReturnType<typeof setTimeout> | null = null;

  #onCards = (events: SharedEvent[]) => {
    for (const e of events) {
      if (e.target === this.#root) for (const k of (e as Y.YMapEvent<unknown>).keysChanged) this.#changed.add(k);
      else if (typeof e.path[0] === 'string') this.#changed.add(e.path[0]);
    }
    this.schedule();
  };

  #onTransaction = (tr: Y.Transaction) => {
    for (const type of tr.changed.keys()) {
      if (topOf(type as Y.AbstractType<unknown>) !== this.#root) {
        this.#planDirty = true;
        this.schedule();
        return;
      }
    }
  };

  constructor(
    private readonly doc: Y.Doc,
    private readonly now: () => number
  ) {
    this.#root = cards.root(doc);
    this.plan = snapshot(doc);
    this.#inc = new IncrementalMetrics(this.plan);
    this.histories = raidHistories(doc);
    this.#compute();
    this.#root.observeDeep(this.#onCards);
    doc.on('afterTransaction', this.#onTransaction);
    this.#tick = setInterval(() => this.schedule(), 60_000);
  }

  /** Recompute soon: at most once per THROTTLE_MS. */
  schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#last + THROTTLE_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#compute();
    }, wait);
  }

  #compute(): void {
    this.#last = Date.now();
    // A peer's edit may be stamped a moment ahead of our corrected clock [G9]: values at "now"
    // would miss it until the next edit, so look again shortly after any change.
    if (this.#changed.size > 0 || this.#planDirty) {
      if (this.#settle) clearTimeout(this.#settle);
      this.#settle = setTimeout(() => {
        this.#settle = null;
        this.#compute();
      }, SETTLE_MS);
    }
    if (this.#planDirty) {
      this.#planDirty = false;
      this.plan = snapshot(this.doc);
      this.histories = raidHistories(this.doc);
      this.#inc.setPlan(this.plan);
    }
    if (this.#changed.size > 0) {
      const ids = [...this.#changed];
      this.#changed.clear();
      this.#inc.update(ids.map((id) => [id, cards.get(this.doc, id)] as const));
    }
    const now = this.now();
    const by = /^\d{4}-\d{2}-\d{2}$/.test(this.by) ? [this.by] : [];
    const m = this.#inc.metrics(now, { unit: this.unit, forecast: { by } });
    this.metrics = m;
    this.histogram = finishHistogram(m, this.plan);
    this.trend = exposureTrend(this.plan.raid, this.histories, { now, timeZone: this.plan.meta.timeZone, days: 90 });
    this.version++;
  }

  /** Recompute now (after a change of unit or date). */
  refresh(): void {
    this.#compute();
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#settle) clearTimeout(this.#settle);
    clearInterval(this.#tick);
    this.#root.unobserveDeep(this.#onCards);
    this.doc.off('afterTransaction', this.#onTransaction);
  }
}

/**
 * [FC3] The distribution behind the forecast's percentiles: the finish date at every half percent
 * of the trials (same seed and trials as the report, so its 50/85/95 markers fall on these bars).
 */
export function finishHistogram(m: PlanMetrics, plan: PlanSnapshot): FinishHistogram {
  const f = m.forecast;
  if (!f || f.sample.total === 0 || f.remaining === 0) return [];
  const levels = Array.from({ length: 200 }, (_, i) => (i + 1) / 2);
  const [answers] = forecastWhen(f.sample, [f.remaining], dayOfIso(m.today), workWeek(plan.meta.workingDays), { confidence: levels });
  const counts = new Map<string, number>();
  for (const a of answers) if (a.date) counts.set(a.date, (counts.get(a.date) ?? 0) + 0.5);
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([date, percent]) => ({ date, percent }));
}
