/** The memory store's API keys (server/persistence/api-key-store.ts), spread into createMemoryStore. */
import { publicKey, type ApiKeyStore, type NewApiKey } from './api-key-store.ts';
import type { StoreGuard } from './guard.ts';
import { StoreError } from './store.ts';

type Row = NewApiKey & { revokedAt: number | null };

export function memoryApiKeys(guard: StoreGuard): ApiKeyStore & { clearApiKeys(): void } {
  const keys = new Map<string, Row>();
  const byHash = (hash: string) => [...keys.values()].find((k) => k.secretHash === hash);
  return {
    createApiKey: (key) =>
      guard.run('createApiKey', () => {
        // What the databases' primary key and unique hash would refuse.
        if (keys.has(key.id) || byHash(key.secretHash)) throw new StoreError('backend', `memory createApiKey: duplicate key ${key.id}`);
        const row = { ...key, revokedAt: null };
        keys.set(key.id, row);
        return publicKey(row);
      }),
    getApiKey: (id) =>
      guard.run('getApiKey', () => {
        const row = keys.get(id);
        return row ? publicKey(row) : null;
      }),
    apiKeyBySecretHash: (hash) =>
      guard.run('apiKeyBySecretHash', () => {
        const row = byHash(hash);
        return row ? publicKey(row) : null;
      }),
    listApiKeys: (plan) =>
      guard.run('listApiKeys', () =>
        [...keys.values()]
          .filter((k) => k.plan === plan)
          .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
          .map(publicKey)
      ),
    revokeApiKey: (id, at) =>
      guard.run('revokeApiKey', () => {
        const row = keys.get(id);
        if (!row) return null;
        row.revokedAt ??= at;
        return publicKey(row);
      }),
    clearApiKeys: () => keys.clear()
  };
}
