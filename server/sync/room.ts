/**
 * A room: one resident Y.Doc with its awareness, the peers connected to it, and the updates applied
 * to the doc but not yet committed.
 *
 * The durability rule: an update is committed to the store before anyone else sees it. So an
 * incoming update is applied to the doc (the doc's own 'update' event gives exactly the new part),
 * queued, and committed by the group commit at the end of the event-loop turn; only then is it
 * fanned out, acknowledged, and visible to joining peers (a join that arrives while updates are
 * uncommitted waits for the commit). A kill -9 therefore never loses an update that a client saw.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  encodeAck,
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  jsonBounds,
  ProtocolError,
  type ClientFrame,
  type Limits,
  type Role
} from '../../shared/protocol.ts';
import { Origin } from '../../shared/doc/origin.ts';
import type { NewUpdate } from '../persistence/store.ts';
import { awarenessEntries, bindIdentity, encodeAwarenessEntries, type Identity } from './awareness-update.ts';
import { ClientOwners } from './client-owners.ts';
import { runToEnd, scanSteps, sliceUpdate, type ScannedUpdate } from './update-scan.ts';
import { Cancelled, nextTurn, stepwise } from './stepwise.ts';
import { forbiddenRoots, refusedAmong, rootsTouchedSteps } from './write-policy.ts';

/** What a room needs of a connection. */
export interface Peer {
  readonly id: string;
  /** The token's user id: stored as the author of this peer's updates. */
  readonly author: string;
  readonly canWrite: boolean;
  readonly role: Role;
  /** Display name from the token. */
  readonly name: string;
  /** A person's session (from an invitation), whose name presence must show. */
  readonly personal?: boolean;
  readonly wantsAck: boolean;
  send(frame: Uint8Array): void;
  close(name: ProtocolError['close'], detail?: string): void;
  /** Awareness client ids this peer speaks for. */
  readonly awarenessIds: Set<number>;
  /** Set once the viewer has been told its writes are dropped. */
  toldReadOnly: boolean;
}

export type PendingEntry = NewUpdate & { peer: Peer | null };

/** What the group commit takes from a room for one batch. */
export type Batch = { entries: PendingEntry[]; acks: Map<Peer, Map<number, number>> };

/** Origin of updates that arrive from another server over the fan-out bus: already durable. */
export const FROM_BUS = Symbol('from-bus');
/** Origin of a large update's slices applied after the whole update was committed and fanned out. */
const STORED = Symbol('stored');

export type RoomHooks = {
  /** Ask the group commit to flush this room at the end of the turn. */
  schedule(room: Room): void;
  now(): number;
  /** A viewer's write was dropped (counted; the connection stays open). */
  droppedWrite(): void;
  /** A private message for a server extension. */
  privateMessage(room: Room, peer: Peer, extension: string, payload: unknown): void;
  /** A peer left (extensions may forget it). */
  peerLeft(room: Room, peer: Peer): void;
  /** Awareness changes of this server's own peers, flushed: for other servers (issue 12). */
  awarenessOut?(room: Room, update: Uint8Array): void;
  /** A timer or callback of this room threw: log, count, and unload this room alone. */
  failed(room: Room, kind: string, err: unknown): void;
  /**
   * Claims client ids in the store (first claim wins, on any server) and says who owns each.
   * Absent: the room's own record decides (one server, or a store without claims).
   */
  claim?(room: Room, owner: string, clients: readonly number[]): Promise<Map<number, string>>;
};

/**
 * Who presence must say a peer is: always the session's user id; the display name too when the
 * session is a person's (issued by accepting an invitation). Operator tokens (`npm run token`)
 * carry no person, so their holder names themselves, under their own id.
 */
const identityOf = (peer: Peer): Identity => ({ id: peer.author, name: peer.personal ? peer.name : null });

