/**
 * Named versions: moments people named through the API (stored by the DocStore, so nobody can
 * rename or delete them by editing the plan), plus moments the plan names itself: every sprint's
 * start (its commitment time) and close, read from the plan document at request time, so they
 * cost nothing to keep and can never disagree with the sprint history. Pure.
 */
import type { Sprint } from '../../shared/schema.ts';
import type { Version } from '../persistence/store.ts';

export type VersionKind = 'named' | 'sprintStart' | 'sprintClose';

export type VersionView = {
  /** The stored version's id; null for automatic ones. */
  id: number | null;
  kind: VersionKind;
  name: string;
  at: number;
  /** Who named it (user id); null for automatic ones. */
  by: string | null;
};

export const VERSION_NAME_MAX = 120;

/** Trimmed, non-empty, at most VERSION_NAME_MAX characters; otherwise null. */
export function readVersionName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value.trim().replace(/\s+/g, ' ');
  return name && name.length <= VERSION_NAME_MAX ? name : null;
}

/** Stored and automatic versions together, ascending by moment (stored first on a tie). */
export function allVersions(named: readonly Version[], sprints: readonly Sprint[]): VersionView[] {
  const out: VersionView[] = named.map((v) => ({ id: v.id, kind: 'named', name: v.name, at: v.at, by: v.createdBy }));
  for (const s of sprints) {
    if (s.commitment) out.push({ id: null, kind: 'sprintStart', name: `${s.name} start`, at: s.commitment.at, by: null });
    if (s.state === 'closed' && s.closedAt !== null) out.push({ id: null, kind: 'sprintClose', name: `${s.name} close`, at: s.closedAt, by: null });
  }
  const rank = (k: VersionKind) => (k === 'named' ? 0 : 1);
  return out.sort((a, b) => a.at - b.at || rank(a.kind) - rank(b.kind));
}
