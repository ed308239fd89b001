/**
 * The resident rooms: loading (one load per room however many join at once, fully loaded before
 * any sync message is answered, nothing cached when it fails), compaction, and unloading idle rooms.
 */
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { isPlan, upgradePlan } from '../../shared/doc/plan.ts';
import { encodePrivate, STORE_NOTICE, type Limits, type StoreNotice } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import { timed, type Metrics } from '../observability/metrics.ts';
import type { DocStore, LoadedRoom } from '../persistence/store.ts';
import type { AccessStore } from '../persistence/access-store.ts';
import type { ExtensionStateStore } from '../persistence/extension-state.ts';
import type { BusMessage, ExtensionNotice, FanoutBus } from '../fanout/bus.ts';
import { GroupCommit } from './commit.ts';
import { FROM_BUS, Room } from './room.ts';
import { Shadowed } from './safe-apply.ts';
import { applyInSteps, stepwise } from './stepwise.ts';
import { scanSteps, type ScannedUpdate } from './update-scan.ts';
import type { RoomExtension } from '../extensions/extension.ts';
import { ExtensionHost } from '../extensions/host.ts';
import { createIdleCollector } from '../observability/gc.ts';

export type RoomsOptions = {
  store: DocStore;
  limits: Limits;
  log: Logger;
  metrics: Metrics;
  roomIdleMs: number;
  compactEntries: number;
  compactBytes: number;
  retentionDays: number;
  /** Several servers sharing one store tell each other about commits over this bus. */
  bus?: FanoutBus;
  /** This server's id on the bus. */
  serverId?: string;
  extensions?: readonly RoomExtension[];
  /** Where extensions keep shared state (normally the store itself); this process's memory when absent. */
  extensionStates?: ExtensionStateStore;
  /** How long failing commits are held before the rooms are unloaded (STORE_HOLD_MS). */
  storeHoldMs?: number;
  now?: () => number;
};

/** Per resident room: its bus subscription and the last sequence seen from each other server. */
type BusState = { unsubscribe: () => Promise<void>; lastSeq: Map<string, number>; busSeq: number };

/** A Yjs update with no structs and no deletions: a bus message that only carries a sequence. */
const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** The room could not be loaded: the connection is refused and nothing is cached. */
export class LoadError extends Error {
  override name = 'LoadError';
}

export class Rooms {
  private readonly resident = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  /**
   * Rooms being loaded whose stored parts were read and checked: a newcomer asking for everything
   * is sent these before the room is built (cold load), see `whenStored`.
   */
  private readonly stored = new Map<string, { promise: Promise<readonly Uint8Array[] | null>; resolve: (parts: readonly Uint8Array[] | null) => void }>();
  readonly commit: GroupCommit;
  private readonly now: () => number;
  private readonly serverEditor;
  private readonly busState = new Map<Room, BusState>();
  /** Repairs for missing dependencies: when the last one ran, and the one waiting its turn. */
  private readonly missingRepairs = new WeakMap<Room, { last: number; timer: NodeJS.Timeout | null }>();
  private readonly serverId: string;
  private readonly extensions: ExtensionHost;
  private readonly idleCollector = createIdleCollector(() => this.resident.size === 0 && this.loading.size === 0);
  /** Rooms whose people were told their edits are held (the store stopped answering). */
  private readonly held = new Set<Room>();

  constructor(private readonly opts: RoomsOptions) {
    this.now = opts.now ?? Date.now;
    this.serverEditor = createEditor('server', 'server', this.now);
    this.commit = new GroupCommit(
      opts.store,
      opts.metrics,
      opts.log,
      (room, merged) =>
        this.guarded(room, 'commit', () => {
          if (this.held.has(room)) this.tellDurability(room, 'saved');
          for (const update of merged) this.publish(room, update);
          this.afterCommit(room);
        }),
      (rooms) => rooms.forEach((room) => this.unload(room, 'internal')),
      (rooms) => rooms.forEach((room) => this.tellDurability(room, 'held')),
      opts.storeHoldMs
    );
    this.serverId = opts.serverId ?? Math.random().toString(36).slice(2, 10);
    this.extensions = new ExtensionHost(opts.extensions ?? [], opts.log, this.now, (name, fn) => this.withRoom(name, fn), opts.extensionStates, (room, notice) =>
      this.publishNotice(room, notice)
    );
    opts.bus?.onGap(() => this.resident.forEach((room) => this.guarded(room, 'bus', () => this.rejoinBus(room))));
  }

