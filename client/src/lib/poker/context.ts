/**
 * The open plan, handed down through Svelte context, so a deep component (a list row's "Poker"
 * button) can reach it without every component in between passing it along.
 */
import { getContext, setContext } from 'svelte';
import type { OpenPlan } from '../plan/openPlan.svelte.ts';

const KEY = Symbol('plenary:open-plan');

/** Call during a component's initialisation; `get` is read lazily, so it may follow a prop. */
export function provideOpenPlan(get: () => OpenPlan): void {
  setContext(KEY, get);
}

/** The plan a parent provided, or null outside one. */
export function openPlanFromContext(): OpenPlan | null {
  return getContext<(() => OpenPlan) | undefined>(KEY)?.() ?? null;
}
