/**
 * The store boundary's error discipline, shared by every backend: calls after close() reject with
 * StoreError('closed'), and anything a driver throws leaves as StoreError('backend') with the
 * original error as `cause`, so the server core handles exactly one error type.
 */
import { StoreError } from './store.ts';

export class StoreGuard {
  #closed = false;

  /**
   * `timeoutMs`: every call gets this deadline (0 = none). A database that stops answering
   * (connections open, no bytes) then fails a call with StoreError('timeout') instead of hanging
   * it: a write is held and retried (not acknowledged), a load refuses the join. A call that timed
   * out may still complete later; every caller treats it as not done (Postgres stores a retried
   * append once: entries are matched by room, author and bytes; elsewhere a duplicate applies
   * idempotently).
   */
  constructor(
    private readonly backend: string,
    private readonly timeoutMs = 0
  ) {}

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
      return await (this.timeoutMs > 0 ? withDeadline(fn(), this.timeoutMs, `${this.backend} ${op}`) : fn());
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

/** `work`, or StoreError('timeout') once `ms` have passed without an answer. */
export function withDeadline<T>(work: T | Promise<T>, ms: number, context: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError('timeout', `${context}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(work), deadline]).finally(() => clearTimeout(timer));
}
