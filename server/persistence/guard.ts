/**
 * The store boundary's error discipline, shared by every backend: calls after close() reject with
 * StoreError('closed'), and anything a driver throws leaves as StoreError('backend') with the
 * original error as `cause`, so the server core handles exactly one error type.
 */
import { StoreError } from './store.ts';

export class StoreGuard {
  #closed = false;

  constructor(private readonly backend: string) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the store closed; true only for the first call, so close() can be idempotent. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }

  async run<T>(op: string, fn: () => T | Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreError('closed', `${this.backend} store is closed (${op})`);
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, `${this.backend} ${op}`);
    }
  }
}

export function toStoreError(err: unknown, context: string): StoreError {
  if (err instanceof StoreError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new StoreError('backend', `${context} failed: ${detail}`, { cause: err });
}