/**
 * An update waiting for its turn in a room: updates of one room are taken strictly in arrival
 * order, so a large one being checked across turns is never overtaken by a later one that builds
 * on it.
 */
type Job =
  /** `checked`: scanned and its roots found already (a first write waiting for its client-id claim). */
  | { peer: Peer; update: Uint8Array; checked?: { scan: ScannedUpdate; roots: Set<string> | null } }
  | { peer: null; update: Uint8Array; origin: typeof FROM_BUS }
  /** A private message behind a peer's update: it may refer to what the update adds (a card to estimate). */
  | { peer: Peer; private: { extension: string; payload: unknown } };

const isEmptyStateVector = (sv: Uint8Array) => sv.length === 1 && sv[0] === 0;

export class Room {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<Peer>();
  /** Who owns each Yjs client id (loaded with the room; client-owners.ts). */
  readonly clientOwners = new ClientOwners();
  /** Applied to the doc, not yet handed to the store. */
  private pending: PendingEntry[] = [];
  private pendingAcks = new Map<Peer, Map<number, number>>();
  /** Handed to the store, commit not yet confirmed. */
  private inflight = false;
  /** Peers whose sync step 1 waits for uncommitted updates to commit. */
  private waitingJoins: { peer: Peer; stateVector: Uint8Array }[] = [];
  /** Cached frames, valid until the doc changes: joins are served without re-encoding. */
  private fullStateFrame: Uint8Array | null = null;
  private stateVectorFrame: Uint8Array | null = null;
  private awarenessDirty = new Set<number>();
  /** The dirty ids whose change came from this server's peers (not from the bus): relayed out. */
  private awarenessOwnDirty = new Set<number>();
  private awarenessTimer: NodeJS.Timeout | null = null;
  /** Approximate encoded size of the doc: exact after load and compaction, plus updates since. */
  sizeBytes = 0;
  /** Highest store id committed for this room, and the log since the newest checkpoint. */
  lastId = 0;
  logEntries = 0;
  logBytes = 0;
  compacting = false;
  idleTimer: NodeJS.Timeout | null = null;
  destroyed = false;
  /** The state the room was built from (what a newcomer answered before the build was sent). */
  loadedStateVector: Uint8Array | null = null;
  private readonly gone = () => this.destroyed;
  private readonly docListener = (update: Uint8Array, origin: unknown) => this.onDocUpdate(update, origin);
  /** Updates waiting behind one that is being checked or applied across turns. */
  private jobs: Job[] = [];
  /** Bytes of peers' updates in `jobs`. */
  private queuedBytes = 0;
  private working = false;

  constructor(
    readonly name: string,
    readonly kind: string,
    private readonly limits: Limits,
    private readonly hooks: RoomHooks
  ) {
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server is not a participant: it has no presence of its own.
    this.awareness.setLocalState(null);
  }

