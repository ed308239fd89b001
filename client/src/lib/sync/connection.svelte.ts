/**
 * The runes bridge over one open room: turns provider, store and browser events into reactive
 * state a component can read (`state`, `label`, `pending`, `session`, …). The decisions live in the
 * plain modules beside it (status.ts, pending.ts, clock.ts); this file only listens and stores.
 */
import type { WebsocketProvider } from 'y-websocket';
import { isRole, isStoreNotice, MESSAGE_ACK, readAckBody, scopeCovers, STORE_NOTICE } from '$shared/protocol.ts';
import { ApiError } from '../api/http.ts';
import { fetchSession, signOut, type Session } from '../api/plenary.ts';
import { forgetPersonalSession, personalSession, updateStoredRole } from '../auth/personal.ts';
import { adminToken, cachedSession, cacheSession, forgetAdminToken, forgetTabToken } from '../auth/tokens.ts';
import { planOfRetro } from '$shared/retro/rooms.ts';
import { privateChannel } from './private.ts';
import { ServerClock } from './clock.ts';
import { PendingEdits } from './pending.ts';
import { openRoom, type Room } from './provider.ts';
import { explain, explainClose, explainHttp, retryDelay, type Refusal } from './refusals.ts';
import { connectionState, describeSaving, PROBE_AFTER_FAILURES, type ConnectionFacts } from './status.ts';

/** The server's private-message channel for live access changes (a role changed by an admin). */
export const ACCESS_EXTENSION = 'access';

export class Connection {
  readonly room: Room;
  readonly clock = new ServerClock();
  /** Server-corrected time, for every mutation's history stamps. */
  readonly now = this.clock.now;

