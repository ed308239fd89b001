/** The Postgres store's API keys (server/persistence/api-key-store.ts), spread into openPostgresStore. */
import type postgres from 'postgres';
import { type ApiAccess, type ApiKey, type ApiKeyStore } from './api-key-store.ts';
import type { StoreGuard } from './guard.ts';

/** Schema step appended to postgres.ts MIGRATIONS (issue 16); `s` is the quoted schema. */
export const postgresApiKeys = (s: string) => `
    create table ${s}.api_keys (
      id text primary key,
      secret_hash text not null unique,
      plan text not null,
      scope text not null,
      access text not null,
      name text not null,
      person_id text,
      created_by text not null,
      created_at bigint not null,
      revoked_at bigint
    );
    create index api_keys_plan on ${s}.api_keys (plan, created_at);`;

type Row = { id: string; plan: string; scope: string; access: string; name: string; person_id: string | null; created_by: string; created_at: string; revoked_at: string | null };

const toKey = (r: Row): ApiKey => ({
  id: r.id,
  plan: r.plan,
  scope: r.scope,
  access: r.access as ApiAccess,
  name: r.name,
  personId: r.person_id,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at)
});

const COLUMNS = 'id, plan, scope, access, name, person_id, created_by, created_at, revoked_at';

export function postgresApiKeyStore(sql: postgres.Sql, schema: string, guard: Pick<StoreGuard, 'run'>): ApiKeyStore {
  const keys = sql(`${schema}.api_keys`);
  const one = (rows: Row[]) => (rows[0] ? toKey(rows[0]) : null);
  return {
    createApiKey: (k) =>
      guard.run('createApiKey', async () => {
        const rows = await sql<Row[]>`
          insert into ${keys} (id, secret_hash, plan, scope, access, name, person_id, created_by, created_at)
          values (${k.id}, ${k.secretHash}, ${k.plan}, ${k.scope}, ${k.access}, ${k.name}, ${k.personId}, ${k.createdBy}, ${k.createdAt})
          returning ${sql.unsafe(COLUMNS)}`;
        return toKey(rows[0]);
      }),
    getApiKey: (id) => guard.run('getApiKey', async () => one(await sql<Row[]>`select ${sql.unsafe(COLUMNS)} from ${keys} where id = ${id}`)),
    apiKeyBySecretHash: (hash) =>
      guard.run('apiKeyBySecretHash', async () => one(await sql<Row[]>`select ${sql.unsafe(COLUMNS)} from ${keys} where secret_hash = ${hash}`)),
    listApiKeys: (plan) =>
      guard.run('listApiKeys', async () =>
        (await sql<Row[]>`select ${sql.unsafe(COLUMNS)} from ${keys} where plan = ${plan} order by created_at desc, id desc`).map(toKey)
      ),
    revokeApiKey: (id, at) =>
      guard.run('revokeApiKey', async () =>
        one(await sql<Row[]>`update ${keys} set revoked_at = coalesce(revoked_at, ${at}::bigint) where id = ${id} returning ${sql.unsafe(COLUMNS)}`)
      )
  };
}
