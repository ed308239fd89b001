/**
 * Room extensions: server-side capabilities that act on a room's document for a client, when the
 * shared document itself must not carry the request (a poker vote before the reveal, a private or
 * anonymous retro card) or when only some roles may make the change (the retro phase). A client
 * sends a private message (shared/protocol.ts, type 101) naming the extension; the extension checks
 * the sender's role, keeps secrets in its per-room state, and writes to the document through the
 * typed accessors with an editor whose origin says the server made the change for that person.
 * Writes to restricted roots (ROOT_WRITERS in shared/schema.ts) are possible only this way.
 */
import type * as Y from 'yjs';
import type { Editor } from '../../shared/doc/origin.ts';
import type { Role } from '../../shared/protocol.ts';

/** What an extension may know about a connected person. */
export type PeerInfo = { id: string; userId: string; name: string; role: Role; private: boolean };

export type ExtensionContext = {
  readonly room: string;
  readonly kind: string;
  readonly doc: Y.Doc;
  /** The server's clock (injected in tests). */
  now(): number;
  /** An editor for writes made on behalf of `peer` (origin kind 'server', actor the user). */
  editorFor(peer: PeerInfo): Editor;
  /**
   * Per-room state of this extension on this server, dropped when the room unloads. The entry
   * under `shared.key` (when the extension declares `shared`) is loaded from the store before
   * each message and saved after it: that part is what every server sees and survives restarts.
   */
  readonly state: Map<string, unknown>;
  /** Sends a private message to one peer (only peers that opted in can receive it). */
  reply(peer: PeerInfo, payload: unknown): void;
  peers(): PeerInfo[];
  /**
   * Tells this extension on the other servers hosting the room (onNotice there), once this step's
   * state is durable, so they can show the change to their own connections: a facilitator's counts,
   * a person's tabs on another server. The payload is plain JSON and crosses the bus: never a secret.
   */
  notify(payload: unknown): void;
  /**
   * Runs `fn` on another room's document (loaded if it is not resident), as the server: the change
   * goes through that room's normal commit path and fan-out, and the promise resolves once it is
   * durable. E.g. a closed retro's actions becoming backlog cards on its plan.
   */
  withRoom<T>(room: string, fn: (doc: Y.Doc, kind: string) => T): Promise<T>;
};

/**
 * The secrets an extension keeps between requests, held in the store (see
 * server/persistence/extension-state.ts for why and how it is atomic across servers).
 */
export type SharedState = {
  /** The ctx.state entry that holds it while a message is handled. */
  readonly key: string;
  /** The stored text (null: nothing held) as the extension's value. */
  decode(text: string | null): unknown;
  /** The value as text to store; null when nothing is held (no row is kept). */
  encode(value: unknown): string | null;
};

export interface RoomExtension {
  /** The name clients address in private messages, e.g. 'poker'. */
  readonly name: string;
  /** State shared by every server and kept in the store; without it, state is this server's memory. */
  readonly shared?: SharedState;
  /** Room kinds it serves, e.g. ['plan']. */
  readonly kinds: readonly string[];
  /**
   * A private message from `peer`. Throwing ExtensionRefusal sends the reason back to the peer
   * (and, with `shared`, saves nothing). Synchronous: with `shared` it runs inside the store's
   * atomic step, and its replies are sent once the new state is durable.
   */
  onMessage(ctx: ExtensionContext, peer: PeerInfo, payload: unknown): void;
  /**
   * Another server's step said `notify(payload)`. With `shared`, ctx.state holds the stored state
   * as it is now (read, not locked: show it, never change it here).
   */
  onNotice?(ctx: ExtensionContext, payload: unknown): void;
  onLeave?(ctx: ExtensionContext, peer: PeerInfo): void;
  onUnload?(ctx: ExtensionContext): void;
}

/** A request an extension turns down (wrong role, bad payload): answered, never a crash. */
export class ExtensionRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtensionRefusal';
  }
}
