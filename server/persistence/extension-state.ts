/**
 * Extension state in the store (issue 12): the secrets a room extension holds between requests
 * (poker's votes before the reveal, retro drafts and dot ballots) kept in the one store every
 * server shares, instead of one server's memory. Every backend implements `withExtensionState`;
 * test/integration/extension-state-contract.test.ts holds all three to one contract.
 *
 * Why the store and not a room owner: with state in the store every server can serve every
 * request for every room (no forwarding, no lease, no fencing), a kill -9 or restart loses nothing
 * that was answered, and one server (SQLite) is simply the case with one reader. The price is one
 * store round trip per extension request, which is small next to a person clicking a card.
 *
 * Atomicity: `fn` runs with the (room, extension) state locked across servers (Postgres: the row
 * FOR UPDATE inside a transaction; SQLite: an immediate transaction; memory: one synchronous turn),
 * so two servers can never both spend the last dot of one budget or both open a round. `fn` is
 * synchronous on purpose: nothing can interleave between the read and the write.
 *
 * The state is an opaque JSON text owned by the extension; null means "nothing held" and removes
 * the row, so rooms without an open round or drafts keep no state at all. It never leaves the
 * server: the store is as private as the server's memory was.
 */

export type StateChange<T> = {
  /** The new state; null = nothing held (the row is removed). Unchanged text is not written. */
  state: string | null;
  result: T;
};

export interface ExtensionStateStore {
  /**
   * Reads the state of (room, extension), lets `fn` compute the next one, writes it, all in one
   * atomic step against every other caller on any server. Resolves with `fn`'s result once the new
   * state is durable. If `fn` throws, nothing is written and the promise rejects with that error.
   */
  withExtensionState<T>(room: string, extension: string, fn: (state: string | null) => StateChange<T>): Promise<T>;
  /**
   * The committed state, read without taking the lock and writing nothing: for a server that only
   * shows it (another server's step changed it and said so on the bus, see server/extensions/host.ts).
   */
  readExtensionState(room: string, extension: string): Promise<string | null>;
}

/** Longest state text a backend accepts: far above any real room (200 drafts × 300 people). */
export const MAX_EXTENSION_STATE = 16 * 1024 * 1024;

export function checkStateSize(state: string | null): void {
  if (state !== null && state.length > MAX_EXTENSION_STATE) throw new RangeError(`extension state over ${MAX_EXTENSION_STATE} characters`);
}
