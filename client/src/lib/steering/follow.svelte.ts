/**
 * Facilitator mode: a presenter publishes where they are (`follow: { view, target, since, name }` in
 * their awareness state) and everyone else's steering views follow — the same view, the same section
 * scrolled into view and outlined — unless they opt out with the visible toggle. Nothing is written
 * to the document: following is presence, gone when the presenter leaves.
 *
 * If several people present at once, the one who started last leads (largest `since`, server-
 * corrected time). Presence (lib/presence) replaces our whole awareness state when it renews after a
 * reconnect; we put `follow` back whenever it goes missing while we present.
 */
import { tick } from 'svelte';
import { goto } from '$app/navigation';
import { page } from '$app/state';
import type { Awareness } from 'y-protocols/awareness';

export type FollowState = { view: string; target: string | null; since: number; name: string };
export type Presenter = FollowState & { clientId: number };

export const FOLLOW_FIELD = 'follow';

/** Reads a peer's follow field defensively: any peer can publish anything. */
export function readFollow(state: unknown): FollowState | null {
  const f = (state as { follow?: Partial<FollowState> } | null)?.follow;
  if (!f || typeof f.view !== 'string' || !/^[a-z-]{1,32}$/.test(f.view) || typeof f.since !== 'number') return null;
  const target = typeof f.target === 'string' && /^[\w-]{1,80}$/.test(f.target) ? f.target : null;
  const name = typeof f.name === 'string' ? f.name.slice(0, 60) : 'Someone';
  return { view: f.view, target, since: f.since, name };
}

const OPT_OUT_KEY = 'plenary:follow-opt-out';

export class Follow {
  presenting = $state(false);
  optedOut = $state(false);
  /** Who we follow (never ourselves); null when nobody else presents. */
  presenter = $state.raw<Presenter | null>(null);
  announcement = $state('');
  /** The label of the section or row we follow the presenter to, named in the follow band. */
  where = $state<string | null>(null);
  #local: FollowState | null = null;
  #applied = '';
  #highlighted: Element | null = null;

  #onChange = () => {
    this.#restoreOwn();
    this.#refresh();
  };

  constructor(
    private readonly awareness: Awareness,
    private readonly now: () => number
  ) {
    try {
      this.optedOut = sessionStorage.getItem(OPT_OUT_KEY) === '1';
    } catch {
      // No storage: following is on by default.
    }
    awareness.on('change', this.#onChange);
    awareness.on('destroy', () => awareness.off('change', this.#onChange));
    this.#refresh();
  }

  get following(): boolean {
    return this.presenter !== null && !this.optedOut && !this.presenting;
  }

  /** Starts or stops presenting from `view`. */
  setPresenting(on: boolean, view: string): void {
    this.presenting = on;
    if (on) {
      const name = (this.awareness.getLocalState() as { user?: { name?: string } } | null)?.user?.name ?? 'Someone';
      this.#local = { view, target: null, since: this.now(), name };
    } else this.#local = null;
    this.awareness.setLocalStateField(FOLLOW_FIELD, this.#local);
    this.#refresh();
  }

  /** Where we are now: published when presenting. */
  focus(view: string, target: string | null): void {
    if (!this.presenting || !this.#local) return;
    if (this.#local.view === view && this.#local.target === target) return;
    this.#local = { ...this.#local, view, target };
    this.awareness.setLocalStateField(FOLLOW_FIELD, this.#local);
  }

  setOptedOut(out: boolean): void {
    this.optedOut = out;
    try {
      if (out) sessionStorage.setItem(OPT_OUT_KEY, '1');
      else sessionStorage.removeItem(OPT_OUT_KEY);
    } catch {
      // The choice lasts for this page.
    }
    this.#applied = '';
    if (out) this.#unhighlight();
    else void this.#apply();
  }

  #restoreOwn(): void {
    if (!this.#local) return;
    const state = this.awareness.getLocalState();
    if (state && JSON.stringify(readFollow(state)) !== JSON.stringify(this.#local)) this.awareness.setLocalStateField(FOLLOW_FIELD, this.#local);
  }

  #refresh(): void {
    let best: Presenter | null = null;
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const f = readFollow(state);
      if (f && (!best || f.since > best.since || (f.since === best.since && clientId > best.clientId))) best = { ...f, clientId };
    }
    const changed = JSON.stringify(best) !== JSON.stringify(this.presenter);
    if (changed) this.presenter = best;
    if (!best) {
      this.#applied = '';
      this.#unhighlight();
    } else if (changed) void this.#apply();
  }

  /** Brings this page to the presenter's view and section. */
  async #apply(): Promise<void> {
    const p = this.presenter;
    if (!p || !this.following) return;
    const key = `${p.clientId}:${p.view}:${p.target}`;
    if (key === this.#applied) return;
    this.#applied = key;
    if (page.url.searchParams.get('view') !== p.view) {
      const url = new URL(page.url);
      url.searchParams.set('view', p.view);
      await goto(url, { replaceState: true, keepFocus: true, noScroll: true });
    }
    await tick();
    if (!p.target) {
      this.#unhighlight();
      this.announcement = `Following ${p.name}.`;
      return;
    }
    // The view may still be mounting: look for the section for up to a second.
    for (let i = 0; i < 20; i++) {
      const el = document.querySelector(`[data-follow-target="${p.target}"]`);
      if (el) {
        this.#highlight(el);
        const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
        el.scrollIntoView({ block: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
        this.announcement = `Following ${p.name}: ${el.getAttribute('data-follow-label') ?? 'section'}.`;
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #highlight(el: Element): void {
    this.#unhighlight();
    el.setAttribute('data-followed', 'true');
    this.#highlighted = el;
    this.where = el.getAttribute('data-follow-label');
  }

  #unhighlight(): void {
    this.#highlighted?.removeAttribute('data-followed');
    this.#highlighted = null;
    this.where = null;
  }

  /** Called by a view after it mounts, so a follower arriving by navigation lands on the section. */
  reapply(): void {
    this.#applied = '';
    void this.#apply();
  }
}

const follows = new WeakMap<Awareness, Follow>();

/** One Follow per open room (per awareness), living as long as the room. */
export function followFor(awareness: Awareness, now: () => number): Follow {
  let f = follows.get(awareness);
  if (!f) follows.set(awareness, (f = new Follow(awareness, now)));
  return f;
}
