/**
 * The runes bridge over y-protocols awareness: who is here, live. Our local state is
 * `{ user: { id, name, color } }`. Connections with the same user id and name are one entry with a
 * count (one person's two tabs); the name is part of the key because everyone who opened one shared
 * link has the same user id and tells themselves apart by the name they chose. Ourselves first.
 */
import type { Awareness } from 'y-protocols/awareness';
import { cleanName, colorFor, ownTimeZone, readPresenceUser, storedName, storeName, type PresenceUser } from './identity.ts';

export type Peer = PresenceUser & { key: string; self: boolean; connections: number };

export class Presence {
  peers = $state.raw<Peer[]>([]);
  name = $state('');
  #userId = '';
  #onChange = () => this.#refresh();

  constructor(private readonly awareness: Awareness) {
    awareness.on('change', this.#onChange);
    this.#refresh();
  }

  /** A personal session's name is the person's own (the server binds presence to it): not editable here. */
  fixedName = $state(false);

  /**
   * Called once the session says who we are. For a shared link token the stored name wins over
   * the token's; for a personal session (`personal`) the session's name is who we are.
   */
  identify(userId: string, tokenName: string, personal = false): void {
    this.#userId = userId;
    this.fixedName = personal;
    this.name = personal ? cleanName(tokenName) || 'Anonymous' : (storedName() ?? (cleanName(tokenName) || 'Anonymous'));
    this.#publish();
  }

  rename(name: string): void {
    const clean = cleanName(name);
    if (!clean || this.fixedName) return;
    this.name = clean;
    storeName(clean);
    this.#publish();
  }

  /**
   * Re-announces our state with a new clock; call on every (re)connect. Peers keep the clock of a
   * state they dropped when a connection closed, and y-protocols ignores a state whose clock they
   * have already seen, so without this we stay invisible to them after a reconnect until the next
   * periodic renewal (15 s).
   */
  renew(): void {
    this.#publish();
  }

  #publish(): void {
    if (!this.#userId) return;
    // Other features keep their own fields in the same state (a caret, the card being viewed, a
    // presenter's focus): keep them, replace only `user`. After `pagehide` the state is null.
    const user = { id: this.#userId, name: this.name, color: colorFor(this.#userId), tz: ownTimeZone() };
    this.awareness.setLocalState({ ...(this.awareness.getLocalState() ?? {}), user });
  }

  #refresh(): void {
    const groups = new Map<string, Peer>();
    const selfId = this.awareness.clientID;
    for (const [clientId, state] of this.awareness.getStates()) {
      const user = readPresenceUser(state);
      if (!user) continue;
      const key = JSON.stringify([user.id, user.name]);
      const seen = groups.get(key);
      if (seen) {
        seen.connections++;
        seen.self ||= clientId === selfId;
      } else groups.set(key, { ...user, key, self: clientId === selfId, connections: 1 });
    }
    this.peers = [...groups.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
  }

  destroy(): void {
    this.awareness.off('change', this.#onChange);
    this.awareness.setLocalState(null);
  }
}
