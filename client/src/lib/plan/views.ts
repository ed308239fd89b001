/**
 * The plan's views, one entry each, in tab order. A view is a component that receives the open
 * plan; it lives in its own folder (lib/board, lib/timeline, …) and is registered here with one
 * line. The current view is the URL's `?view=` parameter, so links and reloads keep it.
 */
import type { Component } from 'svelte';
import CardListView from '../cards/CardListView.svelte';
import type { OpenPlan } from './openPlan.svelte.ts';

export type PlanViewEntry = { id: string; label: string; component: Component<{ plan: OpenPlan }> };

export const VIEWS: PlanViewEntry[] = [{ id: 'list', label: 'List', component: CardListView }];

export const DEFAULT_VIEW = VIEWS[0].id;

export function findView(id: string | null): PlanViewEntry {
  return VIEWS.find((v) => v.id === id) ?? VIEWS.find((v) => v.id === DEFAULT_VIEW)!;
}
