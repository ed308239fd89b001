/**
 * Creating retros. A retro is a document of its own (room `<plan>/retro-<id>`, kind 'retro') whose
 * first state the server writes straight into the store, like a plan's: meta, the template's
 * columns, the session in its first phase, and the previous retro's actions to review, each with
 * the status its backlog card has on the plan right now.
 *
 * The plan links to the retro (`retros` collection of the plan document). The server writes that
 * link itself, through the plan room's normal commit path (Rooms.withRoom): the link exists as soon
 * as the API answers, for every client at once, and no client has to remember to add it.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { cards } from '../shared/doc/cards.ts';
import { retros } from '../shared/doc/decisions.ts';
import { createEditor } from '../shared/doc/origin.ts';
import { createRetro, retroActions, reviewItems, type ReviewSeed } from '../shared/doc/retro.ts';
import { orderedStatuses } from '../shared/doc/statuses.ts';
import { compareRank } from '../shared/rank.ts';
import type { RetroInit } from '../shared/retro/templates.ts';
import type { RetroLink } from '../shared/schema.ts';
import type { DocStore } from './persistence/store.ts';
import { storeNewRoom } from './plans.ts';

/** What creating a retro needs of the server's rooms (Rooms implements it). */
export type RoomAccess = { withRoom<T>(room: string, fn: (doc: Y.Doc, kind: string) => T): Promise<T> };

/** Reads stored rooms without making them resident: for callers without a running server. Writes are not kept. */
export function storeReader(store: DocStore): RoomAccess {
  return {
    async withRoom(room, fn) {
      const info = await store.getRoom(room);
      if (!info) throw new Error(`no room called ${room}`);
      const loaded = await store.load(room);
      const doc = new Y.Doc();
      try {
        if (loaded.checkpoint) Y.applyUpdate(doc, loaded.checkpoint.data);
        for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
        return fn(doc, info.kind);
      } finally {
        doc.destroy();
      }
    }
  };
}

export class RetroError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string
  ) {
    super(message);
    this.name = 'RetroError';
  }
}

export const newRetroRoom = (plan: string) => `${plan}/retro-${randomBytes(5).toString('hex')}`;

type CardFacts = Record<string, { status: string; done: boolean }>;

/** The plan's newest retro and where each of its cards stands (plain data out of the plan doc). */
function planFacts(doc: Y.Doc): { previous: string | null; cards: CardFacts } {
  const statuses = new Map(orderedStatuses(doc).map((s) => [s.id, s]));
  const out: CardFacts = {};
  for (const c of cards.list(doc)) {
    const s = statuses.get(c.status);
    out[c.id] = { status: s?.name ?? c.status, done: s?.category === 'done' };
  }
  const previous = retros.list(doc).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))[0]?.room ?? null;
  return { previous, cards: out };
}

/** The previous retro's actions, and its review items that were carried over again. */
function reviewSeeds(doc: Y.Doc, facts: CardFacts): ReviewSeed[] {
  const seed = (a: { id: string; text: string; owner: string; due: string | null; cardId: string | null }): ReviewSeed => {
    const card = a.cardId ? facts[a.cardId] : undefined;
    return { id: a.id, text: a.text, owner: a.owner, due: a.due, cardId: a.cardId, cardStatus: card?.status ?? null, cardDone: card?.done ?? false };
  };
  const carried = reviewItems.list(doc).sort(compareRank).filter((r) => r.outcome === 'carried').map(seed);
  return [...carried, ...retroActions.list(doc).sort(compareRank).map(seed)];
}

/**
 * Creates a retro for `planRoom` and (with `rooms`) links it from the plan. Returns the room and
 * the link. Throws RetroError(404) for an unknown plan.
 */
export async function createRetroRoom(
  store: DocStore,
  planRoom: string,
  init: RetroInit,
  by: string,
  rooms?: RoomAccess
): Promise<{ room: string; link: RetroLink }> {
  const info = await store.getRoom(planRoom);
  if (!info || info.kind !== 'plan') throw new RetroError(404, `no plan called ${planRoom}`);
  const access = rooms ?? storeReader(store);
  const facts = await access.withRoom(planRoom, planFacts);
  let review: ReviewSeed[] = [];
  if (facts.previous && (await store.getRoom(facts.previous))?.kind === 'retro') {
    review = await access.withRoom(facts.previous, (doc) => reviewSeeds(doc, facts.cards));
  }
  const room = newRetroRoom(planRoom);
  const editor = createEditor(by, 'server');
  const doc = new Y.Doc();
  try {
    createRetro(doc, editor, { plan: planRoom, title: init.title, template: init.template, columns: init.columns, anonymous: init.anonymous, sprint: init.sprint, previous: facts.previous, review });
    await storeNewRoom(store, room, 'retro', doc, by);
  } finally {
    doc.destroy();
  }
  const link: RetroLink = { room, title: init.title, createdAt: editor.now(), sprint: init.sprint };
  if (rooms) await linkRetro(rooms, planRoom, link, by);
  return { room, link };
}

/** Adds the retro to the plan's `retros` collection, as the server, through the plan room. */
export function linkRetro(rooms: RoomAccess, planRoom: string, link: RetroLink, by: string): Promise<string> {
  return rooms.withRoom(planRoom, (doc) => retros.add(doc, createEditor(by, 'server'), link, { id: link.room }));
}
