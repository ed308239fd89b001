/** The history scrubber's date-time field in the plan's zone (client/src/lib/history/zoneTime.ts). */
import { describe, expect, it } from 'vitest';
import { fromLocalInput, toLocalInput } from '../../client/src/lib/history/zoneTime.ts';

describe('zone time for the date-time field', () => {
  it('shows a moment as the wall clock of the plan’s zone, and reads it back', () => {
    const summer = Date.UTC(2026, 6, 1, 12, 30); // 13:30 in London (BST)
    expect(toLocalInput(summer, 'Europe/London')).toBe('2026-07-01T13:30');
    expect(fromLocalInput('2026-07-01T13:30', 'Europe/London')).toBe(summer);
    const winter = Date.UTC(2026, 11, 3, 9, 0);
    expect(toLocalInput(winter, 'Europe/London')).toBe('2026-12-03T09:00');
    expect(toLocalInput(winter, 'Asia/Kolkata')).toBe('2026-12-03T14:30');
    expect(fromLocalInput('2026-12-03T14:30', 'Asia/Kolkata')).toBe(winter);
    expect(fromLocalInput('2026-12-03T09:00', 'UTC')).toBe(winter);
  });

  it('reads wall times on the day clocks change, and refuses what the field never produces', () => {
    // 29 March 2026, London: 01:00 GMT becomes 02:00 BST. 03:00 BST is 02:00 UTC.
    expect(fromLocalInput('2026-03-29T03:00', 'Europe/London')).toBe(Date.UTC(2026, 2, 29, 2, 0));
    expect(fromLocalInput('2026-03-29T00:30', 'Europe/London')).toBe(Date.UTC(2026, 2, 29, 0, 30));
    // 25 October 2026: 02:00 BST becomes 01:00 GMT; 03:00 GMT is 03:00 UTC.
    expect(fromLocalInput('2026-10-25T03:00', 'Europe/London')).toBe(Date.UTC(2026, 9, 25, 3, 0));
    for (let t = Date.UTC(2026, 2, 28); t < Date.UTC(2026, 2, 31); t += 15 * 60_000) {
      expect(fromLocalInput(toLocalInput(t, 'Europe/London'), 'Europe/London')).toBe(t);
    }
    expect(fromLocalInput('soon', 'UTC')).toBeNull();
    expect(fromLocalInput('2026-12-03', 'UTC')).toBeNull();
  });
});
