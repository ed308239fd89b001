/**
 * Postgres backend (postgres.js). Tables live in one schema, `plenary` unless told otherwise, so
 * tests can use a fresh schema and drop it, and several deployments can share a database.
 *
 * Ids come from bigserial sequences. A sequence value is taken at insert but becomes visible at
 * commit, so two overlapping appends could commit out of id order and a reader (say, a checkpoint
 * covering up to id N) could miss an entry below N that commits later. Appends therefore take a
 * store-wide transaction-scoped advisory lock: id order is commit order, also across servers.
 */
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { checkStateSize } from './extension-state.ts';
import { StoreGuard, toStoreError } from './guard.ts';
import { postgresApiKeys, postgresApiKeyStore } from './api-key-postgres.ts';
import { postgresWebhooks, postgresWebhookStore } from './webhook-postgres.ts';
import { planPrune } from './retention.ts';
import { useRefusal, type AuditEntry, type Invitation, type Person, type PlenaryStore, type Session } from './access-store.ts';
import type { Role } from '../../shared/protocol.ts';
import {
  isEmptyUpdate,
  StoreError,
  type Checkpoint,
  type LoadedRoom,
  type RoomInfo,
  type StoredUpdate
} from './store.ts';

export type PostgresStoreOptions = {
  /** Schema holding the tables, created if missing. A plain lowercase identifier. */
  schema?: string;
  /** Connection pool size. */
  max?: number;
  /** Deadline of every store call, and of opening a connection (STORE_TIMEOUT_MS); 0 = none. */
  timeoutMs?: number;
  /**
   * A database that cannot be reached at open does not fail the open (the server starts, /healthz
   * says the store is down): every call fails fast with StoreError('backend') while the first
   * migration is retried in the background with backoff, and the store serves once it succeeded.
   * A schema newer than this build still fails the open.
   */
  waitForDatabase?: boolean;
};

/** Retry backoff while the database is unreachable at start: 100 ms doubling to 5 s. */
const startBackoff = (attempt: number) => Math.min(100 * 2 ** attempt, 5_000);

type Sql = postgres.Sql | postgres.TransactionSql;

// bigint columns arrive as strings (postgres.js keeps int8 exact); ids and ms timestamps fit a
// double for the next few hundred thousand years, so they become numbers at this boundary.
type UpdateRow = { id: string; room: string; received_at: string; author: string; data: Uint8Array };
type CheckpointRow = { id: string; room: string; upto_id: string; created_at: string; data: Uint8Array };
type RoomRow = { room: string; kind: string; created_at: string; created_by: string };

const toUpdate = (r: UpdateRow): StoredUpdate => ({
  id: Number(r.id),
  room: r.room,
  receivedAt: Number(r.received_at),
  author: r.author,
  data: r.data
});
const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  id: Number(r.id),
  room: r.room,
  uptoId: Number(r.upto_id),
  createdAt: Number(r.created_at),
  data: r.data
});
const toRoom = (r: RoomRow): RoomInfo => ({
  room: r.room,
  kind: r.kind,
  createdAt: Number(r.created_at),
  createdBy: r.created_by
});

type InvitationRow = {
  id: string; plan: string; scope: string; role: string; expires_at: string; session_until: string | null; max_uses: number | null;
  uses: number; member_id: string | null; label: string; require_sign_in: boolean; created_by: string; created_at: string; revoked_at: string | null;
};
type PersonRow = {
  id: string; plan: string; name: string; member_id: string | null; role: string; invitation_id: string | null; created_at: string;
  last_seen_at: string; revoked_at: string | null; subject: string | null;
};
type SessionRow = { id: string; person_id: string; plan: string; created_at: string; expires_at: string; revoked_at: string | null };
type AuditRow = { id: string; plan: string; at: string; actor: string; actor_name: string; action: string; subject: string; detail: Record<string, unknown> };

