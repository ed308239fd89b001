/**
 * The button slot of a card. A feature that acts on one card — planning poker's "Estimate
 * together" is the first — registers a button component here with one line:
 *
 *   export const CARD_ACTIONS: CardActionEntry[] = [{ id: 'poker', component: PokerDialog }];
 *
 * Every backlog row (where refinement happens) renders all entries, in order, with the open plan,
 * the card's id and its title; the card detail panel can render the same list. A component renders
 * nothing when it does not apply.
 */
import type { Component } from 'svelte';
import type { OpenPlan } from '../plan/openPlan.svelte.ts';
import PokerDialog from '../poker/PokerDialog.svelte';

export type CardActionProps = { plan: OpenPlan; cardId: string; title: string };
export type CardActionEntry = { id: string; component: Component<CardActionProps> };

export const CARD_ACTIONS: CardActionEntry[] = [{ id: 'poker', component: PokerDialog }];
