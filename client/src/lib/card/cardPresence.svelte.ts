/**
 * Who else has this card open. While the panel is open our awareness state carries `card: id`
 * (beside `user` and any `cursor`; other fields are left alone). Presence publishes its state whole
 * on every reconnect and rename, which drops the field, so it is put back whenever our state
 * changes without it (presence's first announcement, too, if the panel opened before it). Peers are grouped like the presence bar: one entry per person and name.
 */
import type { Awareness } from 'y-protocols/awareness';
import { readPresenceUser, type PresenceUser } from '../presence/identity.ts';

export type CardPeer = PresenceUser & { key: string };

export class CardPresence {
  others = $state.raw<CardPeer[]>([]);
  #onChange = () => this.#refresh();

  constructor(
    private readonly awareness: Awareness,
    readonly cardId: string
  ) {
    awareness.on('change', this.#onChange);
    if (awareness.getLocalState() !== null) awareness.setLocalStateField('card', cardId);
    this.#refresh();
  }

  #refresh(): void {
    const local = this.awareness.getLocalState();
    // Only a state without the field is healed: never fight another panel that set its own card.
    if (local !== null && !('card' in local)) {
      // Triggers another change event, which finds the field in place.
      this.awareness.setLocalStateField('card', this.cardId);
      return;
    }
    const seen = new Map<string, CardPeer>();
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID || state?.card !== this.cardId) continue;
      const user = readPresenceUser(state);
      if (!user) continue;
      const key = JSON.stringify([user.id, user.name]);
      if (!seen.has(key)) seen.set(key, { ...user, key });
    }
    const next = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (next.length !== this.others.length || next.some((p, i) => p.key !== this.others[i].key || p.color !== this.others[i].color)) this.others = next;
  }

  destroy(): void {
    this.awareness.off('change', this.#onChange);
    // After the current task: awareness listeners update Svelte state, and we are called mid-teardown.
    queueMicrotask(() => {
      if (this.awareness.getLocalState()?.card === this.cardId) this.awareness.setLocalStateField('card', null);
    });
  }
}
