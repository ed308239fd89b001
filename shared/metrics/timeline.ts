/**
 * Per-card derived facts: the card's history put in order [G3], corrected to its present status
 * [G4], cut into calendar days [G1], with the cycle-time and lead-time clocks read off it [CT1–CT6,
 * LT1–LT3]. Everything else (flow counters, sprints, forecasts) reads these facts, never raw
 * history, so an edit to one card re-derives one card.
 */
import type { Card, EstimateChange, StatusCategory, StatusChange } from '../schema.ts';
import type { Day } from './calendar.ts';
import { codeOf, DOING, DONE, type PlanContext } from './context.ts';

export { TODO, DOING, DONE } from './context.ts';
const NAME: StatusCategory[] = ['todo', 'doing', 'done'];
const NO_SPRINTS: readonly string[] = Object.freeze([]);

export type CardFacts = {
  readonly id: string;
  readonly card: Card;
  /** Status log ascending by time [G3]: history[i].at is when the card entered a status of category codes[i]. */
  readonly history: readonly StatusChange[];
  /** Category code (TODO, DOING, DONE) of the status entered at history[i] (the last one: the present status [G4]). */
  readonly codes: readonly number[];
  /** [LT1] First moment the card existed. */
  readonly created: number;
  /**
   * [CFD1] End-of-day statuses: from segDays[j] on (until the next one) the card ends each day in
   * segStatuses[j]. Days on which the card ends where it began are left out.
   */
  readonly segDays: readonly Day[];
  readonly segStatuses: readonly string[];
  /** [CT1] First entry into a 'doing' status, or null. */
  readonly firstStart: number | null;
  /** [CT2] Start of the final run of 'done' statuses, when the card is done now. */
  readonly doneAt: number | null;
  readonly doneDay: Day | null;
  /** [LT2] Done now, and has been since it was created. */
  readonly createdDone: boolean;
  /** [CT3] Transitions from a 'done' status to any other. */
  readonly reopens: number;
  readonly cycleMs: number | null;
  readonly leadMs: number | null;
  /** Estimate log ascending [G3]. */
  readonly estimates: readonly EstimateChange[];
  /**
   * [SC2] Sprint membership from the card's sprint log: from sprintLog.times[j] on, the card is in
   * sprint sprintLog.ids[j] (null: backlog); the first entry is its creation. Null when the card
   * has no sprint log: then only its present sprint is known.
   */
  readonly sprintLog: { readonly times: readonly number[]; readonly ids: readonly (string | null)[] } | null;
  /** Every sprint the card has been in by its sprint log (empty without a log). */
  readonly loggedSprints: readonly string[];
};

function isSorted(list: readonly { at: number }[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i].at < list[i - 1].at) return false;
  return true;
}

/** Array#sort is stable, so equal times keep their log order, the same on every replica [G3]. */
const sortedByTime = <T extends { at: number }>(list: readonly T[]): readonly T[] => (isSorted(list) ? list : [...list].sort((a, b) => a.at - b.at));

/** [SC2, G3, G4] Membership over time from the sprint log, ending in the present sprint. */
function sprintLogOf(card: Card, created: number): CardFacts['sprintLog'] {
  const log = card.sprintHistory;
  if (!log || log.length === 0) return null;
  const sorted = sortedByTime(log);
  const times = [created];
  const ids: (string | null)[] = [sorted[0].from];
  for (const e of sorted) {
    times.push(e.at);
    ids.push(e.to);
  }
  ids[ids.length - 1] = card.sprint; // [G4] the last logged move is read as a move into the present sprint
  return { times, ids };
}

/** [G3, G4, CT1–CT6, LT1–LT3, SC2] Derives a card's facts. Pure; cost O(its history). */
export function cardFacts(card: Card, ctx: PlanContext): CardFacts {
  const logged = sortedByTime(card.history);
  // A card with no readable log (a peer wrote garbage) was created in its present status.
  const history = logged.length ? logged : [{ at: card.createdAt, from: null, to: card.status, actor: '' }];
  const n = history.length;
  const codes: number[] = [];
  const segDays: Day[] = [];
  const segStatuses: string[] = [];
  let firstStart: number | null = null;
  let reopens = 0;
  for (let i = 0; i < n; i++) {
    const at = history[i].at;
    // [G4] Concurrent moves both reach the log but only one wins the status field: the last logged
    // move is read as a move into the status the board shows.
    const status = i === n - 1 ? card.status : history[i].to;
    const code = codeOf(ctx, status);
    codes.push(code);
    if (firstStart === null && code === DOING) firstStart = at;
    if (i > 0 && codes[i - 1] === DONE && code !== DONE) reopens++;
    const day = ctx.dayOf(at);
    let last = segDays.length - 1;
    if (last >= 0 && segDays[last] === day) {
      segStatuses[last] = status;
    } else {
      segDays.push(day);
      segStatuses.push(status);
      last++;
    }
    // A day that ends where the previous one ended is no change.
    if (last > 0 && segStatuses[last] === segStatuses[last - 1]) {
      segDays.pop();
      segStatuses.pop();
    }
  }
  let runStart = n;
  while (runStart > 0 && codes[runStart - 1] === DONE) runStart--;
  const doneAt = runStart < n ? history[runStart].at : null;
  const created = history[0].at;
  const createdDone = doneAt !== null && runStart === 0;
  const sprintLog = sprintLogOf(card, created);
  const loggedSprints = sprintLog ? [...new Set(sprintLog.ids.filter((x): x is string => x !== null))] : NO_SPRINTS;

  return {
    id: card.id,
    card,
    history,
    codes,
    created,
    segDays,
    segStatuses,
    firstStart,
    doneAt,
    doneDay: doneAt === null ? null : ctx.dayOf(doneAt),
    createdDone,
    reopens,
    // [CT4] no start, no cycle time; [CT6] clamped at zero.
    cycleMs: firstStart !== null && doneAt !== null ? Math.max(0, doneAt - firstStart) : null,
    leadMs: doneAt !== null && !createdDone ? Math.max(0, doneAt - created) : null,
    estimates: sortedByTime(card.estimates),
    sprintLog,
    loggedSprints
  };
}

/** [G3, G9] Index of the last history entry strictly before `cut`, or −1 if the card did not yet exist. */
export function entryBefore(f: CardFacts, cut: number): number {
  let lo = 0;
  let hi = f.history.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f.history[mid].at < cut) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** [G4, G7, G9] Category of the card just before `cut`, or null if it did not yet exist. */
export function categoryBefore(f: CardFacts, cut: number): StatusCategory | null {
  const i = entryBefore(f, cut);
  return i < 0 ? null : NAME[f.codes[i]];
}

/**
 * [G8] The card's estimate just before `cut`: the last estimate change before it; before the first
 * change, that change's `from`; after the last one, the card's present points [G4]. Null: unestimated.
 */
export function pointsBefore(f: CardFacts, cut: number): number | null {
  const log = f.estimates;
  if (log.length === 0 || cut > log[log.length - 1].at) return f.card.points;
  let value = log[0].from;
  for (const e of log) {
    if (e.at >= cut) break;
    value = e.to;
  }
  return value;
}