  get size(): number {
    return this.resident.size;
  }

  get(name: string): Room | undefined {
    return this.resident.get(name);
  }

  /** The resident room, loading it first if needed; concurrent callers share one load. */
  acquire(name: string, kind: string): Promise<Room> {
    const room = this.resident.get(name);
    if (room) return Promise.resolve(room);
    let pending = this.loading.get(name);
    if (!pending) {
      let resolve!: (parts: readonly Uint8Array[] | null) => void;
      const promise = new Promise<readonly Uint8Array[] | null>((r) => (resolve = r));
      this.stored.set(name, { promise, resolve });
      pending = this.load(name, kind).finally(() => {
        this.loading.delete(name);
        this.stored.get(name)?.resolve(null);
        this.stored.delete(name);
      });
      this.loading.set(name, pending);
    }
    return pending;
  }

  /**
   * For a room being loaded: its stored state (one checkpoint, or one log entry), once read and
   * checked, before the room is built from it; null when the room is resident already, its parts
   * could not be checked, or there are several (a checkpoint and a log after it). What a room is built from is what it holds when it is installed,
   * so a newcomer that asked for everything can be answered with these at once (a cold load of a
   * 5,000-card plan answers in the time of a store read); anything after (bus deliveries, the
   * schema upgrade) reaches it as a diff from the room's loaded state vector when it joins.
   */
  whenStored(name: string): Promise<readonly Uint8Array[] | null> {
    return this.stored.get(name)?.promise ?? Promise.resolve(null);
  }

  private async load(name: string, kind: string): Promise<Room> {
    // Subscribe before reading the store: whatever another server commits from now on arrives on
    // the bus; whatever it committed before is in what we read.
    const early: BusMessage[] = [];
    let target: Room | null = null;
    const deliver = (m: BusMessage) => {
      const room = target;
      if (room) this.guarded(room, 'bus', () => this.fromBus(room, m));
      else early.push(m);
    };
    const unsubscribe = this.opts.bus ? await this.opts.bus.subscribe(name, this.serverId, deliver) : null;
    let room: Room;
    try {
      // Client-id owners first: a claim committed after this read is on the bus (subscribed above).
      const store = this.opts.store as DocStore & Partial<AccessStore>;
      const owners = await store.clientOwners?.(name).catch((err: unknown) => {
        this.opts.log.error({ err, room: name }, 'client owners load failed');
        throw new LoadError(`room ${name} could not be loaded`);
      });
      room = await this.loadStored(name, kind);
      if (owners) room.clientOwners.learn(owners);
    } catch (err) {
      await unsubscribe?.();
      throw err;
    }
    if (unsubscribe) {
      this.busState.set(room, { unsubscribe, lastSeq: new Map(), busSeq: 0 });
      target = room;
      early.forEach((m) => this.guarded(room, 'bus', () => this.fromBus(room, m)));
    }
    return room;
  }

  private async loadStored(name: string, kind: string): Promise<Room> {
    let loaded: LoadedRoom;
    try {
      loaded = await timed(this.opts.metrics, 'load', () => this.opts.store.load(name));
    } catch (err) {
      this.opts.log.error({ err, room: name }, 'room load failed');
      throw new LoadError(`room ${name} could not be loaded`);
    }
    const room = await this.build(name, kind, loaded, (parts) => this.stored.get(name)?.resolve(parts));
    if (room) return this.install(room, loaded);
    // The newest checkpoint is unreadable: rebuild from the oldest kept one and the full log.
    this.opts.log.error({ room: name, checkpoint: loaded.checkpoint?.id }, 'checkpoint unreadable; rebuilding from history');
    return this.rebuild(name, kind);
  }

