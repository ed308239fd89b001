/**
 * The button slot of a card. A feature that acts on one card — planning poker's "Estimate
 * together" is the first — registers a button component here with one line:
 *
 *   export const CARD_ACTIONS: CardActionEntry[] = [{ id: 'poker', component: PokerButton }];
 *
 * Every backlog row (where refinement happens) renders all entries, in order, with the open plan
 * and the card's id; the card detail panel can render the same list. A component renders nothing
 * when it does not apply (e.g. on a viewer's link).
 */
import type { Component } from 'svelte';
import type { OpenPlan } from '../plan/openPlan.svelte.ts';

export type CardActionProps = { plan: OpenPlan; cardId: string };
export type CardActionEntry = { id: string; component: Component<CardActionProps> };

export const CARD_ACTIONS: CardActionEntry[] = [];
