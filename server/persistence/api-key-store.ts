/**
 * API keys (issue 16): credentials for pipelines and dashboards. An admin of a plan makes one for
 * the plan (or the plan and its retros), named, scoped to read or write. The secret is shown once;
 * the registry keeps only its SHA-256, like invitation codes. A key belongs to the person who made
 * it, or is a service key (personId null) that outlives that person's access.
 *
 * Implemented by every store (memory, SQLite, Postgres) beside the access registry.
 */
export const API_ACCESS = ['read', 'write'] as const;
export type ApiAccess = (typeof API_ACCESS)[number];

export type ApiKey = {
  id: string;
  plan: string;
  /** Token-style scope: `plan` alone or `plan/*` (the plan and its retros). */
  scope: string;
  access: ApiAccess;
  name: string;
  /** The person it belongs to (its maker); null for a service key. */
  personId: string | null;
  /** Person id of the admin who made it (or a token subject). */
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
};

export type NewApiKey = Omit<ApiKey, 'revokedAt'> & { secretHash: string };

export interface ApiKeyStore {
  createApiKey(key: NewApiKey): Promise<ApiKey>;
  getApiKey(id: string): Promise<ApiKey | null>;
  apiKeyBySecretHash(secretHash: string): Promise<ApiKey | null>;
  /** Newest first, revoked ones too. */
  listApiKeys(plan: string): Promise<ApiKey[]>;
  /** The first revocation time is kept. The key after it, or null when unknown. */
  revokeApiKey(id: string, at: number): Promise<ApiKey | null>;
}

/** The row without its hash: what every backend returns. */
export function publicKey(row: NewApiKey & { revokedAt: number | null }): ApiKey {
  const { secretHash: _hash, ...key } = row;
  return key;
}
