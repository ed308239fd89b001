/**
 * Benchmark of the delivery-metrics core (shared/metrics): a full computation over 10,000 cards
 * with 100,000 status changes, a one-card incremental update, and a 10,000-trial Monte Carlo
 * forecast. The plan is built as plain PlanSnapshot data (not through Yjs) so building is fast and
 * the figures are the metrics' own. Each figure is the median of several timed runs after warm-up
 * runs; `fullColdMs` is the very first run (empty zone-offset caches).
 *
 * `npx tsx test/bench/delivery-metrics.ts` prints the JSON; `benchMetrics()` returns it.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Card, PlanSnapshot, RaidItem, Sprint, StatusChange } from '../../shared/schema.ts';
import { DEFAULT_STATUSES } from '../../shared/schema.ts';
import { computeMetrics, IncrementalMetrics } from '../../shared/metrics/index.ts';
import { createPrng } from '../../shared/prng.ts';
import { dayOf, dayOfIso, isoOf, workWeek } from '../../shared/metrics/calendar.ts';
import { CardIndex } from '../../shared/metrics/card-index.ts';
import { planContext } from '../../shared/metrics/context.ts';
import { forecastWhen, throughputSample } from '../../shared/metrics/forecast.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Europe/London';
/** Wednesday 18 June 2025, 14:45 London. */
export const BENCH_NOW = Date.UTC(2025, 5, 18, 13, 45);

const FLOW = ['backlog', 'todo', 'doing', 'review', 'done'];

