/**
 * Retro phases and the rules for moving between them: pure, used by the server extension (which
 * enforces them) and by the client (which only shows what the server will accept).
 *
 *   review → write → reveal → group → vote → discuss → actions → close
 *
 * R1  Only a facilitator (or admin) moves the phase; the server refuses everyone else.
 * R2  The phase moves one step forward; `actions → discuss` is the one step back (to pick up
 *     another topic). `close` is final.
 * R3  A vote budget of 0 means "no voting": `group → discuss` directly, and `vote` is refused.
 * R4  Writing is open during `write`, and during `reveal` and `group` when the facilitator kept it
 *     open for latecomers (`lateWriting`). Cards written after the reveal wait in the server until
 *     the facilitator reveals them, or until grouping ends.
 * R5  The vote budget is set before voting starts (review … group); it cannot change during a vote.
 * R6  Grouping happens in `reveal`, `group` and `vote` (a card dropped into a group keeps its votes
 *     through the group's total); from `discuss` on the board is settled.
 */
export const PHASES = ['review', 'write', 'reveal', 'group', 'vote', 'discuss', 'actions', 'close'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_LABELS: Record<Phase, string> = {
  review: 'Review actions',
  write: 'Write',
  reveal: 'Reveal',
  group: 'Group',
  vote: 'Vote',
  discuss: 'Discuss',
  actions: 'Actions',
  close: 'Closed'
};

export const MAX_BUDGET = 20;
export const DEFAULT_BUDGET = 5;

/** The parts of a session the rules read. */
export type PhaseState = { phase: Phase; lateWriting: boolean; voteBudget: number };

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}

/** The phase a "Next" button goes to, or null when the retro is closed (R2, R3). */
export function nextPhase(s: PhaseState): Phase | null {
  if (s.phase === 'close') return null;
  if (s.phase === 'group' && s.voteBudget === 0) return 'discuss';
  return PHASES[phaseIndex(s.phase) + 1];
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Whether the phase may move from `s.phase` to `to` (R2, R3). */
export function canMove(s: PhaseState, to: Phase): Verdict {
  if (s.phase === to) return { ok: false, reason: `the retro is already in ${PHASE_LABELS[to]}` };
  if (s.phase === 'actions' && to === 'discuss') return { ok: true };
  if (to === 'vote' && s.voteBudget === 0) return { ok: false, reason: 'voting is switched off (budget 0)' };
  const next = nextPhase(s);
  if (next === to) return { ok: true };
  if (s.phase === 'close') return { ok: false, reason: 'the retro is closed' };
  return { ok: false, reason: `from ${PHASE_LABELS[s.phase]} the retro moves to ${next ? PHASE_LABELS[next] : 'nothing'}` };
}

/** R4 */
export function writingAllowed(s: PhaseState): boolean {
  return s.phase === 'write' || (s.lateWriting && (s.phase === 'reveal' || s.phase === 'group'));
}

/** R5 */
export function budgetAllowed(phase: Phase): boolean {
  return phaseIndex(phase) < phaseIndex('vote');
}

/** R6 */
export function groupingAllowed(phase: Phase): boolean {
  return phase === 'reveal' || phase === 'group' || phase === 'vote';
}

/** Cards are shared in the document (not private drafts) from the reveal on. */
export function revealed(phase: Phase): boolean {
  return phaseIndex(phase) >= phaseIndex('reveal');
}

/** Breakouts split the room while grouping and voting; from `discuss` on everyone sees everything. */
export function breakoutsApply(phase: Phase): boolean {
  return phase === 'group' || phase === 'vote';
}

export function clampBudget(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_BUDGET ? value : null;
}
