/**
 * Runs room extensions: one context per (room, extension), private messages routed by name, replies
 * only to peers that opted into Plenary's own messages. An extension's failure is answered to the
 * peer that asked and logged; it never closes the room.
 *
 * Extension state across servers (issue 12): an extension that declares `shared` keeps its secrets
 * in the store, not in this process. Each message is one atomic step of the store
 * (ExtensionStateStore.withExtensionState): read the state, run the extension on it, write it back,
 * locked against every other server. So people on different servers of one room act on one poker
 * round and one retro ballot, and a restart or kill -9 loses nothing that was answered. Replies are
 * held until the step is durable: nobody is told "voted" for a vote the store does not have. Messages
 * of one room and extension run one after another on this server, in the order they arrived.
 */
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { encodePrivate } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import type { ExtensionNotice } from '../fanout/bus.ts';
import type { ExtensionStateStore, StateChange } from '../persistence/extension-state.ts';
import { StoreError } from '../persistence/store.ts';
import type { Peer, Room } from '../sync/room.ts';
import { ExtensionRefusal, type ExtensionContext, type PeerInfo, type RoomExtension, type SharedState } from './extension.ts';

/**
 * Causal order of the document writes steps make (issue 12). Steps of one room run one at a time
 * across servers, but each writes the document on its own server, and Yjs resolves concurrent
 * writes to one field by client id, not by time: server 2 writing the voters list before server 1's
 * write of it arrived could win and drop a voter. So the stored state also records the Yjs clocks
 * the last step wrote (its mark), and a step runs only on a document that has them, waiting up to
 * CATCH_UP_MS for the bus to bring them. After that it runs anyway (the writer may have died before
 * its write was durable): a stale list is then the worst case, never a lost vote, which is in the state.
 */
type Mark = [client: number, clock: number][];
type StepFailure = { err: unknown } | { behind: Mark } | null;
const CATCH_UP_MS = 3_000;

function readEnvelope(text: string | null): { state: string | null; mark: Mark } {
  if (text === null) return { state: null, mark: [] };
  const e = JSON.parse(text) as { s: string | null; m?: Mark };
  return { state: e.s, mark: e.m ?? [] };
}

/** Null only when nothing is held and nothing needs ordering. */
function writeEnvelope(state: string | null, mark: Mark): string | null {
  return state === null && mark.length === 0 ? null : JSON.stringify({ s: state, m: mark });
}

const stateVector = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));

const covers = (doc: Y.Doc, mark: Mark) => mark.every(([client, clock]) => Y.getState(doc.store, client) >= clock);

function writtenSince(doc: Y.Doc, before: Map<number, number>): Mark {
  const out: Mark = [];
  for (const [client, clock] of stateVector(doc)) if (clock > (before.get(client) ?? 0)) out.push([client, clock]);
  return out;
}

function caughtUp(doc: Y.Doc, mark: Mark, ms: number): Promise<void> {
  if (covers(doc, mark)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      doc.off('update', check);
      resolve();
    };
    const check = () => covers(doc, mark) && done();
    const timer = setTimeout(done, ms);
    doc.on('update', check);
  });
}

const info = (p: Peer): PeerInfo => ({ id: p.id, userId: p.author, name: p.name, role: p.role, private: p.wantsAck });

type Hosted = {
  ctx: ExtensionContext;
  /** replies waiting for the state to be durable, while a step runs */
  held: (() => void)[] | null;
  /** notices to the other servers said during the running step, sent with its mark once it is durable */
  notices: unknown[];
  /** the mark the last step stored */
  mark: Mark;
  queue: Promise<void>;
};

/** Without a store (unit tests of the host), state lives in this process, atomically all the same. */
function memoryStates(): ExtensionStateStore {
  const held = new Map<string, string>();
  return {
    async withExtensionState(room, extension, fn) {
      const key = JSON.stringify([room, extension]);
      const { state, result } = fn(held.get(key) ?? null);
      if (state === null) held.delete(key);
      else held.set(key, state);
      return result;
    },
    readExtensionState: async (room, extension) => held.get(JSON.stringify([room, extension])) ?? null
  };
}

