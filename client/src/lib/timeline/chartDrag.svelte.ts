/**
 * Pointer gestures on the chart: dragging an item (move, or resize by an edge), dragging from an
 * item's link handle onto another item, and dragging across an empty lane to draft a new phase.
 * Each gesture is plain state while it lasts (what the preview draws); only its end writes to the
 * document, through the chart's actions. Escape cancels. One per chart; the chart hands it
 * getters for what it reads, so the gesture always sees the current layout, zoom and scroll.
 */
import { fromDay } from '$shared/planning/dates.ts';
import type { Milestone } from '$shared/schema.ts';
import { pushes as previewPushes, type Push } from '$shared/planning/schedule.ts';
import type { Outcome, TimelineActions } from './actions.ts';
import { describePushes, shiftDates, snapDays, type Dates, type DragMode } from './drag.ts';
import { rowAt, type Rows } from './layout.ts';
import { dayAt, type Scale } from './scale.ts';
import type { TimelineData } from './timelineData.svelte.ts';

export type ItemDrag = { kind: 'item'; id: string; mode: DragMode; moved: boolean; days: number; dates: Dates; pushes: Push[]; summary: string; loop: boolean };
export type LinkDrag = { kind: 'link'; from: string; moved: boolean; x: number; y: number; target: string | null };
export type CreateDrag = { kind: 'create'; lane: string | null; rowY: number; moved: boolean; day0: number; day1: number };
type Start = { pointerId: number; clientX: number; clientY: number; scrollLeft: number; scrollTop: number; left: number; top: number };

export type ChartEnv = {
  body(): SVGSVGElement | null;
  scroller(): HTMLDivElement | null;
  data(): TimelineData;
  itemById(): Map<string, Milestone>;
  layout(): Rows;
  scale(): Scale;
  canEdit(): boolean;
  actions(): TimelineActions | null;
  /** An item was pressed: it becomes the chart's focused item. */
  focus(id: string, el: SVGGElement): void;
  onopen(id: string): void;
  oncreate(draft: { workstream: string | null; start: string; end: string }): void;
  onoutcome(outcome: Outcome): void;
};

export class ChartDrag {
  current = $state.raw<ItemDrag | LinkDrag | CreateDrag | null>(null);
  #start: Start | null = null;
  #env: ChartEnv;

  constructor(env: ChartEnv) {
    this.#env = env;
  }

  /** Pointer position in chart coordinates; the rectangle is read once per drag. */
  #point(e: PointerEvent): { x: number; y: number } {
    const s = this.#start!;
    const scroller = this.#env.scroller()!;
    return { x: e.clientX - s.left + (scroller.scrollLeft - s.scrollLeft), y: e.clientY - s.top + (scroller.scrollTop - s.scrollTop) };
  }

  down = (e: PointerEvent): void => {
    const env = this.#env;
    const body = env.body();
    const scroller = env.scroller();
    if (e.button !== 0 || !body || !scroller) return;
    const target = e.target as Element;
    const itemEl = target.closest<SVGGElement>('[data-item]');
    const rect = body.getBoundingClientRect();
    this.#start = { pointerId: e.pointerId, clientX: e.clientX, clientY: e.clientY, scrollLeft: scroller.scrollLeft, scrollTop: scroller.scrollTop, left: rect.left, top: rect.top };
    if (itemEl) {
      const id = itemEl.dataset.item!;
      const item = env.itemById().get(id);
      if (!item) return;
      env.focus(id, itemEl);
      const handle = target.closest('[data-handle]')?.getAttribute('data-handle');
      if (handle === 'link' && env.canEdit()) this.current = { kind: 'link', from: id, moved: false, ...this.#point(e), target: null };
      else this.current = { kind: 'item', id, mode: handle === 'start' || handle === 'end' ? handle : 'move', moved: false, days: 0, dates: { start: item.start, end: item.end }, pushes: [], summary: '', loop: false };
    } else if (env.canEdit()) {
      const p = this.#point(e);
      const row = rowAt(env.layout().rows, p.y);
      if (!row) return;
      const day = dayAt(env.scale(), p.x);
      this.current = { kind: 'create', lane: row.lane.id, rowY: row.y, moved: false, day0: day, day1: day };
    } else return;
    e.preventDefault();
    body.setPointerCapture(e.pointerId);
  };

  move = (e: PointerEvent): void => {
    const env = this.#env;
    const d = this.current;
    const start = this.#start;
    if (!d || !start || e.pointerId !== start.pointerId) return;
    const dx = e.clientX - start.clientX + (env.scroller()!.scrollLeft - start.scrollLeft);
    const dy = e.clientY - start.clientY;
    if (!d.moved && Math.abs(dx) < 4 && Math.abs(dy) < 4) return;
    if (d.kind === 'item') {
      if (!env.canEdit()) return;
      const item = env.itemById().get(d.id);
      if (!item) return;
      const days = snapDays(dx, env.scale().px);
      if (d.moved && days === d.days) return;
      const dates = shiftDates(item, d.mode, days);
      // Only when the snapped day changes: the preview of what the move would push.
      const data = env.data();
      const result = days === 0 ? null : previewPushes(data.items, data.deps, { id: d.id, ...dates });
      const pushes = result?.ok ? result.pushes : [];
      this.current = { ...d, moved: true, days, dates, pushes, summary: describePushes(pushes), loop: result !== null && !result.ok };
    } else if (d.kind === 'link') {
      const p = this.#point(e);
      const row = rowAt(env.layout().rows, p.y);
      this.current = { ...d, moved: true, ...p, target: row?.kind === 'item' && row.key !== d.from ? row.key : null };
    } else {
      const day = dayAt(env.scale(), this.#point(e).x);
      if (d.moved && day === d.day1) return;
      this.current = { ...d, moved: true, day1: day };
    }
  };

  up = (e: PointerEvent): void => {
    const env = this.#env;
    const d = this.current;
    if (!d || !this.#start || e.pointerId !== this.#start.pointerId) return;
    this.finish();
    const actions = env.actions();
    if (d.kind === 'item') {
      if (!d.moved) env.onopen(d.id);
      else if (d.days !== 0 && actions) env.onoutcome(actions.move(d.id, d.dates));
    } else if (d.kind === 'link') {
      if (d.target && actions) env.onoutcome(actions.link(d.from, d.target));
    } else if (d.moved) {
      const a = Math.min(d.day0, d.day1);
      const b = Math.max(d.day0, d.day1);
      env.oncreate({ workstream: d.lane, start: fromDay(a), end: fromDay(b) });
    }
  };

  finish = (): void => {
    const body = this.#env.body();
    if (this.#start && body?.hasPointerCapture(this.#start.pointerId)) body.releasePointerCapture(this.#start.pointerId);
    this.current = null;
    this.#start = null;
  };

  /** Escape, anywhere on the page, cancels a drag in progress. */
  windowKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.current) {
      e.preventDefault();
      this.finish();
      this.#env.onoutcome({ ok: true, message: 'Drag cancelled.' });
    }
  };
}
