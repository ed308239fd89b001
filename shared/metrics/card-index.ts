/**
 * Per-card facts keyed by card id, the indexes sprint and milestone metrics need (cards by sprint,
 * cards by link) and the plan-wide flow counters. `put` and `remove` touch one card: they take the
 * card's old contribution out of every structure and put the new one in.
 */
import type { Card } from '../schema.ts';
import type { PlanContext } from './context.ts';
import { FlowCounters } from './flow-counters.ts';
import { cardFacts, type CardFacts } from './timeline.ts';

/** What sprint, capacity and slippage metrics read: facts by id and the two indexes. */
export type CardLookup = {
  readonly facts: ReadonlyMap<string, CardFacts>;
  /** Cards in each sprint now. */
  readonly bySprint: ReadonlyMap<string, ReadonlySet<string>>;
  /** Cards whose sprint log shows them in each sprint at some time. */
  readonly loggedIn: ReadonlyMap<string, ReadonlySet<string>>;
  readonly byLink: ReadonlyMap<string, ReadonlySet<string>>;
};

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}

function deleteFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

/** [INC1, G5] The per-card facts of a plan and the indexes over them, updated one card at a time. */
export class CardIndex implements CardLookup {
  readonly facts = new Map<string, CardFacts>();
  readonly bySprint = new Map<string, Set<string>>();
  readonly loggedIn = new Map<string, Set<string>>();
  readonly byLink = new Map<string, Set<string>>();
  readonly flow = new FlowCounters();

  constructor(private ctx: PlanContext) {}

  /** A new context with the same factsKey (zone and column categories): facts stay valid. */
  setContext(ctx: PlanContext): void {
    this.ctx = ctx;
  }

  /** Every card the index holds, in id order. */
  cards(): Card[] {
    return [...this.facts.values()].map((f) => f.card).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Adds or replaces a card; returns the facts it replaced, if any. */
  put(card: Card): CardFacts | undefined {
    const old = this.remove(card.id);
    this.add(card);
    return old;
  }

  private add(card: Card): void {
    const f = cardFacts(card, this.ctx);
    this.facts.set(card.id, f);
    if (card.sprint !== null) addTo(this.bySprint, card.sprint, card.id);
    for (const s of f.loggedSprints) addTo(this.loggedIn, s, card.id);
    // A link listed twice is one link: Set#add and Set#delete are idempotent.
    for (const link of card.links) addTo(this.byLink, link, card.id);
    this.flow.add(f);
  }

  /** [G5] A deleted card leaves every structure. Returns its facts, if it was there. */
  remove(id: string): CardFacts | undefined {
    const old = this.facts.get(id);
    if (!old) return undefined;
    this.facts.delete(id);
    if (old.card.sprint !== null) deleteFrom(this.bySprint, old.card.sprint, id);
    for (const s of old.loggedSprints) deleteFrom(this.loggedIn, s, id);
    for (const link of old.card.links) deleteFrom(this.byLink, link, id);
    this.flow.remove(old);
    return old;
  }

  /** Builds an index over every card of a plan. */
  static build(cards: readonly Card[], ctx: PlanContext): CardIndex {
    const index = new CardIndex(ctx);
    for (const c of cards) {
      if (index.facts.has(c.id)) index.remove(c.id);
      index.add(c);
    }
    return index;
  }
}
