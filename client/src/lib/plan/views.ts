/**
 * The plan's views, one entry each, in tab order. A view is a component that receives the open
 * plan; it lives in its own folder (lib/board, lib/timeline, …) and is registered here with one
 * line. The current view is the URL's `?view=` parameter, so links and reloads keep it.
 */
import type { Component } from 'svelte';
import BacklogView from '../backlog/BacklogView.svelte';
import BoardView from '../board/BoardView.svelte';
import CardListView from '../cards/CardListView.svelte';
import TimelineView from '../timeline/TimelineView.svelte';
import DecisionsView from '../steering/DecisionsView.svelte';
import HeatMapView from '../steering/HeatMapView.svelte';
import MeetingView from '../steering/MeetingView.svelte';
import PackView from '../steering/PackView.svelte';
import RaidLogView from '../steering/RaidLogView.svelte';
import RetrosView from '../retro/RetrosView.svelte';
import StandupView from '../standup/StandupView.svelte';
import MetricsView from '../metrics/MetricsView.svelte';
import HistoryView from '../history/HistoryView.svelte';
import ResourcesView from '../resources/ResourcesView.svelte';
import type { OpenPlan } from './openPlan.svelte.ts';

export type PlanViewEntry = { id: string; label: string; component: Component<{ plan: OpenPlan }> };

export const VIEWS: PlanViewEntry[] = [
  { id: 'list', label: 'List', component: CardListView },
  { id: 'board', label: 'Board', component: BoardView },
  { id: 'backlog', label: 'Backlog', component: BacklogView },
  { id: 'raid', label: 'RAID log', component: RaidLogView },
  { id: 'risks', label: 'Heat map', component: HeatMapView },
  { id: 'decisions', label: 'Decisions', component: DecisionsView },
  { id: 'meeting', label: 'Meeting', component: MeetingView },
  { id: 'pack', label: 'Status pack', component: PackView },
  { id: 'timeline', label: 'Timeline', component: TimelineView },
  { id: 'resources', label: 'Resources', component: ResourcesView },
  { id: 'standup', label: 'Stand-up', component: StandupView },
  { id: 'retros', label: 'Retros', component: RetrosView },
  { id: 'metrics', label: 'Metrics', component: MetricsView },
  { id: 'history', label: 'History', component: HistoryView }
];

export const DEFAULT_VIEW = VIEWS[0].id;

export function findView(id: string | null): PlanViewEntry {
  return VIEWS.find((v) => v.id === id) ?? VIEWS.find((v) => v.id === DEFAULT_VIEW)!;
}