const numOrNull = (v: string | null) => (v === null ? null : Number(v));
const toInvitation = (r: InvitationRow): Invitation => ({
  id: r.id,
  plan: r.plan,
  scope: r.scope,
  role: r.role as Role,
  expiresAt: Number(r.expires_at),
  sessionUntil: numOrNull(r.session_until),
  maxUses: r.max_uses,
  uses: r.uses,
  memberId: r.member_id,
  label: r.label,
  requireSignIn: r.require_sign_in,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  revokedAt: numOrNull(r.revoked_at)
});
const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  plan: r.plan,
  name: r.name,
  memberId: r.member_id,
  role: r.role as Role,
  invitationId: r.invitation_id,
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
  revokedAt: numOrNull(r.revoked_at),
  subject: r.subject
});
const toSession = (r: SessionRow): Session => ({
  id: r.id,
  personId: r.person_id,
  plan: r.plan,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  revokedAt: numOrNull(r.revoked_at)
});
const toAudit = (r: AuditRow): AuditEntry => ({
  id: Number(r.id),
  plan: r.plan,
  at: Number(r.at),
  actor: r.actor,
  actorName: r.actor_name,
  action: r.action as AuditEntry['action'],
  subject: r.subject,
  detail: r.detail
});

/** Schema steps, given the quoted schema name; schema_version holds how many have run. */
const MIGRATIONS: readonly ((s: string) => string)[] = [
  (s) => `
    create table ${s}.updates (
      id bigserial primary key,
      room text not null,
      received_at bigint not null,
      author text not null,
      data bytea not null
    );
    create index updates_room_id on ${s}.updates (room, id);
    create table ${s}.checkpoints (
      id bigserial primary key,
      room text not null,
      upto_id bigint not null,
      created_at bigint not null,
      data bytea not null
    );
    create index checkpoints_room_id on ${s}.checkpoints (room, id);
    create table ${s}.rooms (
      room text primary key,
      kind text not null,
      created_at bigint not null,
      created_by text not null
    );`,
  // People and access (issue 11): the registry, and who owns each Yjs client id of a room.
  (s) => `
    create table ${s}.invitations (
      id text primary key,
      code_hash text not null unique,
      plan text not null,
      scope text not null,
      role text not null,
      expires_at bigint not null,
      session_until bigint,
      max_uses integer,
      uses integer not null default 0,
      member_id text,
      label text not null,
      require_sign_in boolean not null,
      created_by text not null,
      created_at bigint not null,
      revoked_at bigint
    );
    create index invitations_plan on ${s}.invitations (plan, created_at);
    create table ${s}.people (
      id text primary key,
      plan text not null,
      name text not null,
      member_id text,
      role text not null,
      invitation_id text,
      created_at bigint not null,
      last_seen_at bigint not null,
      revoked_at bigint,
      subject text
    );
    create index people_plan on ${s}.people (plan, created_at);
    create index people_invitation on ${s}.people (invitation_id);
    create table ${s}.sessions (
      id text primary key,
      person_id text not null,
      plan text not null,
      created_at bigint not null,
      expires_at bigint not null,
      revoked_at bigint
    );
    create table ${s}.audit (
      id bigserial primary key,
      plan text not null,
      at bigint not null,
      actor text not null,
      actor_name text not null,
      action text not null,
      subject text not null,
      detail jsonb not null
    );
    create index audit_plan on ${s}.audit (plan, at);
    create table ${s}.client_owners (
      room text not null,
      client_id bigint not null,
      owner text not null,
      primary key (room, client_id)
    );`,
  // Time travel (issue 14): entries by receive time (covering for activity counts), named versions.
  (s) => `
    create index updates_room_time on ${s}.updates (room, received_at, author);
    create table ${s}.versions (
      id bigserial primary key,
      room text not null,
      name text not null,
      at bigint not null,
      created_by text not null,
      created_at bigint not null
    );
    create index versions_room_at on ${s}.versions (room, at);`,
  // One live person per sign-in identity and plan (see the SQLite step): duplicates an earlier race
  // made are revoked, the oldest kept.
  (s) => `
    update ${s}.people p set revoked_at = p.created_at
      where p.subject is not null and p.revoked_at is null and exists (
        select 1 from ${s}.people o where o.plan = p.plan and o.subject = p.subject and o.revoked_at is null
          and (o.created_at < p.created_at or (o.created_at = p.created_at and o.id < p.id)));
    create unique index people_live_subject on ${s}.people (plan, subject) where subject is not null and revoked_at is null;`,
  // Extension state (issue 12, extension-state.ts): one row per (room, extension), locked per request.
  (s) => `
    create table ${s}.extension_state (
      room text not null,
      extension text not null,
      state text not null,
      primary key (room, extension)
    );`,
  // REST API and webhooks (issue 16): API keys, by the SHA-256 of their secret.
  postgresApiKeys,
  // Outgoing webhooks (issue 16): subscriptions and the delivery log.
  postgresWebhooks,
  // Idempotent appends (issue 12): an append whose deadline passed may still commit later, and the
  // retry must not store it again. Older rows have no hash and are never matched.
  (s) => `
    alter table ${s}.updates add column entry_hash bytea;
    create unique index updates_room_hash on ${s}.updates (room, entry_hash) where entry_hash is not null;`
];

