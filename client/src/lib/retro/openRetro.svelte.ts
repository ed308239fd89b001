/**
 * Everything one open retro needs: the connection (the same Connection a plan uses, so offline
 * state, acks and the server clock behave alike), presence, the document as a plain snapshot, and
 * the private channel to the server's retro extension, whose replies hold what only this person may
 * see (their drafts and dots) and, for a facilitator, counts and the moderation list.
 *
 * Nothing private is ever written to the document or to awareness from here: drafts and dots go to
 * the server in private messages only.
 */
import type * as Y from 'yjs';
import { createEditor, type Editor } from '$shared/doc/origin.ts';
import { isRetro, readRetro, type RetroSnapshot } from '$shared/doc/retro.ts';
import { canWrite } from '$shared/protocol.ts';
import { personBreakout, personKey } from '$shared/retro/breakouts.ts';
import { breakoutsApply } from '$shared/retro/phases.ts';
import type { Session } from '../api/plenary.ts';
import { Presence } from '../presence/presence.svelte.ts';
import { Connection } from '../sync/connection.svelte.ts';
import { privateChannel, type PrivateChannel } from '../sync/private.ts';
import { deviceKey } from './device.ts';

export const RETRO_EXTENSION = 'retro';

export type Draft = { id: string; column: string; text: string; hidden: boolean };
export type Counts = { columns: Record<string, number>; hidden: number; voters: number; dots: number };

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function readDrafts(v: unknown): Draft[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((d) => d && typeof d.id === 'string' && typeof d.column === 'string' && typeof d.text === 'string')
    .map((d) => ({ id: d.id, column: d.column, text: d.text, hidden: d.hidden === true }));
}

export class OpenRetro {
  readonly connection: Connection;
  readonly presence: Presence;
  readonly channel: PrivateChannel;
  snapshot = $state.raw<RetroSnapshot>(null as unknown as RetroSnapshot);
  drafts = $state.raw<Draft[]>([]);
  ballot = $state.raw<Record<string, number>>({});
  abstaining = $state(false);
  counts = $state.raw<Counts | null>(null);
  moderation = $state.raw<Draft[] | null>(null);
  /** The last thing the server refused, for a polite message. */
  notice = $state<string | null>(null);
  /** Set when the server answered our hello: drafts and dots are known. */
  privateReady = $state(false);
  closedCards = $state<number | null>(null);
  editor = $state.raw<Editor | null>(null);
  #cleanup: (() => void)[] = [];
  /** Drafts we had when we last said hello: if the server answers with none, it lost them. */
  #draftsAtHello = -1;
  #noticeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly room: string,
    readonly token: string
  ) {
    this.connection = new Connection(room, token, (session) => this.#identify(session));
    const { doc, provider } = this.connection.room;
    this.snapshot = readRetro(doc);
    const onTransaction = (tr: Y.Transaction) => {
      if (tr.changed.size > 0 || tr.deleteSet.clients.size > 0) this.snapshot = readRetro(doc);
    };
    doc.on('afterTransaction', onTransaction);
    this.presence = new Presence(provider.awareness);
    this.channel = privateChannel(provider, RETRO_EXTENSION);
    const stop = this.channel.listen((m) => this.#receive(m));
    const onStatus = ({ status }: { status: string }) => {
      if (status !== 'connected') return (this.privateReady = false);
      this.presence.renew();
      this.send({ type: 'hello' });
    };
    const onPageHide = () => provider.awareness.setLocalState(null);
    provider.on('status', onStatus);
    window.addEventListener('pagehide', onPageHide);
    this.#cleanup.push(() => {
      doc.off('afterTransaction', onTransaction);
      provider.off('status', onStatus);
      window.removeEventListener('pagehide', onPageHide);
      stop();
    });
    if (this.connection.session) this.#identify(this.connection.session);
    if (provider.wsconnected) this.send({ type: 'hello' });
  }

  get doc(): Y.Doc {
    return this.connection.room.doc;
  }

  get role() {
    return this.connection.session?.role ?? null;
  }

  get isFacilitator(): boolean {
    return this.role === 'facilitator' || this.role === 'admin';
  }

  get canEdit(): boolean {
    return this.editor !== null && this.role !== null && canWrite(this.role) && this.connection.refusal === null;
  }

  /** A retro document has synced (or was loaded from this device). */
  get loaded(): boolean {
    return this.snapshot.meta.schemaVersion > 0;
  }

  get isRetroDoc(): boolean {
    return isRetro(this.connection.room.doc);
  }

  get myKey(): string {
    return personKey(this.connection.session?.user.id ?? '', this.presence.name);
  }

  /** My breakout while breakouts apply (group and vote), else null: everyone sees everything. */
  get myBreakout(): number | null {
    const b = this.snapshot.session.breakouts;
    return b && breakoutsApply(this.snapshot.session.phase) ? personBreakout(b, this.myKey) : null;
  }

  /** Sends a request to the retro extension; false (with a notice) when offline. */
  send(request: { type: string } & Record<string, unknown>): boolean {
    if (request.type === 'hello') this.#draftsAtHello = this.drafts.length;
    const sent = this.channel.send({ device: deviceKey(), name: this.presence?.name ?? '', ...request });
    if (!sent && request.type !== 'hello') this.#notify('You are offline: that did not reach the server. Try again when connected.');
    return sent;
  }

  #receive(message: unknown): void {
    const m = message as Record<string, unknown> | null;
    if (!m || typeof m !== 'object') return;
    if (typeof m.now === 'number') this.connection.clock.sample(m.now);
    if (typeof m.error === 'string') return this.#notify(m.error);
    if (m.type === 'state') {
      const drafts = readDrafts(m.drafts);
      // Drafts live only in the server's memory (never in the document): a server restart loses them.
      if (this.#draftsAtHello > 0 && drafts.length === 0 && !this.snapshot.session.revealedAt) {
        this.#notify('The server restarted and lost the cards you had not revealed yet. Please write them again.');
      }
      this.#draftsAtHello = -1;
      this.drafts = drafts;
      const ballot: Record<string, number> = {};
      if (m.ballot && typeof m.ballot === 'object') for (const [k, v] of Object.entries(m.ballot)) if (num(v) > 0) ballot[k] = num(v);
      this.ballot = ballot;
      this.abstaining = m.abstaining === true;
      const c = m.counts as Partial<Counts> | undefined;
      this.counts = c && typeof c === 'object' ? { columns: (c.columns as Record<string, number>) ?? {}, hidden: num(c.hidden), voters: num(c.voters), dots: num(c.dots) } : null;
      this.privateReady = true;
    } else if (m.type === 'moderation') this.moderation = readDrafts(m.cards);
    else if (m.type === 'closed') this.closedCards = num(m.backlogCards);
  }

  #notify(text: string): void {
    this.notice = text;
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.notice = null), 6000);
  }

  dismissNotice(): void {
    this.notice = null;
  }

  #identify(session: Session): void {
    if (!this.presence) return;
    if (this.editor?.actor !== session.user.id) this.editor = createEditor(session.user.id, 'user', this.connection.now);
    this.presence.identify(session.user.id, session.user.name, session.personal === true);
  }

  destroy(): void {
    for (const fn of this.#cleanup) fn();
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.presence.destroy();
    this.connection.destroy();
  }
}
