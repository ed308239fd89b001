/**
 * Everything one open plan needs, put together once: the connection, the document view, presence,
 * and — once the session says who we are — the editor, card actions and undo history. Editing
 * waits for the session because every edit is stamped with the user's id, and because only the
 * session says whether this link may write at all.
 */
import { createEditor, type Editor } from '$shared/doc/origin.ts';
import { canWrite } from '$shared/protocol.ts';
import type { Session } from '../api/plenary.ts';
import { rememberAdminToken } from '../auth/tokens.ts';
import { createCardActions, type CardActions } from '../cards/actions.ts';
import { UndoHistory } from '../cards/undo.svelte.ts';
import { Presence } from '../presence/presence.svelte.ts';
import { Connection } from '../sync/connection.svelte.ts';
import { PlanView } from './planView.svelte.ts';

export type Editing = { editor: Editor; actions: CardActions; undo: UndoHistory };

export class OpenPlan {
  readonly connection: Connection;
  readonly view: PlanView;
  readonly presence: Presence;
  editing = $state.raw<Editing | null>(null);
  #cleanup = () => {};

  // Getters rather than $derived fields: they read fields set in the constructor, and each is cheap.
  get role() {
    return this.connection.session?.role ?? null;
  }

  get canEdit(): boolean {
    return this.editing !== null && this.role !== null && canWrite(this.role) && this.connection.refusal === null;
  }

  get isAdmin(): boolean {
    return this.role === 'admin';
  }

  /** The name to show; null before the first sync, "Untitled plan" for an empty document after it. */
  get title(): string | null {
    return this.view.meta.schemaVersion > 0 || this.connection.synced ? this.view.meta.name : null;
  }

  constructor(
    readonly room: string,
    readonly token: string
  ) {
    this.connection = new Connection(room, token, (session) => this.#identify(session));
    this.view = new PlanView(this.connection.room.doc);
    const { provider } = this.connection.room;
    this.presence = new Presence(provider.awareness);
    const onStatus = ({ status }: { status: string }) => status === 'connected' && this.presence.renew();
    // Say goodbye when the tab goes away, so others do not see us for the 30 s awareness timeout.
    const onPageHide = () => provider.awareness.setLocalState(null);
    // A page restored from the back/forward cache comes back: so do we.
    const onPageShow = (e: PageTransitionEvent) => e.persisted && this.presence.renew();
    provider.on('status', onStatus);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    this.#cleanup = () => {
      provider.off('status', onStatus);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    };
    // The cached session (if any) was announced before presence existed: announce it again.
    if (this.connection.session) this.#identify(this.connection.session);
  }

  #identify(session: Session): void {
    if (session.role === 'admin') rememberAdminToken(this.token);
    // The presence may not exist yet during construction; #identify runs again right after.
    if (!this.presence) return;
    // A live role change re-announces the same person: presence is refreshed, the editor kept.
    this.presence.identify(session.user.id, session.user.name, session.personal === true);
    if (this.editing?.editor.actor === session.user.id) return;
    this.editing?.undo.destroy();
    const editor = createEditor(session.user.id, 'user', this.connection.now);
    const doc = this.connection.room.doc;
    this.editing = { editor, actions: createCardActions(doc, editor), undo: new UndoHistory(doc, editor) };
  }

  destroy(): void {
    this.#cleanup();
    this.editing?.undo.destroy();
    this.presence.destroy();
    this.view.destroy();
    this.connection.destroy();
  }
}
