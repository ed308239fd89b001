/** Labels of the Resources view: weeks, amounts, utilisation words (never colour alone). */
import type { Booking } from '$shared/schema.ts';
import { utilisation } from '$shared/resources/utilisation.ts';

const short = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export const weekLabel = (iso: string) => short.format(new Date(iso + 'T00:00:00Z'));

export function percent(demand: number, capacity: number): string {
  const u = utilisation(demand, capacity);
  return u === Infinity ? '∞' : `${Math.round(u * 100)}%`;
}

/** A level for the cell's shading (the text and icon say the same thing). */
export function level(demand: number, capacity: number, over: boolean): 'over' | 'full' | 'busy' | 'light' | 'none' {
  if (over) return 'over';
  const u = utilisation(demand, capacity);
  return u >= 0.85 ? 'full' : u >= 0.5 ? 'busy' : u > 0 ? 'light' : 'none';
}

export function amount(b: Booking): string {
  return b.unit === 'percent' ? `${b.amount}%` : b.unit === 'hours' ? `${b.amount} h` : `${b.amount} units`;
}

export const round1 = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : 0);