/** A deterministic plan: `cardCount` cards, `eventCount` status changes in all, 26 two-week sprints. */
export function buildBenchPlan(cardCount = 10_000, eventCount = 100_000, seed = 7): PlanSnapshot {
  const rng = createPrng(seed);
  const start = dayOfIso('2024-06-17'); // a Monday, one year before BENCH_NOW
  const sprints: Sprint[] = [];
  for (let i = 0; i < 26; i++) {
    const s = start + 14 * i;
    const state = i < 25 ? 'closed' : 'active';
    sprints.push({
      id: `s${i}`,
      name: `Sprint ${i + 1}`,
      goal: '',
      start: isoOf(s),
      end: isoOf(s + 13),
      state,
      commitment: { at: (s + 0.4) * DAY, cards: [] },
      closedAt: state === 'closed' ? (s + 14.35) * DAY : null
    });
  }
  const cards: Card[] = [];
  const perCard = Math.round(eventCount / cardCount);
  let lastN = perCard;
  for (let i = 0; i < cardCount; i++) {
    const sprintIx = Math.floor(rng() * 27) - 1; // -1: backlog
    const created = (start + Math.max(0, sprintIx) * 14 - 10 + rng() * 12) * DAY;
    // Pairs of cards share 2 × perCard events unevenly, so the total is exactly eventCount.
    const spread = Math.floor(rng() * 7) - 3;
    const n = i % 2 === 0 ? perCard + spread : 2 * perCard - lastN;
    lastN = n;
    const history: StatusChange[] = [{ at: created, from: null, to: 'backlog', actor: 'a' }];
    let t = created;
    let k = 0;
    while (history.length < n) {
      t += rng() * 1.5 * DAY;
      // Mostly forward; sometimes back a column, or a reopen from done.
      const r = rng();
      k = r < 0.12 && k > 0 ? k - 1 : Math.min(FLOW.length - 1, k + 1);
      if (k === FLOW.length - 1 && history[history.length - 1].to === 'done') k = 2;
      history.push({ at: t, from: history[history.length - 1].to, to: FLOW[k], actor: 'b' });
    }
    const points = [1, 2, 3, 5, 8, null][Math.floor(rng() * 6)];
    const card: Card = {
      id: `c${String(i).padStart(5, '0')}`,
      title: `Card ${i}`,
      status: history[history.length - 1].to,
      sprint: sprintIx < 0 ? null : `s${sprintIx}`,
      rank: 'i',
      points,
      assignee: `m${i % 20}`,
      labels: [],
      epic: null,
      due: null,
      links: i % 50 === 0 ? [`ms${i % 40}`] : [],
      createdAt: created,
      createdBy: 'a',
      descriptionText: '',
      history,
      estimates: points === null ? [] : [{ at: created, from: null, to: points, actor: 'a' }],
      comments: []
    };
    cards.push(card);
    if (sprintIx >= 0 && created < sprints[sprintIx].commitment!.at) sprints[sprintIx].commitment!.cards.push({ id: card.id, points });
  }
  const raid: RaidItem[] = Array.from({ length: 200 }, (_, i) => ({
    id: `r${i}`,
    kind: (['risk', 'assumption', 'issue', 'dependency'] as const)[i % 4],
    title: `RAID ${i}`,
    owner: null,
    status: (['open', 'monitoring', 'mitigating', 'closed'] as const)[i % 4],
    raised: isoOf(start + (i % 300)),
    review: isoOf(start + (i % 300) + 30),
    due: null,
    likelihood: 1 + (i % 5),
    impact: 1 + ((i * 3) % 5),
    residualLikelihood: i % 3 ? 1 + (i % 3) : null,
    residualImpact: i % 3 ? 2 : null,
    links: [],
    descriptionText: '',
    responseText: ''
  }));
  return {
    meta: { schemaVersion: 1, kind: 'plan', name: 'Bench', description: '', timeZone: TZ, workingDays: [1, 2, 3, 4, 5], estimateUnit: 'points', createdAt: start * DAY },
    members: Array.from({ length: 20 }, (_, i) => ({ id: `m${i}`, name: `Member ${i}`, title: '', timeZone: TZ, workStart: '09:00', workEnd: '17:00', defaultCapacity: 10, capacity: {}, daysOff: {} })),
    statuses: DEFAULT_STATUSES.map((s, i) => ({ ...s, rank: String.fromCharCode(97 + i) })),
    sprints,
    epics: [],
    cards,
    raid,
    workstreams: [],
    milestones: Array.from({ length: 40 }, (_, i) => ({
      id: `ms${i}`,
      name: `Milestone ${i}`,
      kind: 'milestone' as const,
      workstream: null,
      start: isoOf(start + 200 + i * 5),
      end: isoOf(start + 200 + i * 5),
      baselineStart: isoOf(start + 195 + i * 5),
      baselineEnd: isoOf(start + 195 + i * 5),
      stage: 'build' as const,
      owner: null
    })),
    dependencies: [],
    decisions: [],
    retros: []
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Timing = { median: number; min: number; cpuMedian: number };

/**
 * `runs` timed runs after `warmup` untimed ones: the median and the fastest wall-clock time, and the
 * median CPU time of the process (user + system; it includes V8's parallel GC threads, and is far
 * less disturbed than wall time when other processes share the machine).
 */
function measure(fn: () => void, runs: number, warmup: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { median: median(wall), min: Math.min(...wall), cpuMedian: median(cpu) };
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export async function benchMetrics(): Promise<Record<string, number>> {
  const plan = buildBenchPlan();
  const now = BENCH_NOW;
  const events = plan.cards.reduce((n, c) => n + c.history.length, 0);

  const fullColdMs = time(() => computeMetrics(plan, now));
  const full = measure(() => computeMetrics(plan, now), 15, 3);

  // One edit: a card moves one column; the caller passes its id and new value.
  const inc = new IncrementalMetrics(plan);
  inc.metrics(now);
  const rng = createPrng(3);
  let tick = now - 100 * HOUR;
  const edit = () => {
    const c = plan.cards[Math.floor(rng() * plan.cards.length)];
    const to = FLOW[Math.floor(rng() * FLOW.length)];
    tick += 60_000;
    const moved: Card = { ...c, status: to, history: [...c.history, { at: tick, from: c.status, to, actor: 'x' }] };
    return [c.id, moved] as const;
  };
  const editUpdate = measure(() => inc.update([edit()]), 201, 50);
  const editFlow = measure(() => {
    inc.update([edit()]);
    inc.flow(now);
  }, 51, 10);
  const editMetrics = measure(() => {
    inc.update([edit()]);
    inc.metrics(now);
  }, 51, 10);

  // Forecast: when will every card not done now be done, 10,000 trials (a year of simulated days),
  // and a typical question: when will the next 300 be done.
  const ctx = planContext(plan);
  const index = CardIndex.build(plan.cards, ctx);
  const today = dayOf(now, TZ);
  const sample = throughputSample(index.flow.throughput, index.flow.arrivals.firstDay(), today, workWeek(plan.meta.workingDays), 30);
  const remaining = index.flow.cards - index.flow.doneNow;
  const forecast = measure(() => forecastWhen(sample, [remaining], today, ctx.week, { trials: 10_000, seed: 1 }), 9, 2);
  const forecast300 = measure(() => forecastWhen(sample, [300], today, ctx.week, { trials: 10_000, seed: 1 }), 9, 2);
  const fullWithForecast = measure(() => computeMetrics(plan, now, { forecast: { trials: 10_000 } }), 5, 1);

  return {
    /** Other processes on the machine disturb wall-clock figures: the 1-minute load at the end. */
    loadAverage1m: round(os.loadavg()[0]),
    cpus: os.cpus().length,
    cards: plan.cards.length,
    events,
    fullColdMs: round(fullColdMs),
    fullMs: round(full.median),
    fullMinMs: round(full.min),
    fullCpuMs: round(full.cpuMedian),
    editUpdateMs: round(editUpdate.median),
    editUpdateCpuMs: round(editUpdate.cpuMedian),
    editUpdateAndFlowMs: round(editFlow.median),
    editUpdateAndAllMetricsMs: round(editMetrics.median),
    forecastRemaining: remaining,
    forecastDailyMean: round(sample.total / Math.max(1, sample.days)),
    forecastMs: round(forecast.median),
    forecastMinMs: round(forecast.min),
    forecast300Ms: round(forecast300.median),
    fullWithForecastMs: round(fullWithForecast.median)
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchMetrics(), null, 2));
}
