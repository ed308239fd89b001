/**
 * The hand-computed example most rule tests use: a two-week sprint in London across the spring
 * clock change (Mon 24 March – Fri 4 April 2025), working days Mon–Fri.
 *
 *   A (3 pts) committed: created 20 Mar 10:00, todo 24 Mar 09:00, doing 24 Mar 11:00, done 25 Mar 16:00
 *   B (5 pts) committed: created 21 Mar 10:00 in todo, doing 26 Mar 10:00, done 28 Mar 15:00,
 *             reopened (doing) 31 Mar 10:00, done again 2 Apr 12:00
 *   C (2 pts) committed: created 21 Mar 10:00 in todo, moved back to the backlog 27 Mar 14:00 (removed)
 *   D (1 pt)  added:     created 27 Mar 09:00 in todo in the sprint, done 31 Mar 00:30 BST (= 30 Mar 23:30 UTC)
 *   E (8 pts) backlog:   created 22 Mar, never in the sprint
 *
 * Commitment recorded Mon 24 Mar 09:30 (A, B, C = 10 points); closed Fri 4 Apr 17:00.
 */
import type { PlanSnapshot } from '../../../shared/schema.ts';
import { at, card, plan, sprint } from './fixtures.ts';

export const T0 = at('2025-03-24 09:30');
export const CLOSED = at('2025-04-04 17:00');
export const NOW = at('2025-04-10 12:00');

export function marchPlan(overrides: { state?: 'active' | 'closed'; closedAt?: number | null } = {}): PlanSnapshot {
  const s = 's1';
  return plan({
    sprints: [
      sprint(s, '2025-03-24', '2025-04-04', {
        state: overrides.state ?? 'closed',
        closedAt: overrides.closedAt === undefined ? CLOSED : overrides.closedAt,
        commitment: { at: T0, cards: [{ id: 'A', points: 3 }, { id: 'B', points: 5 }, { id: 'C', points: 2 }] }
      })
    ],
    cards: [
      card('A', [[at('2025-03-20 10:00'), 'backlog'], [at('2025-03-24 09:00'), 'todo'], [at('2025-03-24 11:00'), 'doing'], [at('2025-03-25 16:00'), 'done']], { points: 3, sprint: s }),
      card(
        'B',
        [[at('2025-03-21 10:00'), 'todo'], [at('2025-03-26 10:00'), 'doing'], [at('2025-03-28 15:00'), 'done'], [at('2025-03-31 10:00'), 'doing'], [at('2025-04-02 12:00'), 'done']],
        { points: 5, sprint: s }
      ),
      card('C', [[at('2025-03-21 10:00'), 'todo'], [at('2025-03-27 14:00'), 'backlog']], { points: 2, sprint: null }),
      card('D', [[at('2025-03-27 09:00'), 'todo'], [at('2025-03-31 00:30'), 'done']], { points: 1, sprint: s }),
      card('E', [[at('2025-03-22 10:00'), 'backlog']], { points: 8 })
    ]
  });
}

/** The sprint's days, 24 Mar .. 4 Apr. */
export const DAYS = ['2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28', '2025-03-29', '2025-03-30', '2025-03-31', '2025-04-01', '2025-04-02', '2025-04-03', '2025-04-04'];
