/** How the card panel writes times, people and places: plain functions, no state. */
import type { Member, Status } from '$shared/schema.ts';
import type { Peer } from '../presence/presence.svelte.ts';

import { formatDateTime, viewerZone } from '../../../../shared/format/index.ts';

/** A moment on the plan's wall clock (the viewer's when none is given), zone named: "25 Nov 2026, 09:10 GMT". */
export function formatWhen(at: number, timeZone = viewerZone()): string {
  return formatDateTime(at, timeZone);
}

export function isoWhen(at: number): string {
  return new Date(at).toISOString();
}

/**
 * The name to show for an actor id: the plan member with that id, else someone here now with that
 * user id, else the id itself (a person who has left and is not a member).
 */
export function nameOf(actor: string, members: readonly Member[], peers: readonly Peer[]): string {
  return members.find((m) => m.id === actor)?.name ?? peers.find((p) => p.id === actor)?.name ?? actor;
}

export function statusName(id: string | null, statuses: readonly Status[]): string {
  if (id === null) return '—';
  return statuses.find((s) => s.id === id)?.name ?? id;
}

export function pointsText(points: number | null, unit: string): string {
  if (points === null) return 'no estimate';
  return `${points} ${points === 1 ? unit.replace(/s$/, '') : unit}`;
}
