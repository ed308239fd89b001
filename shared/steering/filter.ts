/**
 * Filtering and sorting the RAID log [FL1–FL3]. Pure; `today` is the plan-zone date.
 *
 * [FL1] Filters combine with AND: kind, owner (a member id, or 'none' for unassigned), status
 *       (one status, or 'active' for every status but closed), minimum inherent score, review
 *       overdue ([SC4]), and text (case-insensitive, in the title, id or owner's name).
 * [FL2] Sorting is stable and total: the chosen key, then the id. Empty dates and owners sort last
 *       in both directions.
 * [FL3] Score sorts by inherent score; ties by impact.
 */
import type { RaidItem, RaidKind, RaidStatus } from '../schema.ts';
import { itemScore, reviewOverdue } from './scoring.ts';

export type RaidFilter = {
  kind: RaidKind | 'all';
  owner: string;
  status: RaidStatus | 'all' | 'active';
  minScore: number;
  overdue: boolean;
  text: string;
};

export const NO_FILTER: RaidFilter = { kind: 'all', owner: 'all', status: 'all', minScore: 0, overdue: false, text: '' };

export type RaidSortKey = 'kind' | 'title' | 'owner' | 'status' | 'likelihood' | 'impact' | 'score' | 'raised' | 'review' | 'due';
export type SortDir = 'asc' | 'desc';

const STATUS_ORDER: Record<RaidStatus, number> = { open: 0, mitigating: 1, monitoring: 2, closed: 3 };
const KIND_ORDER: Record<RaidKind, number> = { risk: 0, issue: 1, assumption: 2, dependency: 3 };

/** [FL1] */
export function filterRaid(items: readonly RaidItem[], f: RaidFilter, today: string, nameOf: (id: string | null) => string = (id) => id ?? ''): RaidItem[] {
  const text = f.text.trim().toLowerCase();
  return items.filter(
    (r) =>
      (f.kind === 'all' || r.kind === f.kind) &&
      (f.owner === 'all' || (f.owner === 'none' ? r.owner === null : r.owner === f.owner)) &&
      (f.status === 'all' || (f.status === 'active' ? r.status !== 'closed' : r.status === f.status)) &&
      itemScore(r, 'inherent')! >= f.minScore &&
      (!f.overdue || reviewOverdue(r, today)) &&
      (!text || r.title.toLowerCase().includes(text) || r.id.toLowerCase().includes(text) || (r.owner !== null && nameOf(r.owner).toLowerCase().includes(text)))
  );
}

/** [FL2, FL3] */
export function sortRaid(items: readonly RaidItem[], key: RaidSortKey, dir: SortDir, nameOf: (id: string | null) => string = (id) => id ?? ''): RaidItem[] {
  const sign = dir === 'asc' ? 1 : -1;
  const cmpText = (a: string | null, b: string | null) => (a === null || a === '' ? (b === null || b === '' ? 0 : 1) : b === null || b === '' ? -1 : sign * a.localeCompare(b));
  const compare = (a: RaidItem, b: RaidItem): number => {
    switch (key) {
      case 'kind':
        return sign * (KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
      case 'status':
        return sign * (STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
      case 'title':
        return cmpText(a.title, b.title);
      case 'owner':
        return cmpText(a.owner === null ? null : nameOf(a.owner), b.owner === null ? null : nameOf(b.owner));
      case 'likelihood':
      case 'impact':
        return sign * (a[key] - b[key]);
      case 'score':
        return sign * (itemScore(a, 'inherent')! - itemScore(b, 'inherent')! || a.impact - b.impact);
      case 'raised':
      case 'review':
      case 'due':
        return cmpText(a[key], b[key]);
    }
  };
  return [...items].sort((a, b) => compare(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