  private async rebuild(name: string, kind: string): Promise<Room> {
    const history = await this.opts.store.loadHistory(name);
    // Every checkpoint unreadable but the log still holds the room from its creation on: use the log.
    const room =
      (await this.build(name, kind, history)) ??
      (this.logStartsAtCreation(history, kind) ? await this.build(name, kind, { checkpoint: null, updates: history.updates }) : null);
    if (!room) throw new LoadError(`room ${name}: stored history is unreadable`);
    return this.installRebuilt(room, history);
  }

  private installRebuilt(room: Room, history: LoadedRoom): Room {
    const installed = this.install(room, history);
    // Force a fresh checkpoint so the unreadable one is superseded.
    installed.logEntries = Math.max(installed.logEntries, this.opts.compactEntries);
    this.afterCommit(installed);
    return installed;
  }

  /**
   * Whether the retained log begins with the room's creation (nothing pruned before it): the first
   * entry of a plan is the server's full initial state, so on its own it already makes a plan.
   */
  private logStartsAtCreation(history: LoadedRoom, kind: string): boolean {
    const first = history.updates[0];
    if (!first) return false;
    if (kind !== 'plan') return true;
    const probe = new Y.Doc();
    try {
      Y.applyUpdate(probe, first.data);
      return isPlan(probe);
    } catch {
      return false;
    } finally {
      probe.destroy();
    }
  }

  private newRoom(name: string, kind: string): Room {
    const claims = (this.opts.store as DocStore & Partial<AccessStore>).claimClients;
    return new Room(name, kind, this.opts.limits, {
      schedule: (r) => this.commit.schedule(r),
      now: this.now,
      droppedWrite: () => this.opts.metrics.droppedWrites.inc(),
      privateMessage: (r, peer, ext, payload) => this.extensions.message(r, peer, ext, payload),
      peerLeft: (r, peer) => this.extensions.left(r, peer),
      awarenessOut: (r, update) => this.publishAwareness(r, update),
      failed: (r, kind, err) => this.failed(r, kind, err),
      ...(claims ? { claim: (r: Room, owner: string, clients: readonly number[]) => claims.call(this.opts.store, r.name, owner, clients) } : {})
    });
  }

  /**
   * The boundary every callback of a room ends at (timers, bus deliveries, store callbacks): the
   * error is logged and counted, and that room alone is unloaded; its peers are closed with a
   * retryable code and come back to a freshly loaded room. The process and other rooms go on.
   */
  failed(room: Room, kind: string, err: unknown): void {
    this.opts.metrics.callbackErrors.inc({ kind });
    this.opts.log.error({ err, room: room.name, kind }, 'room callback failed; unloading the room');
    if (room.destroyed) return;
    try {
      this.unload(room, 'internal');
    } catch (unloadErr) {
      this.opts.log.error({ err: unloadErr, room: room.name }, 'unloading a failed room failed');
      if (this.resident.get(room.name) === room) this.resident.delete(room.name);
    }
  }

  /**
   * Tells a room's Plenary clients whether their edits are durable: once when a commit fails
   * (held), once when it succeeds again (saved). Stock clients only miss their acks meanwhile.
   */
  private tellDurability(room: Room, state: StoreNotice['state']): void {
    if ((state === 'held') === this.held.has(room)) return;
    if (state === 'held') this.held.add(room);
    else this.held.delete(room);
    this.opts.metrics.storeHeldRooms.set(this.held.size);
    const frame = encodePrivate(STORE_NOTICE, { type: 'durability', state } satisfies StoreNotice);
    for (const peer of room.peers) if (peer.wantsAck) peer.send(frame);
  }

  /** Runs a callback of `room` inside the boundary. */
  private guarded(room: Room, kind: string, fn: () => void | Promise<void>): void {
    try {
      const result = fn();
      if (result instanceof Promise) result.catch((err) => this.failed(room, kind, err));
    } catch (err) {
      this.failed(room, kind, err);
    }
  }

