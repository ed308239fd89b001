/**
 * The public API of the timeline's planning algorithms. Pure: plain records in (from a snapshot),
 * plain data out; no Yjs, no clock. The document-side guards live in shared/doc/dependency-rules.ts.
 */
export { addDays, afterLag, daysBetween, fromDay, isWorkingDay, latestFinishBefore, toDay, weekdayOf, type Calendar } from './dates.ts';
export {
  buildGraph,
  compareIds,
  findCycles,
  formatPath,
  shortestPath,
  stronglyConnected,
  topologicalOrder,
  wouldCreateCycle,
  type Cycle,
  type CycleRefusal,
  type Edge,
  type Graph,
  type TopologicalOrder
} from './graph.ts';
export {
  occupiedDays,
  pushes,
  schedule,
  type Item,
  type Move,
  type Push,
  type Pushes,
  type PushOptions,
  type Schedule,
  type ScheduledItem,
  type ScheduleOptions
} from './schedule.ts';
export { slippageByWorkstream, slippageDays, summarizeSlippage, type SlipItem, type SlippageSummary, type WorkstreamSlippage } from './slippage.ts';
export { proposeRepair, type RepairProposal } from './repair.ts';
