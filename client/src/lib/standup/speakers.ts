/**
 * Who (or what) the stand-up walks: plan members, else the people here now, by person; the board's
 * columns by column. Pure: the keys are what the `standup` root stores in its order.
 */
import type { Card, Member, Sprint, Status } from '$shared/schema.ts';
import type { StandupMode } from '$shared/doc/standup.ts';

export type Speaker = { key: string; label: string };

export const NAME_KEY = 'name:';

export function speakersFor(mode: StandupMode, members: Member[], here: string[], statuses: Status[]): Speaker[] {
  if (mode === 'column') return statuses.map((s) => ({ key: s.id, label: s.name }));
  if (members.length) return [...members].sort((a, b) => a.name.localeCompare(b.name)).map((m) => ({ key: m.id, label: m.name }));
  return [...new Set(here)].sort((a, b) => a.localeCompare(b)).map((n) => ({ key: NAME_KEY + n, label: n }));
}

export function labelOf(key: string, members: Member[], statuses: Status[]): string {
  if (key.startsWith(NAME_KEY)) return key.slice(NAME_KEY.length);
  return members.find((m) => m.id === key)?.name ?? statuses.find((s) => s.id === key)?.name ?? key;
}

/** The cards a turn is about: the active sprint's (or, without one, everything not in the backlog). */
export function cardsFor(mode: StandupMode, key: string, cards: Card[], sprints: Sprint[]): Card[] {
  const active = sprints.find((s) => s.state === 'active');
  const inScope = cards.filter((c) => (active ? c.sprint === active.id : c.status !== 'backlog'));
  return mode === 'column' ? inScope.filter((c) => c.status === key) : inScope.filter((c) => c.assignee === key);
}
