/**
 * Where the timeline looks when it opens or changes zoom level (client/src/lib/timeline/landing.ts):
 * a window with items in it, around today when today has some.
 */
import { describe, expect, it } from 'vitest';
import { toDay } from '../../shared/planning/dates.ts';
import { anyItemIn, landingDay } from '../../client/src/lib/timeline/landing.ts';

const d = toDay;
const today = d('2026-06-10');

describe('landing', () => {
  it('sees an item that covers any day of the window, a milestone on its one day', () => {
    const phase = { start: '2026-06-01', end: '2026-06-05' };
    expect(anyItemIn([phase], d('2026-06-05'), d('2026-06-20'))).toBe(true);
    expect(anyItemIn([phase], d('2026-06-06'), d('2026-06-20'))).toBe(false);
    expect(anyItemIn([{ start: '2026-06-20', end: '2026-06-20' }], d('2026-06-06'), d('2026-06-20'))).toBe(false);
    expect(anyItemIn([{ start: '2026-06-19', end: '2026-06-19' }], d('2026-06-06'), d('2026-06-20'))).toBe(true);
  });

  it('stays on today when the window around it shows an item', () => {
    expect(landingDay([{ start: '2026-06-15', end: '2026-06-20' }], today, 30)).toBe(today);
  });

  it('goes to the nearest item otherwise: the start of one to come, the end of one that is over', () => {
    const later = { start: '2026-09-01', end: '2026-09-30' };
    const over = { start: '2026-03-01', end: '2026-04-30' };
    expect(landingDay([later], today, 30)).toBe(d('2026-09-01'));
    expect(landingDay([later, over], today, 30)).toBe(d('2026-04-30'));
    expect(landingDay([], today, 30)).toBeNull();
  });
});
