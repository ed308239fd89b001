/**
 * The Monte Carlo forecast (shared/METRICS.md, FC) in sentences people read in a steering meeting,
 * rather than "1 (50 %) · 0 (85 %)". What the numbers mean:
 * - FC3 "when": c % of the simulated futures finished every remaining card on or before the date;
 * - FC4 "how many": c % of the simulated futures finished at least that many more cards (counted
 *   after today, through the date), so higher confidence never promises more.
 * Dates and percentages go through shared/format.
 */
import type { HowManyAnswer, PlanForecast } from '$shared/metrics/index.ts';
import { formatDate, formatNumber, formatPercent } from '$shared/format/index.ts';

/** FC7: trials stop after this many working days. */
const HORIZON_DAYS = 1000;
const pct = (confidence: number) => formatPercent(confidence / 100);
const cards = (n: number) => `${formatNumber(n)} more ${n === 1 ? 'card' : 'cards'}`;

/** "a, b and c" */
function list(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * [FC4] "By 11 Dec 2026 (end of Helios 5): a 50% chance of finishing at least 12 more cards, 85%
 * of at least 9 and 95% of at least 7." Confidences at which not even one card is likely are said
 * as such, not as "at least 0".
 */
export function howManySentence(by: string, answers: readonly HowManyAnswer[], sprintName: string | null = null): string {
  const when = `${formatDate(by)}${sprintName ? ` (end of ${sprintName})` : ''}`;
  const some = answers.filter((a) => a.items > 0);
  const none = answers.filter((a) => a.items === 0);
  if (some.length === 0) return `Not even one more card is likely to be done by ${when}.`;
  const chances = some.map((a, k) => (k === 0 ? `a ${pct(a.confidence)} chance of finishing at least ${cards(a.items)}` : `${pct(a.confidence)} of at least ${formatNumber(a.items)}`));
  const tail = none.length ? `; at ${list(none.map((a) => pct(a.confidence)))} confidence, not even one` : '';
  return `By ${when}: ${list(chances)}${tail}.`;
}

/** [FC3, FC9] "38 cards not done: a 50% chance of finishing them all by 22 Jan 2027, 85% by 2 Feb 2027 …" */
export function whenSentence(forecast: PlanForecast | null): string {
  if (forecast === null || forecast.sample.total === 0) return 'No throughput in the last 30 working days: no forecast.';
  const n = forecast.remaining;
  const head = `${formatNumber(n)} ${n === 1 ? 'card' : 'cards'} not done`;
  // FC7: a percentile on trials that never finished has no date.
  const by = (date: string | null) => (date === null ? `only beyond ${formatNumber(HORIZON_DAYS)} working days` : `by ${formatDate(date)}`);
  const dates = forecast.when.map((w, k) => `${k === 0 ? `a ${pct(w.confidence)} chance of finishing ${n === 1 ? 'it' : 'them all'}` : pct(w.confidence)} ${by(w.date)}`);
  const sample = `forecast from ${formatNumber(forecast.sample.total)} completions over the last ${formatNumber(forecast.sample.days)} working days`;
  return `${head}: ${list(dates)}; ${sample}.`;
}
