/**
 * Personal sessions: what accepting an invitation gives this browser, one per plan, kept in
 * localStorage under `plenary:person:<plan>` so every tab (and the next visit) is the same person.
 * A plan's retros (`<plan>/retro-…`) use the plan's session, whose scope is `<plan>/*`.
 *
 * Plain TypeScript; storage failures (private mode, disabled storage) degrade to "not remembered".
 */
import { isRole } from '$shared/protocol.ts';
import type { PersonRef } from '../api/access.ts';

export type PersonalSession = {
  token: string;
  person: PersonRef;
  /** Expiry in seconds since the epoch (the token's `exp`). */
  exp: number;
  /** The plan's name when the session was made, for the landing page. */
  planName: string;
  /** When this browser last opened the plan (ms since the epoch), for the landing page. */
  openedAt?: number;
};

const PREFIX = 'plenary:person:';
const key = (plan: string) => PREFIX + plan;

/** Seconds, whichever unit the server used (a millisecond stamp is far past any seconds one). */
function seconds(exp: number): number {
  return exp > 1e12 ? Math.floor(exp / 1000) : exp;
}

function read(plan: string, raw: string | null, now: number): PersonalSession | null {
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as Partial<PersonalSession>;
    const p = d.person;
    if (typeof d.token !== 'string' || typeof d.exp !== 'number' || !p || typeof p.id !== 'string' || typeof p.name !== 'string' || !isRole(p.role)) return null;
    if (seconds(d.exp) * 1000 <= now) return null;
    return {
      token: d.token,
      person: { id: p.id, name: p.name, role: p.role, memberId: typeof p.memberId === 'string' ? p.memberId : null },
      exp: seconds(d.exp),
      planName: typeof d.planName === 'string' && d.planName ? d.planName : plan,
      ...(typeof d.openedAt === 'number' && Number.isFinite(d.openedAt) ? { openedAt: d.openedAt } : {})
    };
  } catch {
    return null;
  }
}

export function personalSession(plan: string, now = Date.now()): PersonalSession | null {
  try {
    return read(plan, localStorage.getItem(key(plan)), now);
  } catch {
    return null;
  }
}

export function storePersonalSession(plan: string, session: PersonalSession): void {
  try {
    localStorage.setItem(key(plan), JSON.stringify({ ...session, exp: seconds(session.exp) }));
  } catch {
    // No storage: the session holds for this page only (the plan page is opened right after).
  }
}

export function forgetPersonalSession(plan: string): void {
  try {
    localStorage.removeItem(key(plan));
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/** Keeps the stored role in step with a live role change, so a reload offline shows the new one. */
export function updateStoredRole(plan: string, role: PersonRef['role']): void {
  const s = personalSession(plan);
  if (s && s.person.role !== role) storePersonalSession(plan, { ...s, person: { ...s.person, role } });
}

/** Notes that the plan was opened now with its stored session (the landing page's "last opened"). */
export function markPlanOpened(plan: string, now = Date.now()): void {
  const s = personalSession(plan, now);
  if (s) storePersonalSession(plan, { ...s, openedAt: now });
}

/** Every plan this browser holds a live personal session for, by plan name. */
export function personalSessions(now = Date.now()): { plan: string; session: PersonalSession }[] {
  const found: { plan: string; session: PersonalSession }[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (!k?.startsWith(PREFIX)) continue;
      const plan = k.slice(PREFIX.length);
      const session = read(plan, localStorage.getItem(k), now);
      if (session) found.push({ plan, session });
    }
  } catch {
    return [];
  }
  // The plan opened last comes first; never-opened ones after, by name.
  return found.sort((a, b) => (b.session.openedAt ?? 0) - (a.session.openedAt ?? 0) || a.session.planName.localeCompare(b.session.planName));
}
