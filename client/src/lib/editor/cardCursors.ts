/**
 * Carets per card over the plan's one awareness. @lexical/yjs keeps a caret as top-level fields of
 * the local awareness state (`anchorPos`, `focusPos`, `name`, `color`, `focusing`); with one
 * provider for the whole plan that would make a person's caret jump between cards and overwrite
 * what presence publishes. So each editor gets a small Provider facade that stores its caret in one
 * field, `cursor: { card, anchor, focus, focusing }`, leaves every other field (`user`, `card`)
 * alone, and shows the binding only the peers whose cursor is on its own card, named and coloured
 * from their `user` presence.
 *
 * A peer's state is untrusted: a cursor is used only if its positions are well-formed relative
 * positions inside some type (never a top-level name), so a bad one cannot make Yjs throw.
 * Writes are coalesced to one every CURSOR_FLUSH_MS, well inside the server's presence rate limit
 * even while someone holds an arrow key down, and always happen after the current task.
 */
import type { Provider, UserState } from '@lexical/yjs';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { readPresenceUser } from '../presence/identity.ts';

export const CURSOR_FLUSH_MS = 60;

export type CardCursor = { card: string; anchor: Y.RelativePosition | null; focus: Y.RelativePosition | null; focusing: boolean };

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isId = (v: unknown) => v != null && typeof v === 'object' && isCount((v as { client?: unknown }).client) && isCount((v as { clock?: unknown }).clock);

/** A relative position from a peer, or null unless it is well-formed and anchored to a type or item id. */
export function readRelativePosition(value: unknown): Y.RelativePosition | null {
  if (value instanceof Y.RelativePosition) return value;
  if (value === null || typeof value !== 'object') return null;
  const v = value as { type?: unknown; item?: unknown; tname?: unknown; assoc?: unknown };
  if (v.tname != null) return null;
  if (v.type != null && !isId(v.type)) return null;
  if (v.item != null && !isId(v.item)) return null;
  if (v.type == null && v.item == null) return null;
  if (v.assoc != null && (typeof v.assoc !== 'number' || !Number.isFinite(v.assoc))) return null;
  return Y.createRelativePositionFromJSON(v);
}

/** The cursor an awareness state holds on `card`, or null. */
export function readCardCursor(state: unknown, card: string): CardCursor | null {
  const c = (state as { cursor?: Partial<Record<keyof CardCursor, unknown>> } | null)?.cursor;
  if (!c || typeof c !== 'object' || c.card !== card) return null;
  return { card, anchor: readRelativePosition(c.anchor), focus: readRelativePosition(c.focus), focusing: c.focusing === true };
}

function userState(state: unknown, cursor: CardCursor | null): UserState | null {
  const user = readPresenceUser(state);
  if (!user) return null;
  return {
    name: user.name,
    color: user.color,
    anchorPos: cursor?.anchor ?? null,
    focusPos: cursor?.focus ?? null,
    focusing: cursor?.focusing ?? false,
    awarenessData: {}
  };
}

export type CardCursorProvider = Provider & { destroy(): void };

export function cardCursorProvider(awareness: Awareness, card: string): CardCursorProvider {
  let pending: CardCursor | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastFlush = 0;

  const flush = () => {
    timer = null;
    lastFlush = Date.now();
    if (pending && awareness.getLocalState() !== null) awareness.setLocalStateField('cursor', pending);
    pending = null;
  };

  // Never synchronous: a write runs awareness listeners, which update Svelte state, and Lexical
  // calls us from inside its updates and from focus events fired while Svelte updates the DOM.
  const write = (cursor: CardCursor) => {
    pending = cursor;
    if (timer !== null) return;
    timer = setTimeout(flush, Math.max(0, CURSOR_FLUSH_MS - (Date.now() - lastFlush)));
  };

  const local = (): UserState | null => {
    const state = awareness.getLocalState();
    return userState(state, pending ?? readCardCursor(state, card));
  };

  const facade = {
    getLocalState: local,
    getStates(): Map<number, UserState> {
      const out = new Map<number, UserState>();
      for (const [clientId, state] of awareness.getStates()) {
        if (clientId === awareness.clientID) {
          const mine = local();
          if (mine) out.set(clientId, mine);
          continue;
        }
        const cursor = readCardCursor(state, card);
        const peer = cursor && userState(state, cursor);
        if (peer) out.set(clientId, peer);
      }
      return out;
    },
    setLocalState(state: UserState | null) {
      if (state === null) return facade.clear();
      write({ card, anchor: state.anchorPos, focus: state.focusPos, focusing: state.focusing });
    },
    setLocalStateField(field: string, value: unknown) {
      const state = local();
      if (state) facade.setLocalState({ ...state, [field]: value });
    },
    on: (type: 'update', cb: () => void) => awareness.on(type, cb),
    off: (type: 'update', cb: () => void) => awareness.off(type, cb),
    /** Drops our caret from this card (if it is still here): on blur of the panel, on unmount. */
    clear() {
      pending = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      queueMicrotask(() => {
        if (readCardCursor(awareness.getLocalState(), card)) awareness.setLocalStateField('cursor', null);
      });
    }
  };

  const noop = () => {};
  return {
    awareness: facade,
    connect: noop,
    disconnect: noop,
    on: noop,
    off: noop,
    destroy: () => facade.clear()
  } as unknown as CardCursorProvider;
}
