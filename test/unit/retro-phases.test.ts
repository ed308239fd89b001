/** Retro phase rules (shared/retro/phases.ts), titled by rule. */
import { describe, expect, it } from 'vitest';
import { budgetAllowed, canMove, clampBudget, groupingAllowed, nextPhase, PHASES, revealed, writingAllowed, type Phase, type PhaseState } from '../../shared/retro/phases.ts';
import { formatClock, readTimer, remainingMs } from '../../shared/retro/timer.ts';
import { columnsFor, readRetroInit, TEMPLATES } from '../../shared/retro/templates.ts';
import { isRetroRoom, planOfRetro } from '../../shared/retro/rooms.ts';

const s = (phase: Phase, extra: Partial<PhaseState> = {}): PhaseState => ({ phase, lateWriting: false, voteBudget: 5, ...extra });

describe('retro phases', () => {
  it('[R2] the phase moves one step forward, in order, and close is final', () => {
    const seen: Phase[] = ['review'];
    let state = s('review');
    for (let next = nextPhase(state); next; next = nextPhase(state)) {
      expect(canMove(state, next)).toEqual({ ok: true });
      state = s(next);
      seen.push(next);
    }
    expect(seen).toEqual([...PHASES]);
    expect(canMove(s('close'), 'review').ok).toBe(false);
  });

  it('[R2] skipping ahead or going back is refused, except actions → discuss', () => {
    expect(canMove(s('review'), 'reveal').ok).toBe(false);
    expect(canMove(s('write'), 'vote').ok).toBe(false);
    expect(canMove(s('group'), 'reveal').ok).toBe(false);
    expect(canMove(s('discuss'), 'vote').ok).toBe(false);
    expect(canMove(s('vote'), 'vote').ok).toBe(false);
    expect(canMove(s('actions'), 'discuss')).toEqual({ ok: true });
  });

  it('[R3] a budget of 0 skips voting: group → discuss, and vote is refused', () => {
    expect(nextPhase(s('group', { voteBudget: 0 }))).toBe('discuss');
    expect(canMove(s('group', { voteBudget: 0 }), 'discuss').ok).toBe(true);
    expect(canMove(s('group', { voteBudget: 0 }), 'vote').ok).toBe(false);
    expect(canMove(s('group'), 'discuss').ok).toBe(false);
  });

  it('[R4] writing is open in write, and in reveal/group only when kept open for latecomers', () => {
    const open = PHASES.filter((p) => writingAllowed(s(p)));
    expect(open).toEqual(['write']);
    const late = PHASES.filter((p) => writingAllowed(s(p, { lateWriting: true })));
    expect(late).toEqual(['write', 'reveal', 'group']);
  });

  it('[R5] the budget is set before the vote, within 0..20', () => {
    expect(PHASES.filter(budgetAllowed)).toEqual(['review', 'write', 'reveal', 'group']);
    expect([clampBudget(0), clampBudget(20), clampBudget(21), clampBudget(2.5), clampBudget('3'), clampBudget(-1)]).toEqual([0, 20, null, null, null, null]);
  });

  it('[R6] grouping from the reveal through the vote; cards are shared from the reveal on', () => {
    expect(PHASES.filter(groupingAllowed)).toEqual(['reveal', 'group', 'vote']);
    expect(PHASES.filter(revealed)).toEqual(['reveal', 'group', 'vote', 'discuss', 'actions', 'close']);
  });
});

describe('retro timer', () => {
  it('counts down from the server start time and never below zero', () => {
    const t = { startedAt: 1_000_000, durationMs: 90_000 };
    expect(remainingMs(t, 1_000_000)).toBe(90_000);
    expect(remainingMs(t, 1_060_000)).toBe(30_000);
    expect(remainingMs(t, 2_000_000)).toBe(0);
    expect(remainingMs(t, 999_990)).toBe(90_000);
    expect([formatClock(90_000), formatClock(500), formatClock(0), formatClock(3_600_000)]).toEqual(['1:30', '0:01', '0:00', '1:00:00']);
  });

  it('reads only sane timers from a peer', () => {
    expect(readTimer({ startedAt: 5, durationMs: 1000 })).toEqual({ startedAt: 5, durationMs: 1000 });
    for (const bad of [null, 'x', { startedAt: 5 }, { startedAt: 5, durationMs: -1 }, { startedAt: NaN, durationMs: 5 }, { startedAt: 1, durationMs: 1e12 }]) expect(readTimer(bad)).toBeNull();
  });
});

describe('retro templates and rooms', () => {
  it('every template has distinct column ids; custom columns are named by the facilitator', () => {
    for (const t of TEMPLATES) expect(new Set(t.columns.map((c) => c.id)).size).toBe(t.columns.length);
    expect(TEMPLATES.map((t) => t.id)).toEqual(['start-stop-continue', 'mad-sad-glad', '4ls', 'sailboat']);
    expect(columnsFor('custom', [' Kudos ', '', 'Puzzles'])).toEqual([
      { id: 'c1', title: 'Kudos', hint: '' },
      { id: 'c2', title: 'Puzzles', hint: '' }
    ]);
    expect(typeof columnsFor('custom', [])).toBe('string');
    expect(typeof columnsFor('custom', Array(9).fill('x'))).toBe('string');
    expect(typeof columnsFor('nope')).toBe('string');
  });

  it('reads a creation request: anonymous unless asked otherwise', () => {
    const init = readRetroInit({ title: ' Sprint 4 ', template: 'sailboat' });
    expect(init).toMatchObject({ title: 'Sprint 4', template: 'sailboat', anonymous: true, sprint: null });
    expect(readRetroInit({ title: 'x', anonymous: false })).toMatchObject({ anonymous: false, template: 'start-stop-continue' });
    expect(readRetroInit({ title: '' })).toBe('a retro needs a title');
    expect(typeof readRetroInit({ title: 'x', anonymous: 'no' })).toBe('string');
  });

  it('retro rooms are <plan>/retro-<id>', () => {
    expect(isRetroRoom('gpu-buildout/retro-a1b2c3')).toBe(true);
    expect(planOfRetro('gpu-buildout/retro-a1b2c3')).toBe('gpu-buildout');
    expect(isRetroRoom('gpu-buildout')).toBe(false);
    expect(isRetroRoom('gpu-buildout/poker-1')).toBe(false);
    expect(planOfRetro('a/b/retro-1')).toBeNull();
  });
});
