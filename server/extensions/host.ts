/**
 * Runs room extensions: one context per (room, extension), private messages routed by name, replies
 * only to peers that opted into Plenary's own messages. An extension's failure is answered to the
 * peer that asked and logged; it never closes the room.
 */
import type * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { encodePrivate } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import type { Peer, Room } from '../sync/room.ts';
import { ExtensionRefusal, type ExtensionContext, type PeerInfo, type RoomExtension } from './extension.ts';

const info = (p: Peer): PeerInfo => ({ id: p.id, userId: p.author, name: p.name, role: p.role, private: p.wantsAck });

export class ExtensionHost {
  private readonly contexts = new Map<Room, Map<string, ExtensionContext>>();

  constructor(
    private readonly extensions: readonly RoomExtension[],
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly withRoom: <T>(room: string, fn: (doc: Y.Doc, kind: string) => T) => Promise<T> = () =>
      Promise.reject(new Error('no other rooms here'))
  ) {}

  private context(room: Room, ext: RoomExtension): ExtensionContext {
    let byName = this.contexts.get(room);
    if (!byName) this.contexts.set(room, (byName = new Map()));
    let ctx = byName.get(ext.name);
    if (!ctx) {
      const peerById = () => new Map([...room.peers].map((p) => [p.id, p]));
      ctx = {
        room: room.name,
        kind: room.kind,
        doc: room.doc,
        editorFor: (peer) => createEditor(peer.userId, 'server', this.now),
        state: new Map(),
        reply: (peer, payload) => {
          const target = peerById().get(peer.id);
          if (target?.wantsAck) target.send(encodePrivate(ext.name, payload));
        },
        peers: () => [...room.peers].map(info),
        withRoom: (name, fn) => this.withRoom(name, fn)
      };
      byName.set(ext.name, ctx);
    }
    return ctx;
  }

  message(room: Room, peer: Peer, name: string, payload: unknown): void {
    const ext = this.extensions.find((e) => e.name === name && e.kinds.includes(room.kind));
    if (!ext) {
      if (peer.wantsAck) peer.send(encodePrivate(name, { error: `no extension "${name}" in a ${room.kind}` }));
      return;
    }
    const ctx = this.context(room, ext);
    try {
      ext.onMessage(ctx, info(peer), payload);
    } catch (err) {
      if (!(err instanceof ExtensionRefusal)) this.log.error({ err, room: room.name, extension: name }, 'extension failed');
      ctx.reply(info(peer), { error: err instanceof ExtensionRefusal ? err.message : 'the server could not do that' });
    }
  }

  left(room: Room, peer: Peer): void {
    for (const [name, ctx] of this.contexts.get(room) ?? []) this.safely(room, name, () => this.extensions.find((e) => e.name === name)?.onLeave?.(ctx, info(peer)));
  }

  unloaded(room: Room): void {
    for (const [name, ctx] of this.contexts.get(room) ?? []) this.safely(room, name, () => this.extensions.find((e) => e.name === name)?.onUnload?.(ctx));
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
