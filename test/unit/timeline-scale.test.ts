/**
 * The timeline's time axis and date words (client/src/lib/timeline/scale.ts, format.ts): day ↔
 * pixel, the chart's span, zoom levels and their ticks, where the axis writes its labels.
 */
import { describe, expect, it } from 'vitest';
import { fromDay, toDay } from '../../shared/planning/dates.ts';
import { formatDate, formatRange, signedDays, spanDays, todayIn } from '../../client/src/lib/timeline/format.ts';
import { estimateWidth, pillSpan, placeMajor, placeMinor } from '../../client/src/lib/timeline/axisLabels.ts';
import { axisTicks, chartSpan, clampPx, dayAt, monthStart, wheelZoom, widthOf, xOf, zoomOf, ZOOM_PX, MAX_PX, MIN_PX } from '../../client/src/lib/timeline/scale.ts';

const d = toDay;

describe('scale', () => {
  const s = { from: d('2026-03-01'), to: d('2026-06-01'), px: 10 };

  it('maps a day to the left edge of its cell and a pixel back to the day containing it', () => {
    expect(xOf(s, d('2026-03-01'))).toBe(0);
    expect(xOf(s, d('2026-03-11'))).toBe(100);
    expect(dayAt(s, 100)).toBe(d('2026-03-11'));
    expect(dayAt(s, 109.9)).toBe(d('2026-03-11'));
    expect(dayAt(s, 99.9)).toBe(d('2026-03-10'));
    expect(widthOf(s)).toBe(92 * 10);
  });

  it('names the zoom by density and keeps ctrl+wheel inside the limits', () => {
    expect(zoomOf(ZOOM_PX.week)).toBe('week');
    expect(zoomOf(ZOOM_PX.month)).toBe('month');
    expect(zoomOf(ZOOM_PX.quarter)).toBe('quarter');
    expect(wheelZoom(10, -100)).toBeGreaterThan(10);
    expect(wheelZoom(10, 100)).toBeLessThan(10);
    expect(wheelZoom(MAX_PX, -10_000)).toBe(MAX_PX);
    expect(clampPx(0)).toBe(MIN_PX);
  });

  it('finds month starts across year ends', () => {
    expect(fromDay(monthStart(d('2026-12-17')))).toBe('2026-12-01');
    expect(fromDay(monthStart(d('2026-12-17'), 1))).toBe('2027-01-01');
    expect(fromDay(monthStart(d('2026-01-31'), -1))).toBe('2025-12-01');
  });

  it('spans whole months around every item and today, at least six months', () => {
    const span = chartSpan([d('2026-03-10'), d('2026-04-02')], d('2026-03-20'));
    expect(fromDay(span.from)).toBe('2026-02-01');
    expect(span.to - span.from).toBeGreaterThanOrEqual(183);
    expect(fromDay(span.to).endsWith('-01')).toBe(true);
    const wide = chartSpan([d('2025-01-15'), d('2027-05-02')], d('2026-03-20'));
    expect(fromDay(wide.from)).toBe('2024-12-01');
    expect(fromDay(wide.to)).toBe('2027-08-01');
  });

  it('ticks: months over weeks (Mondays) at month zoom', () => {
    const { major, minor } = axisTicks({ ...s, px: ZOOM_PX.month });
    expect(major.map((t) => t.label)).toEqual(['March 2026', 'April 2026', 'May 2026']);
    expect(minor.every((t) => new Date(`${fromDay(t.day)}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(fromDay(minor[0].day)).toBe('2026-03-02');
  });

  it('ticks: months over days at week zoom, quarters over months at quarter zoom', () => {
    const week = axisTicks({ ...s, px: ZOOM_PX.week });
    expect(week.minor).toHaveLength(92);
    expect(week.minor[0].label).toBe('1');
    const quarter = axisTicks({ from: d('2026-02-01'), to: d('2027-01-01'), px: ZOOM_PX.quarter });
    expect(quarter.major.map((t) => t.label)).toEqual(['Q1 2026', 'Q2 2026', 'Q3 2026', 'Q4 2026']);
    expect(fromDay(quarter.major[0].day)).toBe('2026-01-01');
    expect(quarter.minor[0].label).toBe('Feb');
  });
});

describe('axis labels', () => {
  const s = { from: d('2026-10-01'), to: d('2027-02-01'), px: ZOOM_PX.month };
  const measure = estimateWidth(8);
  const { major, minor } = axisTicks(s);
  const nov = major[1];

  it('pins a month scrolled past to the left edge, whole, and never starts one before the edge', () => {
    const left = nov.x + 50;
    const placed = placeMajor(major, left, measure);
    const first = placed[0];
    expect(first.day).toBe(nov.day);
    expect(first.text).toBe('November 2026');
    expect(first.x).toBeGreaterThanOrEqual(left);
    for (const p of placed) expect(p.x).toBeGreaterThanOrEqual(left);
  });

  it('shortens a month with little of it on screen, and leaves out one with too little for that', () => {
    const end = nov.x + nov.width;
    expect(placeMajor(major, end - 80, measure)[0]).toMatchObject({ day: nov.day, text: 'Nov ’26' });
    expect(placeMajor(major, end - 30, measure)[0].day).toBe(major[2].day);
  });

  it('moves a lower-row label from under the Today pill to just after it, or leaves it out', () => {
    const week = minor[3];
    const pill = pillSpan(week.x + 5);
    const placed = placeMinor(minor, 0, measure, pill);
    const moved = placed.find((p) => p.day === week.day)!;
    expect(moved.x).toBeGreaterThanOrEqual(pill.x1);
    for (const p of placed) expect(p.x + measure(p.text) <= pill.x0 || p.x >= pill.x1).toBe(true);
    const days = axisTicks({ ...s, px: ZOOM_PX.week }).minor;
    const today = days[10];
    const cells = placeMinor(days, 0, measure, pillSpan(today.x + ZOOM_PX.week / 2));
    expect(cells.some((p) => p.day === today.day)).toBe(false);
  });
});

describe('format', () => {
  it('writes dates, ranges and signed days the same everywhere', () => {
    expect(formatDate('2026-03-02')).toBe('2 Mar 2026');
    expect(formatRange('2026-03-02', '2026-03-02')).toBe('2 Mar 2026');
    expect(formatRange('2026-03-02', '2026-04-14')).toBe('2 Mar – 14 Apr 2026');
    expect(formatRange('2026-12-30', '2027-01-04')).toBe('30 Dec 2026 – 4 Jan 2027');
    expect(signedDays(5)).toBe('+5d');
    expect(signedDays(-3)).toBe('−3d');
    expect(signedDays(0)).toBe('0d');
    expect(spanDays('milestone', '2026-03-02', '2026-03-02')).toBe(0);
    expect(spanDays('phase', '2026-03-02', '2026-03-02')).toBe(1);
  });

  it("reads today's date in the plan's zone", () => {
    const t = Date.parse('2026-03-01T23:30:00Z');
    expect(todayIn('UTC', t)).toBe('2026-03-01');
    expect(todayIn('Europe/Berlin', t)).toBe('2026-03-02');
    expect(todayIn('Not/AZone', t)).toBe('2026-03-01');
  });
});
