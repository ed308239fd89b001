/** The SQLite store's API keys (server/persistence/api-key-store.ts), spread into openSqliteStore. */
import type Database from 'better-sqlite3';
import { publicKey, type ApiKey, type ApiKeyStore, type NewApiKey } from './api-key-store.ts';
import type { StoreGuard } from './guard.ts';

/** Schema step appended to sqlite.ts MIGRATIONS (issue 16). */
export const SQLITE_API_KEYS = `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     secret_hash TEXT NOT NULL UNIQUE,
     plan TEXT NOT NULL,
     scope TEXT NOT NULL,
     access TEXT NOT NULL,
     name TEXT NOT NULL,
     person_id TEXT,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   ) STRICT;
   CREATE INDEX api_keys_plan ON api_keys (plan, created_at);`;

const COLUMNS = `id, plan, scope, access, name, person_id AS personId, created_by AS createdBy, created_at AS createdAt,
  revoked_at AS revokedAt, secret_hash AS secretHash`;
type Row = NewApiKey & { revokedAt: number | null };

export function sqliteApiKeys(db: Database.Database, guard: StoreGuard): ApiKeyStore {
  const insert = db.prepare<NewApiKey>(
    `INSERT INTO api_keys (id, secret_hash, plan, scope, access, name, person_id, created_by, created_at)
     VALUES (@id, @secretHash, @plan, @scope, @access, @name, @personId, @createdBy, @createdAt)`
  );
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`);
  const byHash = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM api_keys WHERE secret_hash = ?`);
  const ofPlan = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM api_keys WHERE plan = ? ORDER BY created_at DESC, id DESC`);
  const revoke = db.prepare<[number, string]>('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?');
  const get = (id: string): ApiKey | null => {
    const row = byId.get(id);
    return row ? publicKey(row) : null;
  };
  return {
    createApiKey: (key) =>
      guard.run('createApiKey', () => {
        insert.run(key);
        return get(key.id)!;
      }),
    getApiKey: (id) => guard.run('getApiKey', () => get(id)),
    apiKeyBySecretHash: (hash) =>
      guard.run('apiKeyBySecretHash', () => {
        const row = byHash.get(hash);
        return row ? publicKey(row) : null;
      }),
    listApiKeys: (plan) => guard.run('listApiKeys', () => ofPlan.all(plan).map(publicKey)),
    revokeApiKey: (id, at) =>
      guard.run('revokeApiKey', () => {
        revoke.run(at, id);
        return get(id);
      })
  };
}
