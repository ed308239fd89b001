/**
 * The history scrubber's state (runes): the plan's history, the moment shown, and the plan as it
 * was then, rebuilt on the server (GET /at) into a document of its own, never the live one: the
 * live plan goes on changing underneath while this shows a read-only snapshot. That document is
 * kept, so a move forward fetches and applies only the changes since (GET /at?from=). Answers that
 * come back after a newer moment was asked for are dropped.
 */
import * as Y from 'yjs';
import { snapshot } from '$shared/doc/snapshot.ts';
import type { PlanSnapshot } from '$shared/schema.ts';
import { ApiError } from '../api/http.ts';
import { fetchHistory, fetchStateAt, nameVersion, type PlanHistory } from './api.ts';

export class HistoryScrub {
  history = $state.raw<PlanHistory | null>(null);
  /** The moment asked for (the slider's value). */
  at = $state<number | null>(null);
  /** The moment `past` shows, once it has arrived. */
  shownAt = $state<number | null>(null);
  past = $state.raw<PlanSnapshot | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  #asked = 0;
  /** The document of the moment shown (never the live one), kept so moving forward is a small apply. */
  #doc: Y.Doc | null = null;

  constructor(
    readonly room: string,
    readonly token: string
  ) {}

  async load(): Promise<void> {
    try {
      this.history = await fetchHistory(this.room, this.token);
      this.error = null;
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : 'History could not be loaded.';
    }
  }

  /** Shows the plan as it was at `t` (clamped to the history's range). */
  async show(t: number): Promise<void> {
    const h = this.history;
    if (!h) return;
    const at = Math.min(Math.max(t, h.earliest), Math.max(h.now, Date.now()));
    this.at = at;
    const asked = ++this.#asked;
    this.loading = true;
    try {
      // Forward from the moment shown: only the changes since, applied to the document kept for it.
      const base = this.#doc && this.shownAt !== null && at > this.shownAt ? { doc: this.#doc, at: this.shownAt } : null;
      const state = await fetchStateAt(this.room, this.token, at, base?.at);
      if (asked !== this.#asked) return;
      // Another answer may have replaced the kept document meanwhile; then this one is stale.
      if (base && base.doc !== this.#doc) return;
      const doc = base?.doc ?? new Y.Doc();
      Y.applyUpdate(doc, state);
      if (doc !== this.#doc) {
        this.#doc?.destroy();
        this.#doc = doc;
      }
      this.past = snapshot(doc);
      this.shownAt = at;
      this.error = null;
    } catch (err) {
      if (asked === this.#asked) this.error = err instanceof ApiError ? err.message : 'That moment could not be loaded.';
    } finally {
      if (asked === this.#asked) this.loading = false;
    }
  }

  /** Names the moment shown; reloads the list so the new version appears. */
  async name(name: string): Promise<boolean> {
    if (this.shownAt === null) return false;
    try {
      await nameVersion(this.room, this.token, name, this.shownAt);
      await this.load();
      return true;
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : 'The version could not be saved.';
      return false;
    }
  }

  /** Back to live: nothing past is shown. */
  leave(): void {
    this.#asked++;
    this.#doc?.destroy();
    this.#doc = null;
    this.at = this.shownAt = null;
    this.past = null;
    this.loading = false;
  }
}
