/**
 * The backlog view's lists, pure: open sprints (active first, then planned, by start date), then
 * the backlog; each in rank order. Moving a card between them changes its sprint; its position
 * gives its rank.
 *
 * [S1] Sections: active sprints, planned sprints, the backlog. Closed sprints take no cards.
 * [S2] Keyboard: Up/Down move one position; past the top or bottom of a section the card moves to
 *      the end of the section above or the start of the one below (between sprints and the backlog).
 * [S3] A drop writes the section's sprint (null for the backlog) and a rank between the new
 *      neighbours; several selected cards keep their relative order, one after another.
 */
import { rankBetween } from '../../../../shared/rank.ts';
import type { Card, Sprint } from '$shared/schema.ts';
import { compareCards } from '../board/layout.ts';

export type Section = { id: string; sprint: Sprint | null; cards: Card[]; points: number; unestimated: number };
export const BACKLOG = 'backlog';

export function sections(cards: readonly Card[], sprints: readonly Sprint[]): Section[] {
  const open = sprints
    .filter((s) => s.state !== 'closed')
    .sort((a, b) => (a.state === b.state ? 0 : a.state === 'active' ? -1 : 1) || a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
  const list: Section[] = [...open.map((s) => ({ id: s.id, sprint: s, cards: [] as Card[], points: 0, unestimated: 0 })), { id: BACKLOG, sprint: null, cards: [], points: 0, unestimated: 0 }];
  const index = new Map(list.map((s, i) => [s.id, i]));
  for (const c of cards) {
    const i = index.get(c.sprint ?? BACKLOG);
    if (i === undefined) continue; // in a closed sprint (or one that no longer exists)
    list[i].cards.push(c);
    list[i].points += c.points ?? 0;
    if (c.points === null) list[i].unestimated++;
  }
  for (const s of list) s.cards.sort(compareCards);
  return list;
}

/** Cards whose sprint is closed or unknown and which are not finished: left behind. */
export function leftBehind(cards: readonly Card[], sprints: readonly Sprint[], done: ReadonlySet<string>): Card[] {
  const open = new Set(sprints.filter((s) => s.state !== 'closed').map((s) => s.id));
  return cards.filter((c) => c.sprint !== null && !open.has(c.sprint) && !done.has(c.status)).sort(compareCards);
}

export type Spot = { section: number; index: number };

export function findSpot(list: readonly Section[], id: string): Spot | null {
  for (let s = 0; s < list.length; s++) {
    const index = list[s].cards.findIndex((c) => c.id === id);
    if (index >= 0) return { section: s, index };
  }
  return null;
}

const room = (s: Section, id: string) => s.cards.filter((c) => c.id !== id).length;

/** A spot kept inside the lists: a sprint may close or vanish under a move (a peer's edit). */
export function clampSpot(list: readonly Section[], at: Spot): Spot {
  const section = Math.max(0, Math.min(at.section, list.length - 1));
  const index = Math.max(0, Math.min(at.index, list[section]?.cards.length ?? 0));
  return section === at.section && index === at.index ? at : { section, index };
}

/** [S2] One step up (-1) or down (+1) from `at` (in a preview where the card sits at `at`). */
export function stepSpot(list: readonly Section[], at: Spot, dir: -1 | 1, id: string): Spot {
  if (dir < 0) {
    if (at.index > 0) return { ...at, index: at.index - 1 };
    return at.section > 0 ? { section: at.section - 1, index: room(list[at.section - 1], id) } : at;
  }
  if (at.index < room(list[at.section], id)) return { ...at, index: at.index + 1 };
  return at.section < list.length - 1 ? { section: at.section + 1, index: 0 } : at;
}

/** The sections with `card` moved to `to`, points adjusted (a person's preview of a move). */
export function previewSpot(list: readonly Section[], card: Card, to: Spot): Section[] {
  const pts = card.points ?? 0;
  return list.map((s, i) => {
    const had = s.cards.some((c) => c.id === card.id);
    const gets = i === to.section;
    if (!had && !gets) return s;
    const cards = s.cards.filter((c) => c.id !== card.id);
    if (gets) cards.splice(Math.min(to.index, cards.length), 0, card);
    const points = s.points + (gets && !had ? pts : !gets && had ? -pts : 0);
    const unestimated = s.unestimated + (card.points === null ? (gets && !had ? 1 : !gets && had ? -1 : 0) : 0);
    return { ...s, cards, points, unestimated };
  });
}

/**
 * [S3] Where the cards `ids` (in this order) go when dropped at `to`: their sprint and ranks
 * between the new neighbours. Empty when nothing would change.
 */
export function dropSpot(list: readonly Section[], ids: readonly string[], to: Spot): { id: string; place: { sprint: string | null; rank: string } }[] {
  const section = list[to.section];
  const moving = new Set(ids);
  const others = section.cards.filter((c) => !moving.has(c.id));
  const i = Math.max(0, Math.min(to.index, others.length));
  const before = others[i - 1]?.rank ?? null;
  const after = others[i]?.rank ?? null;
  const sprint = section.sprint?.id ?? null;
  const out: { id: string; place: { sprint: string | null; rank: string } }[] = [];
  let prev = before;
  for (const id of ids) {
    const rank = rankBetween(prev, after);
    out.push({ id, place: { sprint, rank } });
    prev = rank;
  }
  // A single card dropped where it already is: nothing to write.
  if (ids.length === 1) {
    const at = findSpot(list, ids[0]);
    if (at && at.section === to.section && at.index === to.index) return [];
  }
  return out;
}

export function describeSpot(list: readonly Section[], to: Spot, id: string): string {
  const s = list[to.section];
  const total = room(s, id) + 1;
  return `${s.sprint ? s.sprint.name : 'Backlog'}, position ${to.index + 1} of ${total}.`;
}
