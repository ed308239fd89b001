/** Which meeting-timer changes name a steering meeting as a version (client/src/lib/history/autoVersions.ts). */
import { describe, expect, it } from 'vitest';
import { meetingStarts } from '../../client/src/lib/history/autoVersions.ts';
import { idleTimer, pauseTimer, resetTimer, startTimer } from '../../shared/steering/timer.ts';

describe('meetingStarts', () => {
  it('is true only for a start from idle: not for a pause, a resume or a reset', () => {
    const idle = idleTimer();
    const running = startTimer(idle, 1_000);
    const paused = pauseTimer(running, 2_000);
    expect(meetingStarts(idle, running)).toBe(true);
    expect(meetingStarts(running, paused)).toBe(false);
    expect(meetingStarts(paused, startTimer(paused, 3_000))).toBe(false);
    expect(meetingStarts(running, resetTimer(running))).toBe(false);
    expect(meetingStarts(idle, idle)).toBe(false);
  });
});
