/**
 * The shared timer: the server stamps `startedAt` with its own clock, and every client counts down
 * with its server-clock offset (client/src/lib/sync/clock.ts), so everyone sees the same time left
 * however wrong their laptop clock is.
 */
export type Timer = { startedAt: number; durationMs: number };

export const MAX_TIMER_MS = 2 * 60 * 60 * 1000;

/**
 * Milliseconds left at server time `now`: never negative, and never more than the duration (a
 * client whose offset estimate lags by a few ms would otherwise show 5:01 for a 5-minute timer).
 */
export function remainingMs(timer: Timer, now: number): number {
  return Math.min(timer.durationMs, Math.max(0, timer.startedAt + timer.durationMs - now));
}

/** 'm:ss' (or 'h:mm:ss'), rounding up so a timer shows 0:00 only when it has run out. */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

export function readTimer(value: unknown): Timer | null {
  const t = value as Partial<Timer> | null;
  if (!t || typeof t !== 'object') return null;
  if (typeof t.startedAt !== 'number' || !Number.isFinite(t.startedAt)) return null;
  if (typeof t.durationMs !== 'number' || !(t.durationMs > 0) || t.durationMs > MAX_TIMER_MS) return null;
  return { startedAt: t.startedAt, durationMs: t.durationMs };
}