  /**
   * A room built from a checkpoint and log, or null when the checkpoint is unreadable. Stored
   * entries were validated when they arrived, so they are applied merged in one go, and the room's
   * shadow is built from the same bytes. Only if that fails (corruption on disk) is the room built
   * again entry by entry through a shadow, skipping torn entries whole.
   */
  private async build(name: string, kind: string, loaded: LoadedRoom, checked?: (parts: readonly Uint8Array[]) => void): Promise<Room | null> {
    const inSteps = await this.buildInSteps(name, kind, loaded, checked);
    if (inSteps) return inSteps;
    const room = this.newRoom(name, kind);
    const parts: Uint8Array[] = [];
    try {
      if (loaded.checkpoint) Y.applyUpdate(room.doc, loaded.checkpoint.data);
    } catch {
      room.destroy();
      return null;
    }
    if (loaded.checkpoint) parts.push(loaded.checkpoint.data);
    try {
      if (loaded.updates.length) {
        const merged = Y.mergeUpdates(loaded.updates.map((u) => u.data));
        Y.applyUpdate(room.doc, merged);
        parts.push(merged);
      }
    } catch {
      room.destroy();
      return this.buildCarefully(name, kind, loaded);
    }
    room.startTracking(parts);
    return room;
  }

  /**
   * The usual build: every stored part is checked by the scanner, then applied in slices across
   * turns, so loading a big plan never stalls the server's other rooms. Null (nothing kept) when a
   * part does not pass or apply; the one-go build below then decides what is readable.
   */
  private async buildInSteps(name: string, kind: string, loaded: LoadedRoom, checked?: (parts: readonly Uint8Array[]) => void): Promise<Room | null> {
    const parts = [...(loaded.checkpoint ? [loaded.checkpoint.data] : []), ...loaded.updates.map((u) => u.data)];
    const scans: ScannedUpdate[] = [];
    try {
      for (const part of parts) scans.push(await stepwise(scanSteps(part)));
    } catch {
      return null;
    }
    // One part is one update: the whole state in one sync step 2, as a client expects it (merging a
    // checkpoint with its log would cost as much as building the room). Rooms leave memory with a
    // fresh checkpoint (evictIfIdle), so a cold room is usually one part.
    if (parts.length <= 1) checked?.(parts);
    const room = this.newRoom(name, kind);
    try {
      await applyInSteps(room.doc, scans, this.opts.limits.applySliceStructs);
    } catch (err) {
      this.opts.log.warn({ err, room: name }, 'stored parts did not apply in steps; loading in one go');
      room.destroy();
      return null;
    }
    room.startTracking(parts);
    return room;
  }

  private buildCarefully(name: string, kind: string, loaded: LoadedRoom): Room {
    const room = this.newRoom(name, kind);
    if (loaded.checkpoint) Y.applyUpdate(room.doc, loaded.checkpoint.data); // read once already
    const probe = new Shadowed(room.doc);
    try {
      for (const u of loaded.updates) {
        let ok = false;
        try {
          ok = probe.apply(u.data, null);
        } catch {
          ok = false;
        }
        if (!ok) this.opts.log.error({ room: name, updateId: u.id }, 'skipping unreadable stored update');
      }
    } finally {
      probe.destroy();
    }
    room.startTracking();
    return room;
  }

  private install(room: Room, loaded: LoadedRoom): Room {
    room.lastId = loaded.updates.at(-1)?.id ?? loaded.checkpoint?.uptoId ?? 0;
    room.logEntries = loaded.updates.length;
    room.logBytes = loaded.updates.reduce((n, u) => n + u.data.length, 0);
    // Older documents are brought up to the current schema by the server, once, as a normal update.
    if (room.kind === 'plan' && isPlan(room.doc)) upgradePlan(room.doc, this.serverEditor);
    this.resident.set(room.name, room);
    this.opts.metrics.rooms.set(this.resident.size);
    this.opts.log.debug({ room: room.name, entries: loaded.updates.length, bytes: room.sizeBytes }, 'room loaded');
    return room;
  }

  /**
   * Runs `fn` on a stored room's document as the server (loading it if needed): the change is an
   * ordinary server update of that room, committed, fanned out and published like any other.
   * Resolves once it is durable; the room unloads after the idle delay if nobody is in it.
   */
  async withRoom<T>(name: string, fn: (doc: Y.Doc, kind: string) => T): Promise<T> {
    const info = await this.opts.store.getRoom(name);
    if (!info) throw new LoadError(`no room called ${name}`);
    const room = await this.acquire(name, info.kind);
    try {
      const result = fn(room.doc, info.kind);
      await this.commit.flush();
      return result;
    } finally {
      this.released(room);
    }
  }