/** What makes a log entry the same entry again: its room, author and bytes (one Yjs update, one writer). */
/** The advisory-lock key of one (room, extension) pair: a JSON pair cannot be two pairs at once. */
const extensionLockKey = (room: string, extension: string) => `extension-state:${JSON.stringify([room, extension])}`;

const entryHash = (u: { room: string; author: string; data: Uint8Array }): Buffer =>
  createHash('sha256').update(u.room).update('\0').update(u.author).update('\0').update(u.data).digest();

/** Postgres allows 65535 bind parameters per statement; 4 per row leaves ample headroom. */
const INSERT_CHUNK = 1000;

/** The empty Yjs update as isEmptyUpdate defines it (besides zero bytes), for SQL comparisons. */
const EMPTY_UPDATE = new Uint8Array([0, 0]);

async function migrate(sql: postgres.Sql, schema: string): Promise<void> {
  const s = `"${schema}"`; // safe: the name was checked against a plain-identifier pattern
  await sql.begin(async (tx) => {
    // Serialises servers starting at once; CREATE ... IF NOT EXISTS alone can still collide.
    await tx`select pg_advisory_xact_lock(hashtext(${`plenary:migrate:${schema}`}))`;
    await tx.unsafe(`create schema if not exists ${s}`);
    await tx.unsafe(`create table if not exists ${s}.schema_version (version integer not null)`);
    const [row] = await tx<{ version: number }[]>`select version from ${tx(`${schema}.schema_version`)}`;
    const version = row?.version ?? 0;
    if (version > MIGRATIONS.length) {
      throw new StoreError(
        'backend',
        `postgres schema ${schema} is at version ${version}, newer than this build supports (${MIGRATIONS.length})`
      );
    }
    for (const step of MIGRATIONS.slice(version)) await tx.unsafe(step(s));
    if (!row) await tx`insert into ${tx(`${schema}.schema_version`)} (version) values (0)`;
    await tx`update ${tx(`${schema}.schema_version`)} set version = ${MIGRATIONS.length}`;
  });
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PlenaryStore> {
  const schema = options.schema ?? 'plenary';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError('backend', `postgres schema name must be a plain lowercase identifier: ${schema}`);
  }
  const timeoutMs = options.timeoutMs ?? 0;
  // The driver's own connect timeout (seconds, default 30) bounded by the same deadline, so a
  // refused or black-holed database is noticed within it, and retried on the next call.
  const connectTimeout = timeoutMs > 0 ? Math.max(1, Math.ceil(timeoutMs / 1000)) : 30;
  // A transaction left idle by its server (stopped, frozen, cut off from the database with the
  // connection still open) would hold the store-wide append lock, and every server's edits would
  // wait behind it. Past the store deadline its caller has given up (and retries idempotently), so
  // Postgres may end it: then the lock is free and the others go on.
  const connection = timeoutMs > 0 ? { idle_in_transaction_session_timeout: timeoutMs } : {};
  const sql = postgres(url, { max: options.max ?? 10, connect_timeout: connectTimeout, connection, onnotice: () => {} });
  const guard = new StoreGuard('postgres', timeoutMs);
  let unreachable: string | null = null;
  try {
    await migrate(sql, schema);
  } catch (err) {
    if (!options.waitForDatabase || err instanceof StoreError) {
      await sql.end({ timeout: 1 }).catch(() => {});
      throw toStoreError(err, 'postgres open');
    }
    unreachable = err instanceof Error ? err.message : String(err);
    const retry = (attempt: number) => {
      const timer = setTimeout(() => {
        if (guard.closed) return;
        migrate(sql, schema).then(
          () => (unreachable = null),
          (e: unknown) => {
            unreachable = e instanceof Error ? e.message : String(e);
            retry(attempt + 1);
          }
        );
      }, startBackoff(attempt));
      timer.unref();
    };
    retry(0);
  }
  /** Every call: refused at once while the database has not been reached since the start. */
  const run = <T>(op: string, fn: () => T | Promise<T>): Promise<T> =>
    guard.run(op, () => {
      if (unreachable !== null) throw new StoreError('backend', `postgres ${op}: the database has not been reachable since this server started (${unreachable})`);
      return fn();
    });
  const updates = sql(`${schema}.updates`);
  const checkpoints = sql(`${schema}.checkpoints`);
  const rooms = sql(`${schema}.rooms`);
  const invitations = sql(`${schema}.invitations`);
  const people = sql(`${schema}.people`);
  const sessions = sql(`${schema}.sessions`);
  const audit = sql(`${schema}.audit`);
  const owners = sql(`${schema}.client_owners`);
  const versions = sql(`${schema}.versions`);
  const extensionState = sql(`${schema}.extension_state`);
  const appendLock = `plenary:append:${schema}`;
  const lockAppends = (tx: Sql) => tx`select pg_advisory_xact_lock(hashtext(${appendLock}))`;

  // Both reads of a load see one snapshot, even while a prune or checkpoint commits in between.
  const loadRoom = (room: string, newest: boolean): Promise<LoadedRoom> =>
    sql.begin('isolation level repeatable read read only', async (tx) => {
      const [cp] = await tx<CheckpointRow[]>`
        select id, room, upto_id, created_at, data from ${checkpoints}
        where room = ${room} order by id ${newest ? tx`desc` : tx`asc`} limit 1`;
      const rows = await tx<UpdateRow[]>`
        select id, room, received_at, author, data from ${updates}
        where room = ${room} and id > ${cp && newest ? cp.upto_id : 0} order by id`;
      return { checkpoint: cp ? toCheckpoint(cp) : null, updates: rows.map(toUpdate) };
    });

  return {
    // Through `run`, so they too fail fast while the database has not been reachable since start.
    ...postgresApiKeyStore(sql, schema, { run }),
    ...postgresWebhookStore(sql, schema, { run }),
    name: 'postgres',

    load: (room) => run('load', () => loadRoom(room, true)),
    loadHistory: (room) => run('loadHistory', () => loadRoom(room, false)),

    append: (batch) =>
      run('append', async () => {
        if (!batch.length) return [];
        return sql.begin(async (tx) => {
          await lockAppends(tx);
          const ids: number[] = [];
          for (let i = 0; i < batch.length; i += INSERT_CHUNK) {
            const chunk = batch.slice(i, i + INSERT_CHUNK);
            const hashes = chunk.map(entryHash);
            const rows = chunk.map((u, j) => ({
              room: u.room,
              received_at: u.receivedAt,
              author: u.author,
              data: u.data,
              entry_hash: hashes[j]
            }));
            // A retried append whose first try committed after its deadline finds its rows stored:
            // they keep their first id instead of being stored twice.
            const got = await tx<{ id: string; room: string; entry_hash: Buffer }[]>`
              insert into ${updates} ${tx(rows, 'room', 'received_at', 'author', 'data', 'entry_hash')}
              on conflict (room, entry_hash) where entry_hash is not null do nothing
              returning id, room, entry_hash`;
            const idOf = new Map(got.map((r) => [`${r.room}\0${r.entry_hash.toString('hex')}`, Number(r.id)]));
            const missing = chunk.filter((u, j) => !idOf.has(`${u.room}\0${hashes[j].toString('hex')}`));
            // Rare (a retry after a late commit): one lookup per entry already stored.
            for (const u of missing) {
              const hash = entryHash(u);
              const [r] = await tx<{ id: string }[]>`select id from ${updates} where room = ${u.room} and entry_hash = ${hash}`;
              if (r) idOf.set(`${u.room}\0${hash.toString('hex')}`, Number(r.id));
            }
            ids.push(...chunk.map((u, j) => idOf.get(`${u.room}\0${hashes[j].toString('hex')}`)!));
          }
          const claims = batch.flatMap((u) => (u.clients ?? []).map((client) => ({ room: u.room, client_id: client, owner: u.author })));
          for (let i = 0; i < claims.length; i += INSERT_CHUNK) {
            await tx`insert into ${owners} ${tx(claims.slice(i, i + INSERT_CHUNK), 'room', 'client_id', 'owner')} on conflict do nothing`;
          }
          return ids;
        });
      }),

    checkpoint: (room, data, uptoId, createdAt) =>
      run('checkpoint', () =>
        sql.begin(async (tx) => {
          if (isEmptyUpdate(data)) {
            // Holding the append lock, no entry can commit between this check and the insert.
            await lockAppends(tx);
            const [{ content }] = await tx<{ content: boolean }[]>`
              select exists (select 1 from ${updates} where room = ${room})
                  or exists (select 1 from ${checkpoints} where room = ${room}
                               and octet_length(data) > 0 and data <> ${EMPTY_UPDATE}) as content`;
            if (content) {
              throw new StoreError('emptyOverNonEmpty', `refusing an empty checkpoint over room ${room}`);
            }
          }
          const [row] = await tx<{ id: string }[]>`
            insert into ${checkpoints} (room, upto_id, created_at, data)
            values (${room}, ${uptoId}, ${createdAt}, ${data}) returning id`;
          return { id: Number(row.id), room, data, uptoId, createdAt } satisfies Checkpoint;
        })
      ),

    logStats: (room) =>
      run('logStats', async () => {
        const [row] = await sql<{ entries: string; bytes: string }[]>`
          select count(*) as entries, coalesce(sum(octet_length(data)), 0) as bytes from ${updates}
          where room = ${room}
            and id > coalesce((select upto_id from ${checkpoints}
                               where room = ${room} order by id desc limit 1), 0)`;
        return { entries: Number(row.entries), bytes: Number(row.bytes) };
      }),

    prune: (room, olderThan, now) =>
      run('prune', () =>
        sql.begin(async (tx) => {
          const metas = await tx<{ id: string; upto_id: string; created_at: string }[]>`
            select id, upto_id, created_at from ${checkpoints} where room = ${room} for update`;
          const plan = planPrune(
            metas.map((m) => ({ id: Number(m.id), uptoId: Number(m.upto_id), createdAt: Number(m.created_at) })),
            olderThan,
            now
          );
          if (!plan) return 0;
          const deleted = await tx`
            delete from ${updates}
            where room = ${room} and id <= ${plan.entriesUpToId} and received_at < ${olderThan}`;
          if (plan.checkpointIds.length) {
            await tx`delete from ${checkpoints} where room = ${room} and id = any(${plan.checkpointIds}::bigint[])`;
          }
          return deleted.count;
        })
      ),

    historyIndex: (room) =>
      run('historyIndex', () =>
        sql.begin('isolation level repeatable read read only', async (tx) => {
          const metas = await tx<{ id: string; upto_id: string; created_at: string }[]>`
            select id, upto_id, created_at from ${checkpoints} where room = ${room} order by id`;
          const [first] = await tx<{ id: string; received_at: string }[]>`
            select id, received_at from ${updates} where room = ${room} order by id limit 1`;
          return {
            checkpoints: metas.map((m) => ({ id: Number(m.id), uptoId: Number(m.upto_id), createdAt: Number(m.created_at) })),
            firstEntry: first ? { id: Number(first.id), receivedAt: Number(first.received_at) } : null
          };
        })
      ),

    loadAt: (room, at) =>
      run('loadAt', () =>
        sql.begin('isolation level repeatable read read only', async (tx) => {
          const [cp] = await tx<CheckpointRow[]>`
            select id, room, upto_id, created_at, data from ${checkpoints} where id =
              (select id from ${checkpoints} where room = ${room} and created_at <= ${at} order by created_at desc, id desc limit 1)`;
          const rows = await tx<UpdateRow[]>`
            select id, room, received_at, author, data from ${updates}
            where room = ${room} and id > ${cp ? cp.upto_id : 0} and received_at <= ${at} order by id`;
          return { checkpoint: cp ? toCheckpoint(cp) : null, updates: rows.map(toUpdate) };
        })
      ),

    entriesReceived: (room, after, until) =>
      run('entriesReceived', async () =>
        (
          await sql<UpdateRow[]>`
            select id, room, received_at, author, data from ${updates}
            where room = ${room} and received_at > ${after} and received_at <= ${until} order by id`
        ).map(toUpdate)
      ),

    activity: (room, bucketMs) =>
      run('activity', async () => {
        const bucket = Math.max(1, Math.trunc(bucketMs));
        const rows = await sql<{ start: string; author: string; count: string }[]>`
          select (received_at / ${bucket}::bigint) * ${bucket}::bigint as start, author, count(*) as count from ${updates}
          where room = ${room} group by 1, 2 order by 1, author collate "C"`;
        return rows.map((r) => ({ start: Number(r.start), author: r.author, count: Number(r.count) }));
      }),

    addVersion: (v) =>
      run('addVersion', async () => {
        const [row] = await sql<{ id: string }[]>`
          insert into ${versions} (room, name, at, created_by, created_at)
          values (${v.room}, ${v.name}, ${v.at}, ${v.createdBy}, ${v.createdAt}) returning id`;
        return { ...v, id: Number(row.id) };
      }),

    listVersions: (room) =>
      run('listVersions', async () =>
        (
          await sql<{ id: string; room: string; name: string; at: string; created_by: string; created_at: string }[]>`
            select id, room, name, at, created_by, created_at from ${versions} where room = ${room} order by at, id`
        ).map((r) => ({ id: Number(r.id), room: r.room, name: r.name, at: Number(r.at), createdBy: r.created_by, createdAt: Number(r.created_at) }))
      ),

    registerRoom: (info) =>
      run('registerRoom', async () => {
        // First registration wins: reopening a room must not rewrite who created it and when.
        await sql`
          insert into ${rooms} (room, kind, created_at, created_by)
          values (${info.room}, ${info.kind}, ${info.createdAt}, ${info.createdBy})
          on conflict (room) do nothing`;
      }),

    getRoom: (room) =>
      run('getRoom', async () => {
        const [row] = await sql<RoomRow[]>`
          select room, kind, created_at, created_by from ${rooms} where room = ${room}`;
        return row ? toRoom(row) : null;
      }),

    // collate "C": byte order, the same tie-break as SQLite's and the memory store's.
    listRooms: () =>
      run('listRooms', async () =>
        (
          await sql<RoomRow[]>`
            select room, kind, created_at, created_by from ${rooms} order by created_at, room collate "C"`
        ).map(toRoom)
      ),

    createInvitation: (inv) =>
      run('createInvitation', async () => {
        const [row] = await sql<InvitationRow[]>`
          insert into ${invitations} (id, code_hash, plan, scope, role, expires_at, session_until, max_uses, member_id, label,
            require_sign_in, created_by, created_at)
          values (${inv.id}, ${inv.codeHash}, ${inv.plan}, ${inv.scope}, ${inv.role}, ${inv.expiresAt}, ${inv.sessionUntil},
            ${inv.maxUses}, ${inv.memberId}, ${inv.label}, ${inv.requireSignIn}, ${inv.createdBy}, ${inv.createdAt})
          returning *`;
        return toInvitation(row);
      }),
    getInvitation: (id) =>
      run('getInvitation', async () => {
        const [row] = await sql<InvitationRow[]>`select * from ${invitations} where id = ${id}`;
        return row ? toInvitation(row) : null;
      }),
    invitationByCodeHash: (hash) =>
      run('invitationByCodeHash', async () => {
        const [row] = await sql<InvitationRow[]>`select * from ${invitations} where code_hash = ${hash}`;
        return row ? toInvitation(row) : null;
      }),
    listInvitations: (plan) =>
      run('listInvitations', async () =>
        (await sql<InvitationRow[]>`select * from ${invitations} where plan = ${plan} order by created_at desc, id collate "C" desc`).map(toInvitation)
      ),
    useInvitation: (id, now) =>
      run('useInvitation', () =>
        sql.begin(async (tx) => {
          const [row] = await tx<InvitationRow[]>`select * from ${invitations} where id = ${id} for update`;
          const refusal = useRefusal(row ? toInvitation(row) : null, now);
          if (refusal) return refusal;
          const [used] = await tx<InvitationRow[]>`update ${invitations} set uses = uses + 1 where id = ${id} returning *`;
          return toInvitation(used);
        })
      ),
    revokeInvitation: (id, at) =>
      run('revokeInvitation', () =>
        sql.begin(async (tx) => {
          const found = await tx`update ${invitations} set revoked_at = coalesce(revoked_at, ${at}) where id = ${id}`;
          if (!found.count) return [];
          const rows = await tx<{ id: string }[]>`
            update ${people} set revoked_at = ${at} where invitation_id = ${id} and revoked_at is null returning id`;
          return rows.map((r) => r.id).sort();
        })
      ),
    createPerson: (p) =>
      run('createPerson', async () => {
        try {
          await sql`
            insert into ${people} (id, plan, name, member_id, role, invitation_id, created_at, last_seen_at, revoked_at, subject)
            values (${p.id}, ${p.plan}, ${p.name}, ${p.memberId}, ${p.role}, ${p.invitationId}, ${p.createdAt}, ${p.lastSeenAt},
              ${p.revokedAt}, ${p.subject})`;
        } catch (err) {
          // 23505: unique_violation, here the one live person per sign-in subject (migration 4).
          if ((err as { code?: string }).code === '23505' && p.subject !== null) throw new StoreError('conflict', 'a live person of this plan has this sign-in subject', { cause: err });
          throw err;
        }
      }),
    getPerson: (id) =>
      run('getPerson', async () => {
        const [row] = await sql<PersonRow[]>`select * from ${people} where id = ${id}`;
        return row ? toPerson(row) : null;
      }),
    listPeople: (plan) =>
      run('listPeople', async () =>
        (await sql<PersonRow[]>`select * from ${people} where plan = ${plan} order by created_at, id collate "C"`).map(toPerson)
      ),
    peopleBySubject: (plan, subject) =>
      run('peopleBySubject', async () =>
        (await sql<PersonRow[]>`select * from ${people} where plan = ${plan} and subject = ${subject} order by created_at, id collate "C"`).map(toPerson)
      ),
    updatePerson: (id, patch) =>
      run('updatePerson', async () => {
        const [row] = await sql<PersonRow[]>`
          update ${people} set
            role = coalesce(${patch.role ?? null}::text, role),
            name = coalesce(${patch.name ?? null}::text, name),
            last_seen_at = greatest(last_seen_at, coalesce(${patch.lastSeenAt ?? null}::bigint, last_seen_at)),
            revoked_at = coalesce(revoked_at, ${patch.revokedAt ?? null}::bigint)
          where id = ${id} returning *`;
        return row ? toPerson(row) : null;
      }),
    touchPeople: (ids, at) =>
      run('touchPeople', async () => {
        if (ids.length === 0) return;
        await sql`update ${people} set last_seen_at = greatest(last_seen_at, ${at}::bigint) where id = any(${sql.array([...ids])}::text[])`;
      }),
    revokeSession: (id, at) =>
      run('revokeSession', async () => {
        const [row] = await sql<SessionRow[]>`update ${sessions} set revoked_at = coalesce(revoked_at, ${at}::bigint) where id = ${id} returning *`;
        return row ? toSession(row) : null;
      }),
    createSession: (s) =>
      run('createSession', async () => {
        await sql`
          insert into ${sessions} (id, person_id, plan, created_at, expires_at, revoked_at)
          values (${s.id}, ${s.personId}, ${s.plan}, ${s.createdAt}, ${s.expiresAt}, ${s.revokedAt})`;
      }),
    getSession: (id) =>
      run('getSession', async () => {
        const [row] = await sql<SessionRow[]>`select * from ${sessions} where id = ${id}`;
        return row ? toSession(row) : null;
      }),
    addAudit: (e) =>
      run('addAudit', async () => {
        await sql`
          insert into ${audit} (plan, at, actor, actor_name, action, subject, detail)
          values (${e.plan}, ${e.at}, ${e.actor}, ${e.actorName}, ${e.action}, ${e.subject}, ${sql.json(e.detail as postgres.JSONValue)})`;
      }),
    listAudit: (plan, limit) =>
      run('listAudit', async () =>
        (await sql<AuditRow[]>`select * from ${audit} where plan = ${plan} order by at desc, id desc limit ${limit}`).map(toAudit)
      ),
    claimClients: (room, owner, clients) =>
      run('claimClients', async () => {
        if (clients.length === 0) return new Map();
        const rows = clients.map((client) => ({ room, client_id: client, owner }));
        await sql`insert into ${owners} ${sql(rows, 'room', 'client_id', 'owner')} on conflict do nothing`;
        const held = await sql<{ client_id: string; owner: string }[]>`
          select client_id, owner from ${owners} where room = ${room} and client_id in ${sql(clients as number[])}`;
        return new Map(held.map((r) => [Number(r.client_id), r.owner]));
      }),
    withExtensionState: (room, extension, fn) =>
      run('withExtensionState', () =>
        sql.begin(async (tx) => {
          // A transaction-scoped advisory lock on the (room, extension) pair serialises every
          // server's steps for it, row or no row: a step that holds nothing and keeps nothing (a
          // "hello", a refused vote) writes nothing at all, where a placeholder row to lock FOR
          // UPDATE cost an insert and a delete per request. A hash collision between two pairs only
          // makes them wait for each other.
          await tx`select pg_advisory_xact_lock(hashtextextended(${extensionLockKey(room, extension)}, 0))`;
          const [row] = await tx<{ state: string }[]>`
            select state from ${extensionState} where room = ${room} and extension = ${extension}`;
          // '' is the placeholder older servers locked on: nothing held.
          const before = row && row.state !== '' ? row.state : null;
          const { state, result } = fn(before);
          checkStateSize(state);
          if (state === null) {
            if (row) await tx`delete from ${extensionState} where room = ${room} and extension = ${extension}`;
          } else if (!row) await tx`insert into ${extensionState} (room, extension, state) values (${room}, ${extension}, ${state})`;
          else if (state !== before) await tx`update ${extensionState} set state = ${state} where room = ${room} and extension = ${extension}`;
          return { result };
        }).then((done) => done.result)
      ),
    readExtensionState: (room, extension) =>
      run('readExtensionState', async () => {
        const [row] = await sql<{ state: string }[]>`select state from ${extensionState} where room = ${room} and extension = ${extension}`;
        return row && row.state !== '' ? row.state : null;
      }),
    clientOwners: (room) =>
      run('clientOwners', async () => {
        const rows = await sql<{ client_id: string; owner: string }[]>`select client_id, owner from ${owners} where room = ${room}`;
        return new Map(rows.map((r) => [Number(r.client_id), r.owner]));
      }),

    async close() {
      if (guard.close()) await sql.end({ timeout: 5 });
    }
  };
}
