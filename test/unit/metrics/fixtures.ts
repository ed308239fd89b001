/**
 * Small builders for hand-computed metric examples: plans, cards with a status history, sprints,
 * and local wall-clock times in a zone (so examples read like the board people saw).
 */
import { DEFAULT_STATUSES, type Card, type Member, type Milestone, type PlanSnapshot, type RaidItem, type Sprint, type StatusChange, type Weekday } from '../../../shared/schema.ts';
import { zoneOffset } from '../../../shared/metrics/calendar.ts';

/** The instant at which the wall clock in `tz` shows `local` ('YYYY-MM-DD HH:MM'). */
export function at(local: string, tz = 'Europe/London'): number {
  const wall = Date.parse(`${local.replace(' ', 'T')}:00Z`);
  return wall - zoneOffset(wall - zoneOffset(wall, tz), tz);
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export type PlanParts = Partial<Omit<PlanSnapshot, 'meta'>> & { timeZone?: string; workingDays?: Weekday[] };

export function plan(parts: PlanParts = {}): PlanSnapshot {
  const { timeZone = 'Europe/London', workingDays = [1, 2, 3, 4, 5], ...rest } = parts;
  return {
    meta: { schemaVersion: 1, kind: 'plan', name: 'Test', description: '', timeZone, workingDays, estimateUnit: 'points', createdAt: 0 },
    members: [],
    statuses: DEFAULT_STATUSES.map((s, i) => ({ ...s, rank: String.fromCharCode(97 + i) })),
    sprints: [],
    epics: [],
    cards: [],
    raid: [],
    workstreams: [],
    milestones: [],
    dependencies: [],
    decisions: [],
    retros: [],
    ...rest
  };
}

/** A card whose history is `moves`: [time, status] pairs, the first being its creation. */
export function card(id: string, moves: [number, string][], extra: Partial<Card> = {}): Card {
  const history: StatusChange[] = moves.map(([t, to], i) => ({ at: t, from: i === 0 ? null : moves[i - 1][1], to, actor: 'a' }));
  const points = extra.points ?? null;
  return {
    id,
    title: id,
    status: moves[moves.length - 1][1],
    sprint: null,
    rank: 'i',
    points,
    assignee: null,
    labels: [],
    epic: null,
    due: null,
    links: [],
    createdAt: moves[0][0],
    createdBy: 'a',
    descriptionText: '',
    history,
    estimates: points === null ? [] : [{ at: moves[0][0], from: null, to: points, actor: 'a' }],
    comments: [],
    ...extra
  } as Card;
}

export function sprint(id: string, start: string, end: string, extra: Partial<Sprint> = {}): Sprint {
  return { id, name: id, goal: '', start, end, state: 'closed', commitment: null, closedAt: null, ...extra };
}

export function member(id: string, extra: Partial<Member> = {}): Member {
  return { id, name: id, title: '', timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:00', defaultCapacity: 10, capacity: {}, daysOff: {}, ...extra };
}

export function raidItem(id: string, extra: Partial<RaidItem> = {}): RaidItem {
  return {
    id,
    kind: 'risk',
    title: id,
    owner: null,
    status: 'open',
    raised: '2025-01-01',
    review: null,
    due: null,
    likelihood: 3,
    impact: 3,
    residualLikelihood: null,
    residualImpact: null,
    links: [],
    descriptionText: '',
    responseText: '',
    ...extra
  };
}

export function milestone(id: string, end: string, extra: Partial<Milestone> = {}): Milestone {
  return { id, name: id, kind: 'milestone', workstream: null, start: end, end, baselineStart: null, baselineEnd: null, stage: 'build', owner: null, ...extra };
}
