/**
 * Who else is looking at which card, over awareness. Our local state gains `card: id` — the same
 * field the card detail panel (lib/card) sets while it is open, so the two agree — and
 * `cardMode: 'viewing' | 'editing'` ('viewing' while a card has focus on the board, 'editing' while
 * it is open). Both are set beside the presence bar's `user` field, which stays as it is. Peers may
 * publish anything: a card without a mode reads as viewing, garbage is ignored.
 */
import type { Awareness } from 'y-protocols/awareness';
import { readPresenceUser, type PresenceUser } from '../presence/identity.ts';

export type CardMode = 'viewing' | 'editing';
export type CardViewer = PresenceUser & { clientId: number; mode: CardMode };
export type CardFocus = { id: string; mode: CardMode };

export function readCardFocus(state: unknown): CardFocus | null {
  const s = state as { card?: unknown; cardMode?: unknown } | null;
  const card = s?.card;
  if (typeof card !== 'string' || !card) return null;
  return { id: card.slice(0, 64), mode: s?.cardMode === 'editing' ? 'editing' : 'viewing' };
}

const NOBODY: CardViewer[] = [];

export class CardPresence {
  /** Card id → the other people on it (not this tab). */
  byCard = $state.raw<ReadonlyMap<string, CardViewer[]>>(new Map());
  #wanted: CardFocus | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #onChange = () => this.#refresh();

  constructor(private readonly awareness: Awareness) {
    awareness.on('change', this.#onChange);
    this.#refresh();
  }

  viewers(cardId: string): CardViewer[] {
    return this.byCard.get(cardId) ?? NOBODY;
  }

  /** Says which card we are on (null: none). Coalesced, so running j/k through cards sends little. */
  set(focus: CardFocus | null): void {
    this.#wanted = focus;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#publish();
    }, 120);
  }

  #publish(): void {
    const current = readCardFocus(this.awareness.getLocalState());
    const wanted = this.#wanted;
    if (current?.id === wanted?.id && current?.mode === wanted?.mode) return;
    const local = this.awareness.getLocalState();
    if (local === null) return;
    this.awareness.setLocalState({ ...local, card: wanted?.id ?? null, cardMode: wanted?.mode ?? null });
  }

  #refresh(): void {
    const map = new Map<string, CardViewer[]>();
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID) continue;
      const user = readPresenceUser(state);
      const focus = readCardFocus(state);
      if (!user || !focus) continue;
      const list = map.get(focus.id) ?? [];
      list.push({ ...user, clientId, mode: focus.mode });
      map.set(focus.id, list);
    }
    for (const list of map.values()) list.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
    this.byCard = map;
    // The presence bar re-sets our whole state on reconnect and rename: put our card back.
    if (this.#wanted && !this.#timer && readCardFocus(this.awareness.getLocalState())?.id !== this.#wanted.id) this.#publish();
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.awareness.off('change', this.#onChange);
    const local = this.awareness.getLocalState();
    if (local !== null && readCardFocus(local)?.id === this.#wanted?.id) this.awareness.setLocalState({ ...local, card: null, cardMode: null });
  }
}
