/**
 * Postgres backend (postgres.js). Tables live in one schema, `plenary` unless told otherwise, so
 * tests can use a fresh schema and drop it, and several deployments can share a database.
 *
 * Ids come from bigserial sequences. A sequence value is taken at insert but becomes visible at
 * commit, so two overlapping appends could commit out of id order and a reader (say, a checkpoint
 * covering up to id N) could miss an entry below N that commits later. Appends therefore take a
 * store-wide transaction-scoped advisory lock: id order is commit order, also across servers.
 */
import postgres from 'postgres';
import { StoreGuard, toStoreError } from './guard.ts';
import { planPrune } from './retention.ts';
import {
  isEmptyUpdate,
  StoreError,
  type Checkpoint,
  type DocStore,
  type LoadedRoom,
  type RoomInfo,
  type StoredUpdate
} from './store.ts';

export type PostgresStoreOptions = {
  /** Schema holding the tables, created if missing. A plain lowercase identifier. */
  schema?: string;
  /** Connection pool size. */
  max?: number;
};

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
    );`
];

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

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<DocStore> {
  const schema = options.schema ?? 'plenary';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError('backend', `postgres schema name must be a plain lowercase identifier: ${schema}`);
  }
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  try {
    await migrate(sql, schema);
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw toStoreError(err, 'postgres open');
  }

  const guard = new StoreGuard('postgres');
  const updates = sql(`${schema}.updates`);
  const checkpoints = sql(`${schema}.checkpoints`);
  const rooms = sql(`${schema}.rooms`);
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
    name: 'postgres',

    load: (room) => guard.run('load', () => loadRoom(room, true)),
    loadHistory: (room) => guard.run('loadHistory', () => loadRoom(room, false)),

    append: (batch) =>
      guard.run('append', async () => {
        if (!batch.length) return [];
        return sql.begin(async (tx) => {
          await lockAppends(tx);
          const ids: number[] = [];
          for (let i = 0; i < batch.length; i += INSERT_CHUNK) {
            const rows = batch.slice(i, i + INSERT_CHUNK).map((u) => ({
              room: u.room,
              received_at: u.receivedAt,
              author: u.author,
              data: u.data
            }));
            const got = await tx<{ id: string }[]>`
              insert into ${updates} ${tx(rows, 'room', 'received_at', 'author', 'data')} returning id`;
            // VALUES rows take sequence values in listed order, but RETURNING order is not
            // promised: sorted ids are batch order.
            ids.push(...got.map((r) => Number(r.id)).sort((a, b) => a - b));
          }
          return ids;
        });
      }),

    checkpoint: (room, data, uptoId, createdAt) =>
      guard.run('checkpoint', () =>
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
      guard.run('logStats', async () => {
        const [row] = await sql<{ entries: string; bytes: string }[]>`
          select count(*) as entries, coalesce(sum(octet_length(data)), 0) as bytes from ${updates}
          where room = ${room}
            and id > coalesce((select upto_id from ${checkpoints}
                               where room = ${room} order by id desc limit 1), 0)`;
        return { entries: Number(row.entries), bytes: Number(row.bytes) };
      }),

    prune: (room, olderThan) =>
      guard.run('prune', () =>
        sql.begin(async (tx) => {
          const metas = await tx<{ id: string; upto_id: string; created_at: string }[]>`
            select id, upto_id, created_at from ${checkpoints} where room = ${room} for update`;
          const plan = planPrune(
            metas.map((m) => ({ id: Number(m.id), uptoId: Number(m.upto_id), createdAt: Number(m.created_at) })),
            olderThan
          );
          if (!plan) return 0;
          const deleted = await tx`
            delete from ${updates}
            where room = ${room} and id <= ${plan.entriesUpToId} and received_at < ${olderThan}`;
          await tx`delete from ${checkpoints} where room = ${room} and id < ${plan.checkpointsBelowId}`;
          return deleted.count;
        })
      ),

    registerRoom: (info) =>
      guard.run('registerRoom', async () => {
        // First registration wins: reopening a room must not rewrite who created it and when.
        await sql`
          insert into ${rooms} (room, kind, created_at, created_by)
          values (${info.room}, ${info.kind}, ${info.createdAt}, ${info.createdBy})
          on conflict (room) do nothing`;
      }),

    getRoom: (room) =>
      guard.run('getRoom', async () => {
        const [row] = await sql<RoomRow[]>`
          select room, kind, created_at, created_by from ${rooms} where room = ${room}`;
        return row ? toRoom(row) : null;
      }),

    // collate "C": byte order, the same tie-break as SQLite's and the memory store's.
    listRooms: () =>
      guard.run('listRooms', async () =>
        (
          await sql<RoomRow[]>`
            select room, kind, created_at, created_by from ${rooms} order by created_at, room collate "C"`
        ).map(toRoom)
      ),

    async close() {
      if (guard.close()) await sql.end({ timeout: 5 });
    }
  };
}