export class ExtensionHost {
  private readonly contexts = new Map<Room, Map<string, Hosted>>();

  constructor(
    private readonly extensions: readonly RoomExtension[],
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly withRoom: <T>(room: string, fn: (doc: Y.Doc, kind: string) => T) => Promise<T> = () =>
      Promise.reject(new Error('no other rooms here')),
    private readonly states: ExtensionStateStore = memoryStates(),
    /** Publishes a notice to the other servers hosting the room (the fan-out bus); none with one server. */
    private readonly publishNotice: (room: Room, notice: ExtensionNotice) => void = () => {}
  ) {}

  private hosted(room: Room, ext: RoomExtension): Hosted {
    let byName = this.contexts.get(room);
    if (!byName) this.contexts.set(room, (byName = new Map()));
    let hosted = byName.get(ext.name);
    if (!hosted) {
      const peerById = () => new Map([...room.peers].map((p) => [p.id, p]));
      const h: Hosted = { held: null, notices: [], mark: [], queue: Promise.resolve(), ctx: null as unknown as ExtensionContext };
      h.ctx = {
        room: room.name,
        kind: room.kind,
        doc: room.doc,
        now: this.now,
        editorFor: (peer) => createEditor(peer.userId, 'server', this.now),
        state: new Map(),
        reply: (peer, payload) => {
          const send = () => {
            const target = peerById().get(peer.id);
            if (target?.wantsAck) target.send(encodePrivate(ext.name, payload));
          };
          if (h.held) h.held.push(send);
          else send();
        },
        peers: () => [...room.peers].map(info),
        notify: (payload) => {
          // Outside a step (an extension without shared state) there is no mark to wait for.
          if (h.held) h.notices.push(payload);
          else this.publishNotice(room, { extension: ext.name, payload, mark: [] });
        },
        withRoom: (name, fn) => this.withRoom(name, fn)
      };
      byName.set(ext.name, (hosted = h));
    }
    return hosted;
  }

  message(room: Room, peer: Peer, name: string, payload: unknown): void {
    const ext = this.extensions.find((e) => e.name === name && e.kinds.includes(room.kind));
    if (!ext) {
      if (peer.wantsAck) peer.send(encodePrivate(name, { error: `no extension "${name}" in a ${room.kind}` }));
      return;
    }
    const hosted = this.hosted(room, ext);
    const asker = info(peer);
    if (!ext.shared) {
      try {
        ext.onMessage(hosted.ctx, asker, payload);
      } catch (err) {
        this.refused(room, ext, hosted, asker, err);
      }
      return;
    }
    const shared = ext.shared;
    hosted.queue = hosted.queue.then(async () => {
      if (this.contexts.get(room)?.get(ext.name) !== hosted) return; // the room unloaded meanwhile
      const replies: (() => void)[] = [];
      try {
        let failure = await this.step(room, ext, shared, hosted, asker, payload, replies, false);
        if (failure && 'behind' in failure) {
          // The step before ours ran on another server and its document writes have not reached
          // this one yet: wait for them (the bus brings them), then act on a document that has them.
          await caughtUp(room.doc, failure.behind, CATCH_UP_MS);
          failure = await this.step(room, ext, shared, hosted, asker, payload, replies, true);
        }
        if (failure && 'err' in failure) throw failure.err;
        for (const send of replies) send();
        const notices = hosted.notices.splice(0);
        for (const payload of notices) this.publishNotice(room, { extension: ext.name, payload, mark: hosted.mark });
      } catch (err) {
        // Not saved: whatever this run changed in memory is not the truth; the next run reloads it.
        hosted.ctx.state.delete(shared.key);
        hosted.notices.length = 0;
        this.refused(room, ext, hosted, asker, err);
      }
    });
  }

