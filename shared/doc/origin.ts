/**
 * Transaction origins. Every mutation runs in one `doc.transact(fn, origin)` with an origin that
 * says who made it and how, so observers can tell local user edits from remote, server, import and
 * undo changes, and an UndoManager can track exactly one user's edits (it compares origins by
 * identity, hence one Origin object per editor).
 */
/** 'api': a REST API call, made with an API key (the actor is the key's id). */
export type OriginKind = 'user' | 'server' | 'import' | 'undo' | 'seed' | 'api';

export class Origin {
  constructor(readonly kind: OriginKind, readonly actor: string) {}
}

/**
 * Who is editing and on which clock. `now` must be server-corrected time (the client learns its
 * offset from the server's acks), so history stamped by two clients with different clocks still
 * orders correctly.
 */
export type Editor = { actor: string; now: () => number; origin: Origin };

export function createEditor(actor: string, kind: OriginKind = 'user', now: () => number = Date.now): Editor {
  return { actor, now, origin: new Origin(kind, actor) };
}

export function isOrigin(value: unknown): value is Origin {
  return value instanceof Origin;
}