  /**
   * Called once loading finished: from here on every doc change goes through the commit path.
   * `parts` are the stored updates the doc was built from, when known: they size the doc and build
   * its shadow without re-encoding it.
   */
  startTracking(parts?: readonly Uint8Array[]): void {
    this.sizeBytes = parts ? parts.reduce((n, p) => n + p.length, 0) : Y.encodeStateAsUpdate(this.doc).length;
    this.loadedStateVector = Y.encodeStateVector(this.doc);
    this.doc.on('update', this.docListener);
    this.awareness.on('update', (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
      this.onAwarenessUpdate(change, origin)
    );
  }

  /**
   * Structs the document holds back because something they build on never arrived here: another
   * server committed it and died before publishing it (the end of a sequence, which no gap shows).
   */
  get missingDependencies(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  /** Changes exist that are not yet durable and visible: joins wait, unloads wait. */
  get uncommitted(): boolean {
    return this.pending.length > 0 || this.inflight || this.working;
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    const peer = this.peerOf(origin);
    this.sizeBytes += update.length;
    this.fullStateFrame = null;
    this.stateVectorFrame = null;
    if (origin === FROM_BUS) {
      // Committed by another server: nothing to store, only to show.
      const frame = encodeSyncUpdate(update);
      for (const p of this.peers) p.send(frame);
      return;
    }
    this.pending.push({
      room: this.name,
      data: update,
      receivedAt: this.hooks.now(),
      author: peer ? peer.author : origin instanceof Origin ? `${origin.kind}:${origin.actor}` : 'server',
      peer,
      ...(peer ? { clients: this.clientOwners.take(peer.author) } : {})
    });
    this.hooks.schedule(this);
  }

  private peerOf(origin: unknown): Peer | null {
    return origin && this.peers.has(origin as Peer) ? (origin as Peer) : null;
  }

  join(peer: Peer): void {
    this.peers.add(peer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    // Stock y-websocket handshake: the server opens with its own step 1, then current presence.
    peer.send(this.serverStep1());
    if (this.awareness.getStates().size > 0) {
      peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
    }
  }

  leave(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    this.pendingAcks.delete(peer);
    this.waitingJoins = this.waitingJoins.filter((w) => w.peer !== peer);
    if (peer.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], null);
    this.hooks.peerLeft(this, peer);
  }

  /** Handles one parsed frame from a peer. Throws ProtocolError for violations. */
  receive(peer: Peer, frame: ClientFrame): void {
    switch (frame.type) {
      case 'sync-step1':
        return this.onStep1(peer, frame.stateVector);
      case 'sync-step2':
      case 'sync-update':
        return this.onUpdate(peer, frame.update);
      case 'awareness':
        return this.onAwareness(peer, frame.update);
      case 'query-awareness':
        peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
        return;
      case 'auth':
        return; // clients have nothing to say in the auth sub-protocol; ignore like the reference server
      case 'private':
        if (this.working) return this.enqueue({ peer, private: { extension: frame.extension, payload: frame.payload } });
        return this.hooks.privateMessage(this, peer, frame.extension, frame.payload);
    }
  }

  private onStep1(peer: Peer, stateVector: Uint8Array): void {
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      throw new ProtocolError('malformedFrame', 'state vector');
    }
    if (this.uncommitted) this.waitingJoins.push({ peer, stateVector });
    else peer.send(this.step2For(stateVector));
  }

  private step2For(stateVector: Uint8Array): Uint8Array {
    if (!isEmptyStateVector(stateVector)) return encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector));
    this.fullStateFrame ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc));
    return this.fullStateFrame;
  }

  private serverStep1(): Uint8Array {
    this.stateVectorFrame ??= encodeSyncStep1(Y.encodeStateVector(this.doc));
    return this.stateVectorFrame;
  }

  private onUpdate(peer: Peer, update: Uint8Array): void {
    if (!peer.canWrite) {
      // Stock clients answer the server's step 1 with a step 2 even when they have nothing new;
      // only a real write earns the (single) notice.
      if (update.length > 2 && !peer.toldReadOnly) {
        peer.toldReadOnly = true;
        peer.send(encodePermissionDenied('read-only: this link lets you view, not edit; your changes are not saved'));
      }
      this.hooks.droppedWrite();
      return;
    }
    // Updates waiting in the queue count already: the limit is refused at the frame that passes it.
    if (this.sizeBytes + this.queuedBytes + update.length > this.limits.maxDocumentBytes) throw new ProtocolError('documentTooLarge');
    // The common case (a keystroke, a card moved) is checked and applied at once, throwing
    // ProtocolError to the connection; a large one, or one behind it, waits its turn.
    if (this.working || update.length > this.limits.stepwiseUpdateBytes) return this.enqueue({ peer, update });
    const scan = runToEnd(scanSteps(update));
    const roots = runToEnd(this.policySteps(peer, scan));
    this.checkPolicy(peer, scan, roots);
    // A first write under a client id waits for the store to confirm the claim (another server
    // may have given that id to someone else a moment ago). Its turn checks the policy again, as
    // the room may have changed by then, but the scan and the roots it touches stand.
    if (this.hooks.claim && this.clientOwners.stagedFor(peer.author).length) {
      this.clientOwners.unstage();
      return this.enqueue({ peer, update, checked: { scan, roots } });
    }
    this.applyChecked(peer, scan);
  }

  /** Confirms the staged claims with the store; another owner anywhere refuses the update. */
  private async confirmClaims(peer: Peer): Promise<void> {
    const ids = this.clientOwners.stagedFor(peer.author);
    if (!ids.length || !this.hooks.claim) return;
    let owners: Map<number, string>;
    try {
      owners = await this.hooks.claim(this, peer.author, ids);
    } catch {
      // The store is out (its edits are being held): this server's own record decides, as it
      // does on one server; the append records the claim, first claim winning, when it is back.
      if (this.destroyed) throw new Cancelled();
      return;
    }
    if (this.destroyed) throw new Cancelled();
    // Others' ids are learnt now; ours take effect with the entry the update makes (and go on the bus).
    this.clientOwners.learn([...owners].filter(([, owner]) => owner !== peer.author));
    const taken = ids.find((id) => owners.get(id) !== peer.author);
    if (taken !== undefined) {
      this.clientOwners.unstage();
      throw new ProtocolError('clientIdTaken', `client ${taken}`);
    }
  }

  /** A bus update from another server: applied at once when small, else in slices in its turn. */
  applyFromBus(update: Uint8Array): void {
    if (this.working || update.length > this.limits.stepwiseUpdateBytes) return this.enqueue({ peer: null, update, origin: FROM_BUS });
    Y.applyUpdate(this.doc, update, FROM_BUS);
  }

  private policySteps(peer: Peer, scan: ScannedUpdate): Generator<void, Set<string> | null> {
    const forbidden = forbiddenRoots(this.kind, peer.role);
    return forbidden ? rootsTouchedSteps(this.doc, scan) : (function* (): Generator<void, null> { yield* []; return null; })();
  }

  /** Refuses what the peer's role may not write, then another person's client ids. */
  private checkPolicy(peer: Peer, scan: ScannedUpdate, roots: Set<string> | null): void {
    const forbidden = forbiddenRoots(this.kind, peer.role);
    if (roots && forbidden) {
      const root = refusedAmong(roots, forbidden);
      // Parts that resolve to nothing the server knows cannot be checked: refused as invalid.
      if (root === '?') throw new ProtocolError('invalidUpdate', 'refers to unknown items');
      if (root !== null) throw new ProtocolError('forbiddenWrite', root);
    }
    // Before anything is applied: new structs under another person's client id are refused, and
    // so are new structs under an id another person here already shows presence with (their page
    // announces its client id before its first edit; nobody may take it in between).
    for (const g of scan.groups) {
      const last = scan.structs[g.first + g.count - 1];
      if (!last || last.id.clock + last.length <= Y.getState(this.doc.store, g.client)) continue;
      for (const other of this.peers) {
        if (other.author !== peer.author && other.awarenessIds.has(g.client)) throw new ProtocolError('clientIdTaken', `client ${g.client}`);
      }
    }
    this.clientOwners.check(this.doc, peer.author, scan.structs);
  }

  /**
   * Applies a checked update. The scanner refused everything Yjs is known to stop on half-way; if
   * Yjs throws anyway, what it integrated is not durable (its doc update is dropped from the
   * queue) and this room alone is reloaded from the store, so no half-applied state survives.
   */
  private applyChecked(peer: Peer, scan: ScannedUpdate, slices: Uint8Array[] = [scan.bytes], last = true): void {
    const before = this.pending.length;
    try {
      for (const slice of slices) Y.applyUpdate(this.doc, slice, peer);
    } catch (err) {
      this.pending.length = Math.min(this.pending.length, before);
      this.clientOwners.unstage();
      peer.close('invalidUpdate', 'update does not apply');
      this.hooks.failed(this, 'apply', err);
      return;
    }
    if (!last) return;
    this.clientOwners.unstage();
    if (peer.wantsAck) this.noteAck(peer, scan.structs);
    // A duplicate changes nothing and emits no doc update; the ack still has to go out (after any
    // commit in flight, which the group commit runs first).
    if (peer.wantsAck && this.pending.length === 0) this.hooks.schedule(this);
  }

  /** Resolves once no update of this room is being checked or applied across turns. */
  async settled(): Promise<void> {
    while (this.working && !this.destroyed) await nextTurn();
  }

  private enqueue(job: Job): void {
    if ('update' in job && job.peer) this.queuedBytes += job.update.length;
    this.jobs.push(job);
    if (this.working) return;
    this.working = true;
    void this.work();
  }

  /** Takes queued updates in order until none is left; each large one across several turns. */
  private async work(): Promise<void> {
    try {
      while (this.jobs.length && !this.destroyed) {
        const job = this.jobs.shift()!;
        if ('update' in job && job.peer) this.queuedBytes -= job.update.length;
        // A peer that left before its turn resends on reconnect (if it still may).
        if (job.peer && !this.peers.has(job.peer)) continue;
        try {
          await this.runJob(job);
        } catch (err) {
          if (err instanceof Cancelled) return;
          if (!(err instanceof ProtocolError)) throw err;
          job.peer?.close(err.close, err.message);
        }
      }
    } catch (err) {
      this.hooks.failed(this, 'apply', err);
    } finally {
      this.working = false;
      this.jobs = [];
      this.queuedBytes = 0;
      if (!this.destroyed) this.serveWaitingJoins();
    }
  }

  private async runJob(job: Job): Promise<void> {
    if ('private' in job) return this.hooks.privateMessage(this, job.peer, job.private.extension, job.private.payload);
    const checked = 'checked' in job ? job.checked : undefined;
    const scan = checked?.scan ?? (await stepwise(scanSteps(job.update), this.gone));
    const slices = sliceUpdate(scan, this.limits.applySliceStructs);
    if (!job.peer) return this.inTurns(slices, false, (slice) => Y.applyUpdate(this.doc, slice, FROM_BUS));
    const peer = job.peer;
    const roots = checked ? checked.roots : await stepwise(this.policySteps(peer, scan), this.gone);
    if (this.destroyed) return;
    this.checkPolicy(peer, scan, roots);
    await this.confirmClaims(peer);
    if (!this.allNew(scan)) {
      // Part of it is known already (a reconnecting client's sync step 2): applied in slices, each
      // stored as what it newly added, the ack after the last.
      // The staged client-id claims go with the first slice that adds something.
      return this.inTurns(slices, false, (slice, last) => this.applyChecked(peer, scan, [slice], last));
    }
    // All of it is new (an import): stored, acknowledged and fanned out whole as it came, then
    // applied here in slices; joins wait until the last slice is in.
    const clients = this.clientOwners.take(peer.author);
    this.pending.push({ room: this.name, data: job.update, receivedAt: this.hooks.now(), author: peer.author, peer, ...(clients ? { clients } : {}) });
    if (peer.wantsAck) this.noteAck(peer, scan.structs);
    this.hooks.schedule(this);
    await this.inTurns(slices, true, (slice) => this.applyStored(peer, slice));
  }

  /**
   * Applies slices one per event-loop turn, so other rooms' frames are served in between (after a
   * first turn too when `yieldFirst`: the commit and fan-out go before); stops if the room goes.
   */
  private async inTurns(slices: Uint8Array[], yieldFirst: boolean, apply: (slice: Uint8Array, last: boolean) => void): Promise<void> {
    for (let i = 0; i < slices.length; i++) {
      if (i > 0 || yieldFirst) await nextTurn();
      if (this.destroyed) return;
      apply(slices[i], i === slices.length - 1);
    }
  }

  /**
   * A slice of an update that is committed and fanned out already. Yjs would encode what it
   * integrated for the 'update' listener, only for the room to throw it away: with nothing else
   * waiting in the document, the listener is off for the slice. Structs held back earlier for a
   * missing dependency (pendingStructs) may integrate along with it and were never stored: then the
   * slice goes the ordinary way, stored again as the peer's (duplicates cost bytes, not state).
   */
  private applyStored(peer: Peer, slice: Uint8Array): void {
    const before = this.pending.length;
    const quiet = this.doc.store.pendingStructs === null && this.doc.store.pendingDs === null;
    if (quiet) this.doc.off('update', this.docListener);
    try {
      Y.applyUpdate(this.doc, slice, quiet ? STORED : peer);
    } catch (err) {
      this.pending.length = Math.min(this.pending.length, before);
      throw err;
    } finally {
      if (quiet) this.doc.on('update', this.docListener);
    }
    if (quiet) {
      this.sizeBytes += slice.length;
      this.fullStateFrame = null;
      this.stateVectorFrame = null;
    }
  }

  /** Whether every struct of the update is past what the room holds (nothing in it is a resend). */
  private allNew(scan: ScannedUpdate): boolean {
    for (const g of scan.groups) if (g.start < (this.doc.store.clients.has(g.client) ? Y.getState(this.doc.store, g.client) : 0)) return false;
    return true;
  }



  private noteAck(peer: Peer, structs: readonly { id: { client: number; clock: number }; length: number }[]): void {
    let clocks = this.pendingAcks.get(peer);
    if (!clocks) this.pendingAcks.set(peer, (clocks = new Map()));
    for (const s of structs) {
      const end = s.id.clock + s.length;
      if ((clocks.get(s.id.client) ?? 0) < end) clocks.set(s.id.client, end);
    }
  }

  private onAwareness(peer: Peer, update: Uint8Array): void {
    if (update.length > this.limits.maxAwarenessBytes) throw new ProtocolError('awarenessTooLarge');
    const entries = awarenessEntries(update, jsonBounds(this.limits));
    let fresh = false;
    for (const entry of entries) {
      const { client, clock } = entry;
      const known = this.awareness.meta.get(client)?.clock ?? -1;
      if (clock > known) fresh = true;
      entry.state = bindIdentity(entry.state, identityOf(peer));
      if (peer.awarenessIds.has(client)) continue;
      for (const other of this.peers) {
        if (other === peer || !other.awarenessIds.has(client)) continue;
        // Stock clients echo everyone's presence back at the old clock: harmless, Yjs ignores it.
        // A newer clock for a client another person owns is an attempt to speak for them, unless it
        // is the same user reconnecting before its old socket timed out, who takes the id over.
        if (clock <= known) continue;
        if (other.author !== peer.author) throw new ProtocolError('impersonation', `client ${client}`);
        other.awarenessIds.delete(client);
      }
    }
    if (fresh) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(entries), peer);
  }

  private onAwarenessUpdate(change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    const peer = this.peerOf(origin);
    const own = origin !== FROM_BUS;
    for (const id of [...change.added, ...change.updated]) {
      peer?.awarenessIds.add(id);
      this.awarenessDirty.add(id);
      if (own) this.awarenessOwnDirty.add(id);
    }
    for (const id of change.removed) {
      peer?.awarenessIds.delete(id);
      this.awarenessDirty.add(id);
      if (own) this.awarenessOwnDirty.add(id);
    }
    // Coalesce: every cursor moving at once costs one frame per peer per flush, not one per change.
    this.awarenessTimer ??= setTimeout(() => this.guard('awarenessFlush', () => this.flushAwareness()), this.limits.awarenessFlushMs);
  }

  private flushAwareness(): void {
    this.awarenessTimer = null;
    if (this.destroyed || this.awarenessDirty.size === 0) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awarenessDirty]);
    const frame = encodeAwareness(update);
    for (const peer of this.peers) peer.send(frame);
    if (this.awarenessOwnDirty.size > 0 && this.hooks.awarenessOut) {
      // Own ids are a subset of the dirty ones; when nothing came from the bus (the usual flush),
      // they are the same set and the update is encoded once.
      const own = this.awarenessOwnDirty.size === this.awarenessDirty.size ? update : awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awarenessOwnDirty]);
      this.hooks.awarenessOut(this, own);
    }
    this.awarenessDirty.clear();
    this.awarenessOwnDirty.clear();
  }

  /** Another server's peers' awareness (already checked there): shown to this server's peers. */
  applyAwarenessFromBus(update: Uint8Array): void {
    if (!this.destroyed) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_BUS);
  }

  /** The one boundary of this room's own callbacks: a throw unloads this room, never the process. */
  guard(kind: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.hooks.failed(this, kind, err);
    }
  }

  /** The group commit takes everything queued; the room remembers a commit is in flight. */
  takeBatch(): Batch {
    const batch = { entries: this.pending, acks: this.pendingAcks };
    this.pending = [];
    this.pendingAcks = new Map();
    this.inflight = true;
    return batch;
  }

  /**
   * After the store confirmed the batch: fan out, acknowledge, serve waiting joins. Returns the
   * updates that were fanned out (for the bus): none when the batch changed nothing.
   */
  committed(batch: Batch, ids: number[]): Uint8Array[] {
    this.inflight = false;
    if (ids.length) {
      this.lastId = ids[ids.length - 1];
      this.logEntries += ids.length;
      for (const e of batch.entries) this.logBytes += e.data.length;
    }
    if (this.destroyed) return [];
    const merged = this.fanOut(batch.entries);
    const serverTime = Math.round(this.hooks.now());
    for (const [peer, clocks] of batch.acks) if (this.peers.has(peer)) peer.send(encodeAck({ serverTime, clocks }));
    this.serveWaitingJoins();
    return merged;
  }

  private serveWaitingJoins(): void {
    if (this.uncommitted || this.waitingJoins.length === 0) return;
    const joins = this.waitingJoins;
    this.waitingJoins = [];
    for (const { peer, stateVector } of joins) if (this.peers.has(peer)) peer.send(this.step2For(stateVector));
  }

  /**
   * One merged frame per batch, encoded once, the same bytes to every recipient. Merging costs
   * about as much as decoding, so a batch holding a large update is sent as its updates, in order,
   * each as it came (merging an import with a keystroke would stall the server).
   */
  private fanOut(entries: PendingEntry[]): Uint8Array[] {
    if (entries.length === 0) return [];
    const total = entries.reduce((n, e) => n + e.data.length, 0);
    const updates = entries.length === 1 ? [entries[0].data] : total > this.limits.stepwiseUpdateBytes ? entries.map((e) => e.data) : [Y.mergeUpdates(entries.map((e) => e.data))];
    const sender = entries[0].peer;
    const singleSender = sender !== null && entries.every((e) => e.peer === sender);
    for (const update of updates) {
      const frame = encodeSyncUpdate(update);
      for (const peer of this.peers) if (!(singleSender && peer === sender)) peer.send(frame);
    }
    return updates;
  }

  /** The store refused the batch: the doc now holds changes that are not durable. */
  failed(batch: Batch): void {
    this.inflight = false;
    // Put them back so a retry (or the flush at shutdown) still has them.
    this.pending = [...batch.entries, ...this.pending];
    for (const [peer, clocks] of batch.acks) if (!this.pendingAcks.has(peer)) this.pendingAcks.set(peer, clocks);
  }

  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  destroy(): void {
    this.destroyed = true;
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