  /** A peer left: unload the room after the idle delay if nobody came back. */
  released(room: Room): void {
    if (room.peers.size > 0 || room.destroyed) return;
    if (room.idleTimer) clearTimeout(room.idleTimer);
    room.idleTimer = setTimeout(() => this.guarded(room, 'unload', () => this.evictIfIdle(room)), this.opts.roomIdleMs);
    room.idleTimer.unref?.();
  }

  private async evictIfIdle(room: Room): Promise<void> {
    room.idleTimer = null;
    if (room.peers.size > 0 || room.destroyed) return;
    await room.settled();
    if (room.uncommitted) await this.commit.flush();
    while (room.compacting) await new Promise((r) => setTimeout(r, 10));
    // Leave a checkpoint of everything: the next cold load is one part, answered at once.
    if (room.logEntries > 0 && !room.uncommitted && !room.destroyed) {
      room.compacting = true;
      await this.compact(room);
    }
    if (room.peers.size > 0 || room.uncommitted || room.destroyed) return this.released(room);
    this.drop(room);
    this.opts.log.debug({ room: room.name }, 'room unloaded');
    this.idleCollector.schedule();
  }

  private drop(room: Room): void {
    if (this.resident.get(room.name) === room) this.resident.delete(room.name);
    if (this.held.delete(room)) this.opts.metrics.storeHeldRooms.set(this.held.size);
    this.extensions.unloaded(room);
    const bus = this.busState.get(room);
    this.busState.delete(room);
    void bus?.unsubscribe();
    room.destroy();
    this.opts.metrics.rooms.set(this.resident.size);
  }

  /** Unload a room at once (store failure): its peers are closed and reconnect later. */
  private unload(room: Room, close: 'internal' | 'goingAway'): void {
    for (const peer of [...room.peers]) peer.close(close);
    this.drop(room);
  }

  private publish(room: Room, update: Uint8Array): void {
    const owners = room.clientOwners.drainUnpublished();
    const state = this.busState.get(room);
    if (!state || !this.opts.bus) return;
    void this.opts.bus.publish(room.name, { server: this.serverId, seq: ++state.busSeq, update, ...(owners.length ? { owners } : {}) });
  }

  /** An update another server committed: apply it (not stored again) and repair on a gap. */
  /** Presence of this server's peers for the other servers: no sequence (seq 0), never a gap. */
  private publishAwareness(room: Room, awareness: Uint8Array): void {
    if (!this.busState.has(room) || !this.opts.bus) return;
    void this.opts.bus.publish(room.name, { server: this.serverId, seq: 0, update: EMPTY_UPDATE, awareness });
  }

  /** An extension's notice for its peers on the other servers: no sequence (seq 0), never a gap. */
  private publishNotice(room: Room, notice: ExtensionNotice): void {
    if (!this.busState.has(room) || !this.opts.bus) return;
    void this.opts.bus.publish(room.name, { server: this.serverId, seq: 0, update: EMPTY_UPDATE, notice });
  }

  private fromBus(room: Room, message: BusMessage): void {
    const state = this.busState.get(room);
    if (!state || room.destroyed) return;
    if (message.awareness) room.applyAwarenessFromBus(message.awareness);
    if (message.notice) this.extensions.notice(room, message.notice);
    if (message.seq === 0) return; // awareness or a notice only
    const last = state.lastSeq.get(message.server);
    state.lastSeq.set(message.server, message.seq);
    if (message.owners) room.clientOwners.learn(message.owners);
    try {
      room.applyFromBus(message.update);
    } catch (err) {
      this.opts.log.error({ err, room: room.name, from: message.server }, 'unreadable bus message; repairing from the store');
      void this.repair(room);
      return;
    }
    // A first message from a server that published before is a gap too: what it published
    // between our subscribe and now may have been lost (its sequence says how many came before).
    if (message.seq !== (last ?? 0) + 1) void this.repair(room);
    // An update that builds on something this server never got (committed by a server that died
    // before publishing it: no sequence shows that loss) does not integrate: the store has it.
    else if (room.missingDependencies) this.repairMissing(room);
  }

