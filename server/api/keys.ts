/**
 * API keys at the HTTP boundary: making a secret (shown once), and resolving a presented secret to
 * its live key. A key is found by the SHA-256 of its secret and cached briefly; a revocation here
 * or on another server (the bus's access channel, `apiKeys`) drops it from every cache at once, and
 * a key that belongs to a person stops working when that person's access is revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FanoutBus } from '../fanout/bus.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import type { ApiKey } from '../persistence/api-key-store.ts';

/** Every secret starts so, so a leaked one is recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'plk_';
/** A cached key is re-read after this long even without a notice (a lost notice delays at most this). */
const CACHE_MS = 10_000;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function newKeySecret(): { id: string; secret: string } {
  const id = `key_${randomBytes(6).toString('base64url')}`;
  return { id, secret: `${KEY_PREFIX}${randomBytes(24).toString('base64url')}` };
}

export type KeyRefusal = 'apiKeyUnknown' | 'apiKeyRevoked';

type Cached = { key: ApiKey; at: number };

export class ApiKeys {
  private readonly cache = new Map<string, Cached>();
  private publish: (ids: string[]) => void = () => {};

  constructor(
    private readonly store: PlenaryStore,
    private readonly now: () => number = Date.now
  ) {}

  /** Listens to and tells the other servers about revocations. */
  async wire(bus: FanoutBus | undefined, serverId: string, onError: (err: unknown) => void): Promise<void> {
    if (!bus) return;
    this.publish = (apiKeys) => void bus.publishAccess({ server: serverId, personIds: [], apiKeys }).catch(onError);
    await bus.onAccess(serverId, (m) => {
      if (m.apiKeys?.length) this.forget(m.apiKeys);
      // A person's keys go with them: drop theirs so the next call re-reads the person.
      if (m.personIds.length) this.forgetPeople(m.personIds);
    });
  }

  async resolve(secret: string): Promise<ApiKey | KeyRefusal> {
    const hash = hashSecret(secret);
    let entry = this.cache.get(hash);
    if (entry && this.now() - entry.at > CACHE_MS) entry = undefined;
    if (!entry) {
      const key = await this.store.apiKeyBySecretHash(hash);
      if (!key) return 'apiKeyUnknown';
      entry = { key, at: this.now() };
      this.cache.set(hash, entry);
    }
    const { key } = entry;
    if (key.revokedAt !== null) return 'apiKeyRevoked';
    if (key.personId !== null) {
      const person = await this.store.getPerson(key.personId);
      if (person && person.revokedAt !== null) return 'apiKeyRevoked';
    }
    return key;
  }

  /** Revokes a key in the store and everywhere it is cached. */
  async revoke(id: string): Promise<ApiKey | null> {
    const key = await this.store.revokeApiKey(id, this.now());
    if (key) {
      this.forget([id]);
      this.publish([id]);
    }
    return key;
  }

  forget(ids: readonly string[]): void {
    const gone = new Set(ids);
    for (const [hash, entry] of this.cache) if (gone.has(entry.key.id)) this.cache.delete(hash);
  }

  forgetPeople(personIds: readonly string[]): void {
    const gone = new Set(personIds);
    for (const [hash, entry] of this.cache) if (entry.key.personId !== null && gone.has(entry.key.personId)) this.cache.delete(hash);
  }
}
