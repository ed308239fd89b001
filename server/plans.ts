/**
 * Creating rooms. A plan's first state (meta, default columns) is written by the server, once,
 * straight into the store, so no two clients ever race to initialise the same document.
 */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { createEditor } from '../shared/doc/origin.ts';
import { createPlan, type PlanInit } from '../shared/doc/plan.ts';
import { isValidRoom } from '../shared/protocol.ts';
import type { DocStore } from './persistence/store.ts';

export function slugForPlan(name: string): string {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'plan';
  return `${base}-${randomBytes(3).toString('hex')}`;
}

/** Stores a document's full state as a room's first log entry and registers the room. */
export async function storeNewRoom(store: DocStore, room: string, kind: string, doc: Y.Doc, by: string, now = Date.now()): Promise<void> {
  if (!isValidRoom(room)) throw new Error(`invalid room name: ${room}`);
  if (await store.getRoom(room)) throw new Error(`room exists: ${room}`);
  await store.append([{ room, data: Y.encodeStateAsUpdate(doc), receivedAt: now, author: by }]);
  await store.registerRoom({ room, kind, createdAt: now, createdBy: by });
}

export async function createPlanRoom(store: DocStore, init: PlanInit & { room?: string }, by: string): Promise<string> {
  const room = init.room ?? slugForPlan(init.name);
  const doc = new Y.Doc();
  try {
    createPlan(doc, createEditor(by, 'server'), init);
    await storeNewRoom(store, room, 'plan', doc, by);
  } finally {
    doc.destroy();
  }
  return room;
}

/**
 * Reads a room's document without making it resident: the live one when the room is loaded
 * (`resident`), else rebuilt from the store for the length of `fn`.
 */
export async function readRoomDoc<T>(store: DocStore, resident: ((room: string) => Y.Doc | undefined) | undefined, room: string, fn: (doc: Y.Doc) => T): Promise<T> {
  const live = resident?.(room);
  if (live) return fn(live);
  const loaded = await store.load(room);
  const doc = new Y.Doc();
  try {
    if (loaded.checkpoint) Y.applyUpdate(doc, loaded.checkpoint.data);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
    return fn(doc);
  } finally {
    doc.destroy();
  }
}
