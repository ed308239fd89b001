/**
 * The shared meeting timer (schema: MeetingTimer), as pure transitions over server-corrected time.
 * Every client computes the countdown from the same stored instants and its own server-corrected
 * `now`, so all countdowns agree to within each client's clock-offset error, whatever the laptops'
 * own clocks say.
 */
import type { MeetingTimer } from '../schema.ts';

export const DEFAULT_DURATION = 30 * 60_000;
export const MAX_DURATION = 8 * 3_600_000;

export const idleTimer = (duration = DEFAULT_DURATION): MeetingTimer => ({ startedAt: null, duration, pausedAt: null });

export type TimerPhase = 'idle' | 'running' | 'paused';

export function timerPhase(t: MeetingTimer): TimerPhase {
  return t.startedAt === null ? 'idle' : t.pausedAt === null ? 'running' : 'paused';
}

/** Milliseconds used so far (never negative, never more than elapsed real time). */
export function timerElapsed(t: MeetingTimer, now: number): number {
  if (t.startedAt === null) return 0;
  return Math.max(0, (t.pausedAt ?? now) - t.startedAt);
}

/** Milliseconds left; negative once the meeting runs over. */
export function timerRemaining(t: MeetingTimer, now: number): number {
  return t.duration - timerElapsed(t, now);
}

/** Starts, or resumes a paused timer (its start moves on by the pause, so elapsed time is kept). */
export function startTimer(t: MeetingTimer, now: number): MeetingTimer {
  if (t.startedAt === null) return { ...t, startedAt: now, pausedAt: null };
  if (t.pausedAt === null) return t;
  return { ...t, startedAt: t.startedAt + (now - t.pausedAt), pausedAt: null };
}

export function pauseTimer(t: MeetingTimer, now: number): MeetingTimer {
  return t.startedAt !== null && t.pausedAt === null ? { ...t, pausedAt: now } : t;
}

export function resetTimer(t: MeetingTimer): MeetingTimer {
  return idleTimer(t.duration);
}

export function setTimerDuration(t: MeetingTimer, duration: number): MeetingTimer {
  return { ...t, duration: Math.min(MAX_DURATION, Math.max(60_000, Math.round(duration))) };
}

/** "12:05", "1:02:03", "−0:42" (over time). */
export function formatCountdown(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  const total = Math.ceil(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${sign}${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
