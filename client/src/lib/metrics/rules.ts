/**
 * One-line versions of the rules in shared/METRICS.md, by rule id, and the rules each chart
 * follows: the info button of every chart shows them, so anyone can check what a number means.
 */
export const RULES: Record<string, string> = {
  G1: 'A day is a calendar date in the plan’s time zone.',
  G5: 'Deleted cards drop out of everything, past included.',
  G8: 'A card’s estimate at a cut is its last estimate before it; unestimated counts 0 points.',
  G9: 'A daily value is the state at the end of the day (or the sprint close, or now).',
  SC1: 'Only a sprint with a recorded commitment has a scope, a burn-down and a velocity.',
  SC2: 'Cards not in the commitment that join the sprint later are added scope from that moment.',
  SC5: 'A closed sprint is evaluated up to its close; carry-over at the close is not removal.',
  V1: 'Velocity = estimates of scope cards done at the close, committed and added alike.',
  V2: 'Only a closed sprint has a velocity.',
  V3: 'What counts is the state at the close; reopened and not re-done does not count.',
  V4: 'Say/do = completed committed ÷ committed.',
  V5: 'Average velocity: mean of the last 3 closed sprints.',
  BD1: 'The commitment line starts from the commitment as recorded.',
  BD2: 'The axis is every calendar date from start to end (or close/today when later).',
  BD3: 'Remaining at the end of each day = scope − done, never negative.',
  BD4: 'Ideal line: the commitment burnt evenly over working days; flat on non-working days.',
  BD5: 'Added and removed scope are separate series, never folded into the commitment.',
  BD6: 'Days that have not started have no actual values.',
  BD7: 'Reopened cards go back into remaining on the day they are reopened.',
  BD8: 'Re-estimates move remaining and scope on the day of the change.',
  BU1: 'Scope line = committed + added work in scope; done line = the part done.',
  BU2: 'The done line drops on the day a done card is reopened.',
  BU3: 'The commitment is a flat reference; the scope line shows every change on its day.',
  CFD1: 'One band per column, in board order: cards in that column at the end of each day.',
  CFD2: 'A card appears from the day it was created.',
  CFD3: 'Cards in deleted columns form one extra band.',
  CFD4: 'The bands of a day sum to the cards created by then.',
  WIP1: 'WIP on a day = cards in doing columns at its end.',
  TP1: 'A completion is a card done now, counted once, on the day of its final done.',
  CT1: 'The clock starts at the first entry into a doing status.',
  CT2: 'It stops at the done that began the present run of done; only done cards count.',
  CT3: 'Reopened cards do not restart the clock.',
  CT7: 'Percentiles by nearest rank: always an observed value.',
  CT8: 'One point per card by done time; lines at p50, p85, p95; above p95 is an outlier.',
  FC1: 'Sample: completions on each of the last 30 working days before today.',
  FC2: 'A trial walks working days drawing a sampled day’s throughput until the items are done.',
  FC3: '“Done by” at c % = the c-th percentile of the trials’ finish dates.',
  FC4: '“How many by D” at c % = what c % of trials delivered at least.',
  FC5: 'Seeded PRNG and 10,000 trials: the same forecast everywhere.',
  FC9: 'No throughput to sample: no forecast.',
  CAP1: 'Capacity: the member’s own entry, else the default scaled by days off.',
  CAP2: 'Load: present estimates of the sprint’s cards assigned to the member.',
  CAP3: 'Utilisation = load ÷ capacity; over-allocated when load > capacity.',
  CAP4: 'An assignee who is not a member gets a row with capacity 0.',
  RX1: 'Exposure = likelihood × impact (1–25).',
  RX2: 'The plan’s exposure sums open risks; unassessed residual uses the inherent score.',
  TR1: 'Daily exposure of open risks raised by that day.'
};

export const CHART_RULES = {
  burndown: ['BD1', 'BD2', 'BD3', 'BD4', 'BD5', 'BD6', 'BD7', 'BD8', 'SC1', 'G9'],
  burnup: ['BU1', 'BU2', 'BU3', 'BD4', 'BD5', 'SC2', 'G9'],
  velocity: ['V1', 'V2', 'V3', 'V4', 'V5', 'SC5'],
  cfd: ['CFD1', 'CFD2', 'CFD3', 'CFD4', 'WIP1', 'TP1', 'G1'],
  cycle: ['CT1', 'CT2', 'CT3', 'CT7', 'CT8'],
  forecast: ['FC1', 'FC2', 'FC3', 'FC4', 'FC5', 'FC9'],
  capacity: ['CAP1', 'CAP2', 'CAP3', 'CAP4'],
  risk: ['RX1', 'RX2', 'TR1']
} satisfies Record<string, string[]>;

export type ChartId = keyof typeof CHART_RULES;
