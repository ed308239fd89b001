/**
 * The plan's views, one entry each, in tab order. A view is a component that receives the open
 * plan; it lives in its own folder (lib/board, lib/timeline, …) and is registered here with one
 * line. The current view is the URL's `?view=` parameter, so links and reloads keep it.
 *
 * Each view is loaded on first use (a dynamic import, one chunk per view): opening the board
 * fetches the board's code, not the timeline's, metrics' and editor's as well. This file imports
 * no view statically, so the plan shell does not depend on the views that depend on it.
 */
import type { Component } from 'svelte';
import type { OpenPlan } from './openPlan.svelte.ts';

export type PlanViewComponent = Component<{ plan: OpenPlan }>;
export type PlanViewEntry = { id: string; label: string; load: () => Promise<{ default: PlanViewComponent }> };

export const VIEWS: PlanViewEntry[] = [
  { id: 'board', label: 'Board', load: () => import('../board/BoardView.svelte') },
  { id: 'list', label: 'List', load: () => import('../cards/CardListView.svelte') },
  { id: 'backlog', label: 'Backlog', load: () => import('../backlog/BacklogView.svelte') },
  { id: 'raid', label: 'RAID log', load: () => import('../steering/RaidLogView.svelte') },
  { id: 'risks', label: 'Heat map', load: () => import('../steering/HeatMapView.svelte') },
  { id: 'decisions', label: 'Decisions', load: () => import('../steering/DecisionsView.svelte') },
  { id: 'meeting', label: 'Meeting', load: () => import('../steering/MeetingView.svelte') },
  { id: 'pack', label: 'Status pack', load: () => import('../steering/PackView.svelte') },
  { id: 'timeline', label: 'Timeline', load: () => import('../timeline/TimelineView.svelte') },
  { id: 'resources', label: 'Resources', load: () => import('../resources/ResourcesView.svelte') },
  { id: 'standup', label: 'Stand-up', load: () => import('../standup/StandupView.svelte') },
  { id: 'retros', label: 'Retros', load: () => import('../retro/RetrosView.svelte') },
  { id: 'metrics', label: 'Metrics', load: () => import('../metrics/MetricsView.svelte') },
  { id: 'history', label: 'History', load: () => import('../history/HistoryView.svelte') }
];

// The board is where a team looks first (the List is a table of form controls for bulk edits).
export const DEFAULT_VIEW = VIEWS[0].id;

export function findView(id: string | null): PlanViewEntry {
  return VIEWS.find((v) => v.id === id) ?? VIEWS.find((v) => v.id === DEFAULT_VIEW)!;
}

/** Each view's module is fetched once per page, however often its tab is opened. */
const loaded = new Map<string, Promise<PlanViewComponent>>();

export function loadView(entry: PlanViewEntry): Promise<PlanViewComponent> {
  let p = loaded.get(entry.id);
  if (!p) {
    p = entry.load().then((m) => m.default);
    // A failed fetch (offline before the chunk was cached, a deploy replaced it) is retried next time.
    p.catch(() => loaded.delete(entry.id));
    loaded.set(entry.id, p);
  }
  return p;
}
