/**
 * A person's presence identity: the display name they chose (remembered across plans in
 * localStorage) and a colour derived from their user id, so the same person has the same colour on
 * every screen without anyone storing it. Colours are dark enough for white initials (≥ 4.5:1),
 * and the name is always shown beside them, so colour is never the only cue.
 */
import { formatTime } from '../../../../shared/format/dates.ts';

const NAME_KEY = 'plenary:name';
export const MAX_NAME = 60;

const PALETTE = ['#b42318', '#9a4a00', '#067647', '#175cd3', '#6941c6', '#c11574', '#0e7090', '#4e5ba6', '#7a5c00', '#3f6212'];

/** `tz`: the person's IANA time zone (from their browser), so others see their local time. */
export type PresenceUser = { id: string; name: string; color: string; tz: string | null };

/** This browser's time zone. */
export function ownTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    return null;
  }
}

function validZone(tz: unknown): string | null {
  if (typeof tz !== 'string' || tz.length > 64) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return null;
  }
}

/** "14:05" in a zone (24-hour, the reader's locale), or null for an unknown zone. */
export function localTime(tz: string | null, at: number): string | null {
  if (!tz) return null;
  return formatTime(at, tz);
}

export function colorFor(id: string): string {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? '') : ([...words[0]][1] ?? '');
  return (first + last).toUpperCase();
}

export function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
}

export function storedName(): string | null {
  try {
    const name = localStorage.getItem(NAME_KEY);
    return name ? cleanName(name) || null : null;
  } catch {
    return null;
  }
}

export function storeName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // No storage: the name holds for this page only.
  }
}

/** Reads a peer's awareness state defensively: any peer can publish anything. */
export function readPresenceUser(state: unknown): PresenceUser | null {
  const user = (state as { user?: Partial<PresenceUser> } | null)?.user;
  if (!user || typeof user.id !== 'string' || typeof user.name !== 'string') return null;
  const color = typeof user.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : colorFor(user.id);
  return { id: user.id.slice(0, 64), name: cleanName(user.name) || 'Someone', color, tz: validZone(user.tz) };
}