  /** At most one repair a second per room for missing dependencies; a later need waits its turn. */
  private repairMissing(room: Room): void {
    let state = this.missingRepairs.get(room);
    if (!state) this.missingRepairs.set(room, (state = { last: 0, timer: null }));
    if (state.timer) return;
    const s = state;
    s.timer = setTimeout(() => {
      s.timer = null;
      s.last = Date.now();
      if (!room.destroyed && room.missingDependencies) void this.repair(room);
    }, Math.max(0, s.last + 1_000 - Date.now()));
    s.timer.unref();
  }

  /**
   * The bus is back after an outage (or came up after this room was opened without it): re-read
   * the room from the store (whatever another server committed meanwhile), and announce this
   * server's sequence with an empty update, so a server that missed our publishes sees the gap and
   * repairs too, even if nobody here types again.
   */
  private async rejoinBus(room: Room): Promise<void> {
    const state = this.busState.get(room);
    if (state && this.opts.bus) void this.opts.bus.publish(room.name, { server: this.serverId, seq: ++state.busSeq, update: EMPTY_UPDATE });
    await this.repair(room);
  }

  /** Re-reads the room from the store and applies it: idempotent, adds only what was missed. */
  private async repair(room: Room): Promise<void> {
    try {
      const stored = await this.opts.store.load(room.name);
      if (room.destroyed) return;
      if (stored.checkpoint) Y.applyUpdate(room.doc, stored.checkpoint.data, FROM_BUS);
      if (stored.updates.length) Y.applyUpdate(room.doc, Y.mergeUpdates(stored.updates.map((u) => u.data)), FROM_BUS);
      this.opts.metrics.busRepairs.inc();
      this.opts.log.info({ room: room.name }, 'room repaired from the store');
    } catch (err) {
      this.opts.log.error({ err, room: room.name }, 'repair from the store failed');
    }
  }

  /** Compaction runs after a commit, outside the commit path, and never blocks the room. */
  private afterCommit(room: Room): void {
    const { compactEntries, compactBytes } = this.opts;
    if (room.compacting || room.destroyed) return;
    if (room.logEntries < compactEntries && room.logBytes < compactBytes) return;
    room.compacting = true;
    setImmediate(() => this.guarded(room, 'compaction', () => this.compact(room)));
  }

  private async compact(room: Room): Promise<void> {
    try {
      // Only committed state goes into a checkpoint; with updates in flight, try after the next commit.
      if (room.destroyed || room.uncommitted) return;
      const data = room.encodeState();
      const uptoId = room.lastId;
      const entries = room.logEntries;
      const bytes = room.logBytes;
      await timed(this.opts.metrics, 'checkpoint', () => this.opts.store.checkpoint(room.name, data, uptoId, this.now()));
      room.sizeBytes = data.length + (room.sizeBytes - data.length > 0 ? 0 : 0);
      room.logEntries -= entries;
      room.logBytes -= bytes;
      // Also with retention off (horizon 0): checkpoints are thinned for time travel (retention.ts).
      const now = this.now();
      await timed(this.opts.metrics, 'prune', () => this.opts.store.prune(room.name, this.opts.retentionDays > 0 ? now - this.opts.retentionDays * 86_400_000 : 0, now));
    } catch (err) {
      this.opts.metrics.callbackErrors.inc({ kind: 'compaction' });
      this.opts.log.error({ err, room: room.name }, 'compaction failed; will retry after the next commit');
    } finally {
      room.compacting = false;
    }
  }

  /** SIGTERM: commit everything, close every peer with "going away", unload. */
  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.loading.values()]);
    await this.commit.flush();
    // Checkpoints of what changed, so every room starts next time from one part (a fast cold load).
    for (const room of [...this.resident.values()]) {
      await room.settled();
      await this.commit.flush();
      while (room.compacting) await new Promise((r) => setTimeout(r, 10));
      if (room.logEntries === 0 || room.uncommitted || room.destroyed) continue;
      room.compacting = true;
      await this.compact(room);
    }
    for (const room of [...this.resident.values()]) this.unload(room, 'goingAway');
    this.idleCollector.cancel();
  }
}