  #facts: ConnectionFacts = $state({
    browserOnline: navigator.onLine,
    socketOpen: false,
    everConnected: false,
    unreachable: false,
    refusal: null,
    storeHeld: false
  });
  pending = $state(0);
  synced = $state(false);
  /** Who the token says we are; the cached copy first, so a reload while offline still knows. */
  session = $state<Session | null>(null);
  /**
   * The last temporary refusal (a restart, a connection cap, the network) while an automatic retry
   * is scheduled or running; cleared once a socket syncs again.
   */
  setback = $state.raw<Refusal | null>(null);
  /** When the scheduled retry fires (ms, this browser's clock), or null when none is scheduled. */
  retryAt = $state<number | null>(null);
  /** The last live access change, in words ("An admin made you a viewer."), for a status region. */
  accessNotice = $state('');

  readonly state = $derived(connectionState(this.#facts));
  /** Why the connection stopped for good (revoked, signed out, expired, …), explained; null while it may work. */
  readonly refusal = $derived(this.#facts.refusal);
  readonly label = $derived(describeSaving(this.state, this.pending, this.synced));

  #failures = 0;
  /** Automatic retries since the last sync, for the backoff. */
  #attempts = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pendingEdits: PendingEdits;
  #cleanup: (() => void)[] = [];

  constructor(
    readonly roomName: string,
    private readonly token: string,
    /** Told each time the session is (re)learned: the cached copy first, then the server's. */
    private readonly onSession: (session: Session) => void = () => {}
  ) {
    this.session = cachedSession(roomName);
    this.room = openRoom(roomName, token);
    if (this.session) onSession(this.session);
    const { provider } = this.room;
    this.#pendingEdits = new PendingEdits(this.room.doc, this.room.isRemote, (n) => (this.pending = n));

    // Plenary's ack (type 100): sent only because we asked with ack=1. Signature as in
    // y-websocket's own handlers: (encoder, decoder, provider, emitSynced, messageType).
    provider.messageHandlers[MESSAGE_ACK] = (_encoder, decoder) => {
      const ack = readAckBody(decoder);
      this.clock.sample(ack.serverTime);
      this.#pendingEdits.ack(ack.clocks);
    };

    this.#listen(provider);
    this.#cleanup.push(privateChannel(provider, ACCESS_EXTENSION).listen((m) => this.#access(m)));
    // The server's storage stopped answering (held) or is back (saved): said on this socket only.
    this.#cleanup.push(privateChannel(provider, STORE_NOTICE).listen((m) => isStoreNotice(m) && (this.#facts.storeHeld = m.state === 'held')));
    void this.#probe();
  }

  /** The plan whose personal session this room uses (a retro uses its plan's). */
  get #plan(): string {
    return planOfRetro(this.roomName) ?? this.roomName;
  }

  /**
   * `{ type: 'access', role, name }`: an admin changed our role (or name) and the server already
   * applies it to this socket, so the UI follows at once (a downgraded editor's controls turn
   * read-only).
   */
  #access(message: unknown): void {
    const m = message as { type?: unknown; role?: unknown; name?: unknown } | null;
    if (m?.type !== 'access' || !isRole(m.role) || !this.session) return;
    const name = typeof m.name === 'string' && m.name ? m.name : this.session.user.name;
    if (this.session.role === m.role && this.session.user.name === name) return;
    if (this.session.role !== m.role) this.accessNotice = `An admin changed your role to ${m.role}.`;
    const session = { ...this.session, role: m.role, user: { ...this.session.user, name } };
    this.session = session;
    cacheSession(this.roomName, session);
    if (personalSession(this.#plan)?.token === this.token) updateStoredRole(this.#plan, m.role);
    this.onSession(session);
  }

  #listen(provider: WebsocketProvider): void {
    // Every close the server explains goes through our table (refusals.ts), network failures too:
    // y-websocket stops and emits 'closed', and this class decides whether and when to try again.
    provider.shouldReconnect = () => false;
    const onStatus = ({ status }: { status: string }) => {
      const open = status === 'connected';
      this.#facts.socketOpen = open;
      // A new socket (perhaps to another server) starts with no durability notice.
      if (!open) this.#facts.storeHeld = false;
      this.#pendingEdits.setConnected(open);
      if (open) {
        this.#facts.everConnected = true;
        this.#facts.unreachable = false;
        this.#failures = 0;
      }
    };
    const onSync = (synced: boolean) => {
      this.synced = synced;
      // Only a sync proves the retry worked (a capped server accepts the socket, then closes it).
      if (synced) {
        this.#attempts = 0;
        this.setback = null;
      }
    };
    // Emitted before y-websocket resets `wsconnected`, so it still tells whether this socket opened.
    const onConnectionClose = () => {
      if (provider.wsconnected) return;
      this.#failures++;
      // An HTTP upgrade refusal looks like any network failure to a browser socket: ask why.
      if (this.#failures % PROBE_AFTER_FAILURES === 0) void this.#probe();
    };
    // Emitted for every close the server or the network caused (shouldReconnect says no to all).
    const onClosed = ({ code, reason }: { code: number; reason: string }) => this.#setBack(explainClose(code, reason));
    const onOnline = () => {
      this.#facts.browserOnline = true;
      // Back online: no reason to wait out the backoff.
      if (this.#facts.refusal === null) this.#connectNow();
    };
    const onOffline = () => (this.#facts.browserOnline = false);

    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('connection-close', onConnectionClose);
    provider.on('closed', onClosed);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    this.#cleanup.push(() => {
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('connection-close', onConnectionClose);
      provider.off('closed', onClosed);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    });
  }

  /** Learns the session (role, name) and, when the socket keeps failing, the reason. */
  async #probe(): Promise<void> {
    try {
      const session = await fetchSession(this.token, this.roomName);
      this.#facts.unreachable = false;
      // /api/session checks the token, not the room: a token for another room is refused at the
      // upgrade with 403, which a browser socket cannot see, so compare the scope here.
      if (!scopeCovers(session.room, this.roomName)) return this.#setBack(explain('forbidden', 'the token does not grant this room'));
      this.session = session;
      cacheSession(this.roomName, session);
      this.onSession(session);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const refusal = err.unreachable ? null : explainHttp(err.status, err.code, err.message);
      if (refusal) this.#setBack(refusal);
      else if (!this.#facts.socketOpen) this.#facts.unreachable = true;
    }
  }

  /**
   * A refusal or a lost connection, explained: retried after the table's backoff when waiting can
   * fix it, otherwise the connection stops here and says why (refusals.ts, rules 1–3).
   */
  #setBack(refusal: Refusal): void {
    if (this.#facts.refusal !== null) return;
    if (refusal.retry.kind === 'never') return this.#refuse(refusal);
    this.setback = refusal;
    this.#clearRetry();
    const delay = retryDelay(refusal.retry, this.#attempts++, Math.random()) ?? 0;
    this.retryAt = Date.now() + delay;
    this.#retryTimer = setTimeout(() => this.#connectNow(), delay);
  }

  #refuse(refusal: Refusal): void {
    this.#clearRetry();
    this.setback = null;
    this.#facts.refusal = refusal;
    this.room.provider.disconnect();
    // A session that can never work again: this browser forgets it (the landing page stops listing it).
    if ((refusal.key === 'revoked' || refusal.key === 'signedOut') && personalSession(this.#plan)?.token === this.token) forgetPersonalSession(this.#plan);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.retryAt = null;
  }

  #connectNow(): void {
    this.#clearRetry();
    this.room.provider.connect();
  }

  /** "Try again" after a refusal (e.g. once the person has a new role), or "Try now" during a wait. */
  retry(): void {
    this.#facts.refusal = null;
    this.#failures = 0;
    this.#connectNow();
    void this.#probe();
  }

  /**
   * "Sign out of this plan" in this browser: the server ends the session first (so the token is
   * dead everywhere, not only forgotten here; an ApiError leaves everything as it was), then this
   * browser forgets it and its local copy of the plan. Edits the server has not confirmed go with
   * the copy: they were made under this session's Yjs client ids, which a person joining again
   * (a new person) may not write under (4433). So the question names them first (SignOut.svelte):
   * dropped only with the person's explicit yes, never silently.
   */
  async signOut(): Promise<void> {
    await signOut(this.token);
    forgetTabToken(this.roomName);
    if (adminToken() === this.token) forgetAdminToken();
    this.#refuse(explain('signedOut'));
    await this.room.persistence.clearData();
  }

  destroy(): void {
    this.#clearRetry();
    for (const fn of this.#cleanup) fn();
    this.#pendingEdits.destroy();
    this.room.destroy();
  }
}