  /** One atomic step over the stored state: null when done, else why not. */
  private step(
    room: Room,
    ext: RoomExtension,
    shared: SharedState,
    hosted: Hosted,
    asker: PeerInfo,
    payload: unknown,
    replies: (() => void)[],
    anyway: boolean
  ): Promise<StepFailure> {
    return this.states.withExtensionState(room.name, ext.name, (text): StateChange<StepFailure> => {
      const stored = readEnvelope(text);
      if (!anyway && !covers(room.doc, stored.mark)) return { state: text, result: { behind: stored.mark } };
      // A retried or concurrent step starts clean: only what this run says goes out.
      replies.length = 0;
      hosted.notices.length = 0;
      hosted.held = replies;
      const before = stateVector(room.doc);
      try {
        hosted.ctx.state.set(shared.key, shared.decode(stored.state));
        ext.onMessage(hosted.ctx, asker, payload);
        const wrote = writtenSince(room.doc, before);
        const state = shared.encode(hosted.ctx.state.get(shared.key));
        hosted.mark = wrote.length ? wrote : stored.mark;
        return { state: writeEnvelope(state, hosted.mark), result: null };
      } catch (err) {
        // A refusal (or a bug) saves nothing: the stored text stays as it was.
        return { state: text, result: { err } };
      } finally {
        hosted.held = null;
      }
    });
  }

  private refused(room: Room, ext: RoomExtension, hosted: Hosted, asker: PeerInfo, err: unknown): void {
    if (err instanceof StoreError) this.log.warn({ err, room: room.name, extension: ext.name }, 'extension state not saved');
    else if (!(err instanceof ExtensionRefusal)) this.log.error({ err, room: room.name, extension: ext.name }, 'extension failed');
    const error =
      err instanceof ExtensionRefusal ? err.message : err instanceof StoreError ? 'not saved: the server cannot reach its store just now, try again' : 'the server could not do that';
    hosted.ctx.reply(asker, { error });
  }

  /**
   * Another server's step on this room said something (ExtensionContext.notify). Runs in turn with
   * this server's own steps of the extension, on a document that has that step's writes (waiting
   * up to CATCH_UP_MS), with the state as stored now. Skipped when nobody here could be told.
   */
  notice(room: Room, notice: ExtensionNotice): void {
    const ext = this.extensions.find((e) => e.name === notice.extension && e.kinds.includes(room.kind));
    if (!ext?.onNotice || ![...room.peers].some((p) => p.wantsAck)) return;
    const onNotice = ext.onNotice.bind(ext);
    const hosted = this.hosted(room, ext);
    hosted.queue = hosted.queue.then(async () => {
      if (this.contexts.get(room)?.get(ext.name) !== hosted) return;
      try {
        await caughtUp(room.doc, notice.mark, CATCH_UP_MS);
        if (ext.shared) hosted.ctx.state.set(ext.shared.key, ext.shared.decode(readEnvelope(await this.states.readExtensionState(room.name, ext.name)).state));
        onNotice(hosted.ctx, notice.payload);
      } catch (err) {
        // Nobody asked, so nobody is answered: the people here see the change on their next request.
        if (ext.shared) hosted.ctx.state.delete(ext.shared.key);
        this.log.warn({ err, room: room.name, extension: ext.name }, 'extension notice from another server not shown');
      }
    });
  }

  left(room: Room, peer: Peer): void {
    for (const [name, { ctx }] of this.contexts.get(room) ?? []) this.safely(room, name, () => this.extensions.find((e) => e.name === name)?.onLeave?.(ctx, info(peer)));
  }

  unloaded(room: Room): void {
    for (const [name, { ctx }] of this.contexts.get(room) ?? []) this.safely(room, name, () => this.extensions.find((e) => e.name === name)?.onUnload?.(ctx));
    this.contexts.delete(room);
  }

  /** An extension's leave/unload hook failing loses that extension's bookkeeping, nothing else. */
  private safely(room: Room, name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, room: room.name, extension: name }, 'extension hook failed');
    }
  }
}
