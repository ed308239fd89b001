/**
 * SQLite backend (better-sqlite3). One connection per store; better-sqlite3 is synchronous, so each
 * method runs to completion inside one event-loop turn and needs no locking of its own.
 *
 * Durability, chosen by the operator (DURABILITY):
 * - 'process' (default): WAL with synchronous = NORMAL. A resolved `append` is in the WAL file (the
 *   kernel has it), so it survives the server process dying at any moment, kill -9 included; an
 *   operating-system crash or power loss may lose the last commits. Measured here: ~0.03 ms per
 *   commit.
 * - 'power': WAL with synchronous = FULL fsyncs the WAL on every commit, so a resolved `append`
 *   also survives power loss. Measured here: ~0.45 ms per commit, paid before each fan-out.
 */
export type Durability = 'process' | 'power';

import { checkStateSize, type StateChange } from './extension-state.ts';
import Database from 'better-sqlite3';
import { StoreGuard, toStoreError } from './guard.ts';
import { SQLITE_API_KEYS, sqliteApiKeys } from './api-key-sqlite.ts';
import { SQLITE_WEBHOOKS, sqliteWebhooks } from './webhook-sqlite.ts';
import { planPrune, type CheckpointMeta } from './retention.ts';
import { useRefusal, type AuditEntry, type Invitation, type Person, type PlenaryStore, type Session } from './access-store.ts';
import {
  isEmptyUpdate,
  StoreError,
  type ActivityRow,
  type Checkpoint,
  type HistoryIndex,
  type LoadedRoom,
  type NewVersion,
  type Version,
  type NewUpdate,
  type RoomInfo,
  type StoredUpdate
} from './store.ts';

/**
 * Schema steps; PRAGMA user_version holds how many have run. Append new steps, never edit old ones.
 * STRICT tables make SQLite reject a wrongly typed value instead of storing it, so `data` always
 * reads back as bytes.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE updates (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     room TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     author TEXT NOT NULL,
     data BLOB NOT NULL
   ) STRICT;
   CREATE INDEX updates_room_id ON updates (room, id);
   CREATE TABLE checkpoints (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     room TEXT NOT NULL,
     upto_id INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     data BLOB NOT NULL
   ) STRICT;
   CREATE INDEX checkpoints_room_id ON checkpoints (room, id);
   CREATE TABLE rooms (
     room TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL
   ) STRICT;`,
  // People and access (issue 11): the registry, and who owns each Yjs client id of a room.
  `CREATE TABLE invitations (
     id TEXT PRIMARY KEY,
     code_hash TEXT NOT NULL UNIQUE,
     plan TEXT NOT NULL,
     scope TEXT NOT NULL,
     role TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     session_until INTEGER,
     max_uses INTEGER,
     uses INTEGER NOT NULL DEFAULT 0,
     member_id TEXT,
     label TEXT NOT NULL,
     require_sign_in INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   ) STRICT;
   CREATE INDEX invitations_plan ON invitations (plan, created_at);
   CREATE TABLE people (
     id TEXT PRIMARY KEY,
     plan TEXT NOT NULL,
     name TEXT NOT NULL,
     member_id TEXT,
     role TEXT NOT NULL,
     invitation_id TEXT,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     revoked_at INTEGER,
     subject TEXT
   ) STRICT;
   CREATE INDEX people_plan ON people (plan, created_at);
   CREATE INDEX people_invitation ON people (invitation_id);
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     person_id TEXT NOT NULL,
     plan TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER
   ) STRICT;
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     plan TEXT NOT NULL,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     actor_name TEXT NOT NULL,
     action TEXT NOT NULL,
     subject TEXT NOT NULL,
     detail TEXT NOT NULL
   ) STRICT;
   CREATE INDEX audit_plan ON audit (plan, at);
   CREATE TABLE client_owners (
     room TEXT NOT NULL,
     client_id INTEGER NOT NULL,
     owner TEXT NOT NULL,
     PRIMARY KEY (room, client_id)
   ) STRICT;`,
  // Time travel (issue 14): entries by receive time (covering for activity counts), named versions.
  `CREATE INDEX updates_room_time ON updates (room, received_at, author);
   CREATE TABLE versions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     room TEXT NOT NULL,
     name TEXT NOT NULL,
     at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX versions_room_at ON versions (room, at);`,
  // One live person per sign-in identity and plan (two servers signing one identity in at once
  // raced to two people). Duplicates the race made before are revoked, the oldest kept: its
  // owner's next sign-in lands on it.
  `UPDATE people SET revoked_at = created_at
     WHERE subject IS NOT NULL AND revoked_at IS NULL AND EXISTS (
       SELECT 1 FROM people o WHERE o.plan = people.plan AND o.subject = people.subject AND o.revoked_at IS NULL
         AND (o.created_at < people.created_at OR (o.created_at = people.created_at AND o.id < people.id)));
   CREATE UNIQUE INDEX people_live_subject ON people (plan, subject) WHERE subject IS NOT NULL AND revoked_at IS NULL;`,
  // Extension state (issue 12, extension-state.ts): held votes and drafts survive a restart.
  `CREATE TABLE extension_state (
     room TEXT NOT NULL,
     extension TEXT NOT NULL,
     state TEXT NOT NULL,
     PRIMARY KEY (room, extension)
   ) STRICT;`,
  // REST API and webhooks (issue 16): API keys, by the SHA-256 of their secret.
  SQLITE_API_KEYS,
  // Outgoing webhooks (issue 16): subscriptions and the delivery log.
  SQLITE_WEBHOOKS
];

/** Runs pending steps under a write lock, so two processes opening a new file cannot both migrate. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new StoreError(
        'backend',
        `sqlite schema version ${version} is newer than this build supports (${MIGRATIONS.length})`
      );
    }
    for (const step of MIGRATIONS.slice(version)) db.exec(step);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

const CHECKPOINT_COLUMNS = 'id, room, upto_id AS uptoId, created_at AS createdAt, data';
const UPDATE_COLUMNS = 'id, room, received_at AS receivedAt, author, data';
const ROOM_COLUMNS = 'room, kind, created_at AS createdAt, created_by AS createdBy';
const INVITATION_COLUMNS = `id, plan, scope, role, expires_at AS expiresAt, session_until AS sessionUntil, max_uses AS maxUses, uses,
  member_id AS memberId, label, require_sign_in AS requireSignIn, created_by AS createdBy, created_at AS createdAt,
  revoked_at AS revokedAt`;
const PERSON_COLUMNS = `id, plan, name, member_id AS memberId, role, invitation_id AS invitationId, created_at AS createdAt,
  last_seen_at AS lastSeenAt, revoked_at AS revokedAt, subject`;

type InvitationRow = Omit<Invitation, 'requireSignIn'> & { requireSignIn: number };
const toInvitation = (r: InvitationRow): Invitation => ({ ...r, requireSignIn: r.requireSignIn === 1 });

function prepareStatements(db: Database.Database) {
  return {
    insertUpdate: db.prepare<[string, number, string, Uint8Array]>(
      'INSERT INTO updates (room, received_at, author, data) VALUES (?, ?, ?, ?)'
    ),
    updatesAfter: db.prepare<[string, number], StoredUpdate>(
      `SELECT ${UPDATE_COLUMNS} FROM updates WHERE room = ? AND id > ? ORDER BY id`
    ),
    newestCheckpoint: db.prepare<[string], Checkpoint>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE room = ? ORDER BY id DESC LIMIT 1`
    ),
    oldestCheckpoint: db.prepare<[string], Checkpoint>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE room = ? ORDER BY id LIMIT 1`
    ),
    checkpointMetas: db.prepare<[string], CheckpointMeta>(
      'SELECT id, upto_id AS uptoId, created_at AS createdAt FROM checkpoints WHERE room = ?'
    ),
    // The id is picked first: sorting whole rows would read every candidate's data (MBs each).
    checkpointAt: db.prepare<[string, number], Checkpoint>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE id =
         (SELECT id FROM checkpoints WHERE room = ? AND created_at <= ? ORDER BY created_at DESC, id DESC LIMIT 1)`
    ),
    updatesBetween: db.prepare<[string, number, number], StoredUpdate>(
      `SELECT ${UPDATE_COLUMNS} FROM updates WHERE room = ? AND id > ? AND received_at <= ? ORDER BY id`
    ),
    entriesReceived: db.prepare<[string, number, number], StoredUpdate>(
      `SELECT ${UPDATE_COLUMNS} FROM updates WHERE room = ? AND received_at > ? AND received_at <= ? ORDER BY id`
    ),
    checkpointIndex: db.prepare<[string], CheckpointMeta>(
      'SELECT id, upto_id AS uptoId, created_at AS createdAt FROM checkpoints WHERE room = ? ORDER BY id'
    ),
    firstEntry: db.prepare<[string], { id: number; receivedAt: number }>(
      'SELECT id, received_at AS receivedAt FROM updates WHERE room = ? ORDER BY id LIMIT 1'
    ),
    activity: db.prepare<{ room: string; bucket: number }, ActivityRow>(
      // better-sqlite3 binds a JS number as REAL: cast, or the division is not an integer one.
      `SELECT (received_at / CAST(@bucket AS INTEGER)) * CAST(@bucket AS INTEGER) AS start, author, count(*) AS count FROM updates
        WHERE room = @room GROUP BY start, author ORDER BY start, author`
    ),
    insertVersion: db.prepare<NewVersion>(
      'INSERT INTO versions (room, name, at, created_by, created_at) VALUES (@room, @name, @at, @createdBy, @createdAt)'
    ),
    versionsOf: db.prepare<[string], Version>(
      'SELECT id, room, name, at, created_by AS createdBy, created_at AS createdAt FROM versions WHERE room = ? ORDER BY at, id'
    ),
    insertCheckpoint: db.prepare<[string, number, number, Uint8Array]>(
      'INSERT INTO checkpoints (room, upto_id, created_at, data) VALUES (?, ?, ?, ?)'
    ),
    // is_empty_update is isEmptyUpdate registered below, so the rule has one definition.
    hasContent: db
      .prepare<{ room: string }, number>(
        `SELECT EXISTS (SELECT 1 FROM updates WHERE room = @room)
             OR EXISTS (SELECT 1 FROM checkpoints WHERE room = @room AND NOT is_empty_update(data))`
      )
      .pluck(),
    logStats: db.prepare<{ room: string }, { entries: number; bytes: number }>(
      `SELECT count(*) AS entries, coalesce(sum(length(data)), 0) AS bytes FROM updates
        WHERE room = @room
          AND id > coalesce((SELECT upto_id FROM checkpoints WHERE room = @room ORDER BY id DESC LIMIT 1), 0)`
    ),
    deleteUpdates: db.prepare<{ room: string; uptoId: number; olderThan: number }>(
      'DELETE FROM updates WHERE room = @room AND id <= @uptoId AND received_at < @olderThan'
    ),
    deleteCheckpoint: db.prepare<{ room: string; id: number }>('DELETE FROM checkpoints WHERE room = @room AND id = @id'),
    insertRoom: db.prepare<RoomInfo>(
      `INSERT INTO rooms (room, kind, created_at, created_by) VALUES (@room, @kind, @createdAt, @createdBy)
       ON CONFLICT (room) DO NOTHING`
    ),
    getRoom: db.prepare<[string], RoomInfo>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE room = ?`),
    listRooms: db.prepare<[], RoomInfo>(`SELECT ${ROOM_COLUMNS} FROM rooms ORDER BY created_at, room`),
    claimClient: db.prepare<[string, number, string]>(
      'INSERT INTO client_owners (room, client_id, owner) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
    ),
    ownerOf: db.prepare<[string, number], { owner: string }>('SELECT owner FROM client_owners WHERE room = ? AND client_id = ?'),
    extensionState: db.prepare<[string, string], string>('SELECT state FROM extension_state WHERE room = ? AND extension = ?').pluck(),
    putExtensionState: db.prepare<[string, string, string]>(
      'INSERT INTO extension_state (room, extension, state) VALUES (?, ?, ?) ON CONFLICT (room, extension) DO UPDATE SET state = excluded.state'
    ),
    dropExtensionState: db.prepare<[string, string]>('DELETE FROM extension_state WHERE room = ? AND extension = ?'),
    clientOwners: db.prepare<[string], { client: number; owner: string }>(
      'SELECT client_id AS client, owner FROM client_owners WHERE room = ?'
    ),
    insertInvitation: db.prepare(
      `INSERT INTO invitations (id, code_hash, plan, scope, role, expires_at, session_until, max_uses, member_id, label,
         require_sign_in, created_by, created_at)
       VALUES (@id, @codeHash, @plan, @scope, @role, @expiresAt, @sessionUntil, @maxUses, @memberId, @label,
         @requireSignIn, @createdBy, @createdAt)`
    ),
    invitationById: db.prepare<[string], InvitationRow>(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE id = ?`),
    invitationByHash: db.prepare<[string], InvitationRow>(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE code_hash = ?`),
    invitationsOf: db.prepare<[string], InvitationRow>(
      `SELECT ${INVITATION_COLUMNS} FROM invitations WHERE plan = ? ORDER BY created_at DESC, id DESC`
    ),
    useInvitation: db.prepare<[string]>('UPDATE invitations SET uses = uses + 1 WHERE id = ?'),
    revokeInvitation: db.prepare<[number, string]>('UPDATE invitations SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    peopleOfInvitation: db
      .prepare<[string], string>('SELECT id FROM people WHERE invitation_id = ? AND revoked_at IS NULL ORDER BY created_at, id')
      .pluck(),
    revokePeopleOfInvitation: db.prepare<[number, string]>(
      'UPDATE people SET revoked_at = ? WHERE invitation_id = ? AND revoked_at IS NULL'
    ),
    insertPerson: db.prepare<Person>(
      `INSERT INTO people (id, plan, name, member_id, role, invitation_id, created_at, last_seen_at, revoked_at, subject)
       VALUES (@id, @plan, @name, @memberId, @role, @invitationId, @createdAt, @lastSeenAt, @revokedAt, @subject)`
    ),
    personById: db.prepare<[string], Person>(`SELECT ${PERSON_COLUMNS} FROM people WHERE id = ?`),
    peopleOf: db.prepare<[string], Person>(`SELECT ${PERSON_COLUMNS} FROM people WHERE plan = ? ORDER BY created_at, id`),
    // Narrowed by the people_plan index; a plan has at most thousands of people.
    peopleBySubject: db.prepare<[string, string], Person>(`SELECT ${PERSON_COLUMNS} FROM people WHERE plan = ? AND subject = ? ORDER BY created_at, id`),
    updatePerson: db.prepare<{ id: string; role: string | null; name: string | null; lastSeenAt: number | null; revokedAt: number | null }>(
      `UPDATE people SET role = coalesce(@role, role), name = coalesce(@name, name),
         last_seen_at = max(last_seen_at, coalesce(@lastSeenAt, last_seen_at)),
         revoked_at = coalesce(revoked_at, @revokedAt)
       WHERE id = @id`
    ),
    insertSession: db.prepare<Session>(
      `INSERT INTO sessions (id, person_id, plan, created_at, expires_at, revoked_at)
       VALUES (@id, @personId, @plan, @createdAt, @expiresAt, @revokedAt)`
    ),
    touchPerson: db.prepare<[number, string]>('UPDATE people SET last_seen_at = max(last_seen_at, ?) WHERE id = ?'),
    revokeSession: db.prepare<[number, string]>('UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    sessionById: db.prepare<[string], Session>(
      'SELECT id, person_id AS personId, plan, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt FROM sessions WHERE id = ?'
    ),
    insertAudit: db.prepare<[string, number, string, string, string, string, string]>(
      'INSERT INTO audit (plan, at, actor, actor_name, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?, ?)'
    ),
    auditOf: db.prepare<[string, number], Omit<AuditEntry, 'detail'> & { detail: string }>(
      `SELECT id, plan, at, actor, actor_name AS actorName, action, subject, detail FROM audit
        WHERE plan = ? ORDER BY at DESC, id DESC LIMIT ?`
    )
  };
}

const nullable = <R, T>(row: R | undefined, to: (r: R) => T): T | null => (row === undefined ? null : to(row));

function openDatabase(file: string, durability: Durability): Database.Database {
  // `timeout` is SQLite's busy_timeout: wait for another process's write lock instead of failing.
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(durability === 'power' ? 'synchronous = FULL' : 'synchronous = NORMAL');
    db.function('is_empty_update', { deterministic: true }, (data: unknown) =>
      data instanceof Uint8Array && isEmptyUpdate(data) ? 1 : 0
    );
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function openSqliteStore(file: string, durability: Durability = 'process'): PlenaryStore {
  let db: Database.Database;
  let stmt: ReturnType<typeof prepareStatements>;
  try {
    db = openDatabase(file, durability);
    stmt = prepareStatements(db);
  } catch (err) {
    throw toStoreError(err, `sqlite open ${file}`);
  }
  const guard = new StoreGuard('sqlite');

  // Both reads of a load see one snapshot, even if another process writes in between.
  const loadFrom = (room: string, checkpoint: Checkpoint | undefined, after = checkpoint?.uptoId ?? 0): LoadedRoom => ({
    checkpoint: checkpoint ?? null,
    updates: stmt.updatesAfter.all(room, after)
  });
  const load = db.transaction((room: string) => loadFrom(room, stmt.newestCheckpoint.get(room)));
  const loadHistory = db.transaction((room: string) => loadFrom(room, stmt.oldestCheckpoint.get(room), 0));

  const append = db.transaction((batch: readonly NewUpdate[]) =>
    batch.map((u) => {
      for (const client of u.clients ?? []) stmt.claimClient.run(u.room, client, u.author);
      return Number(stmt.insertUpdate.run(u.room, u.receivedAt, u.author, u.data).lastInsertRowid);
    })
  );

  const claimClients = db.transaction((room: string, owner: string, clients: readonly number[]) =>
    new Map(
      clients.map((client) => {
        stmt.claimClient.run(room, client, owner);
        return [client, stmt.ownerOf.get(room, client)!.owner] as const;
      })
    )
  );

  const useInvitation = db.transaction((id: string, now: number) => {
    const row = stmt.invitationById.get(id);
    const refusal = useRefusal(row ? toInvitation(row) : null, now);
    if (refusal) return refusal;
    stmt.useInvitation.run(id);
    return toInvitation(stmt.invitationById.get(id)!);
  });

  const revokeInvitation = db.transaction((id: string, at: number) => {
    if (!stmt.revokeInvitation.run(at, id).changes) return [];
    const ids = stmt.peopleOfInvitation.all(id);
    stmt.revokePeopleOfInvitation.run(at, id);
    return ids;
  });

  const updatePerson = db.transaction((id: string, patch: import('./access-store.ts').PersonPatch) => {
    stmt.updatePerson.run({
      id,
      role: patch.role ?? null,
      name: patch.name ?? null,
      lastSeenAt: patch.lastSeenAt ?? null,
      revokedAt: patch.revokedAt ?? null
    });
    return stmt.personById.get(id) ?? null;
  });

  const touchPeople = db.transaction((ids: readonly string[], at: number) => {
    for (const id of ids) stmt.touchPerson.run(at, id);
  });

  const withExtensionState = db.transaction(<T>(room: string, extension: string, fn: (state: string | null) => StateChange<T>): T => {
    const before = stmt.extensionState.get(room, extension) ?? null;
    const { state, result } = fn(before);
    checkStateSize(state);
    if (state === null) {
      if (before !== null) stmt.dropExtensionState.run(room, extension);
    } else if (state !== before) stmt.putExtensionState.run(room, extension, state);
    return result;
  });
  const checkpoint = db.transaction((room: string, data: Uint8Array, uptoId: number, createdAt: number) => {
    if (isEmptyUpdate(data) && stmt.hasContent.get({ room })) {
      throw new StoreError('emptyOverNonEmpty', `refusing an empty checkpoint over room ${room}`);
    }
    const id = Number(stmt.insertCheckpoint.run(room, uptoId, createdAt, data).lastInsertRowid);
    return { id, room, data, uptoId, createdAt } satisfies Checkpoint;
  });

  const prune = db.transaction((room: string, olderThan: number, now: number | undefined) => {
    const plan = planPrune(stmt.checkpointMetas.all(room), olderThan, now);
    if (!plan) return 0;
    const deleted = stmt.deleteUpdates.run({ room, uptoId: plan.entriesUpToId, olderThan }).changes;
    for (const id of plan.checkpointIds) stmt.deleteCheckpoint.run({ room, id });
    return deleted;
  });

  const historyIndex = db.transaction((room: string): HistoryIndex => ({
    checkpoints: stmt.checkpointIndex.all(room),
    firstEntry: stmt.firstEntry.get(room) ?? null
  }));
  const loadAt = db.transaction((room: string, at: number): LoadedRoom => {
    const checkpoint = stmt.checkpointAt.get(room, at) ?? null;
    return { checkpoint, updates: stmt.updatesBetween.all(room, checkpoint?.uptoId ?? 0, at) };
  });

  return {
    ...sqliteApiKeys(db, guard),
    ...sqliteWebhooks(db, guard),
    name: 'sqlite',
    load: (room) => guard.run('load', () => load(room)),
    loadHistory: (room) => guard.run('loadHistory', () => loadHistory(room)),
    append: (batch) => guard.run('append', () => (batch.length ? append.immediate(batch) : [])),
    // IMMEDIATE takes the write lock before the emptiness check, so no writer slips in between.
    checkpoint: (room, data, uptoId, createdAt) =>
      guard.run('checkpoint', () => checkpoint.immediate(room, data, uptoId, createdAt)),
    logStats: (room) => guard.run('logStats', () => stmt.logStats.get({ room })!),
    prune: (room, olderThan, now) => guard.run('prune', () => prune.immediate(room, olderThan, now)),
    historyIndex: (room) => guard.run('historyIndex', () => historyIndex(room)),
    loadAt: (room, at) => guard.run('loadAt', () => loadAt(room, at)),
    entriesReceived: (room, after, until) => guard.run('entriesReceived', () => stmt.entriesReceived.all(room, after, until)),
    activity: (room, bucketMs) => guard.run('activity', () => stmt.activity.all({ room, bucket: Math.max(1, Math.trunc(bucketMs)) })),
    addVersion: (v) =>
      guard.run('addVersion', () => ({ ...v, id: Number(stmt.insertVersion.run(v).lastInsertRowid) })),
    listVersions: (room) => guard.run('listVersions', () => stmt.versionsOf.all(room)),
    registerRoom: (info) =>
      guard.run('registerRoom', () => {
        stmt.insertRoom.run({
          room: info.room,
          kind: info.kind,
          createdAt: info.createdAt,
          createdBy: info.createdBy
        });
      }),
    getRoom: (room) => guard.run('getRoom', () => stmt.getRoom.get(room) ?? null),
    listRooms: () => guard.run('listRooms', () => stmt.listRooms.all()),

    createInvitation: (inv) =>
      guard.run('createInvitation', () => {
        stmt.insertInvitation.run({ ...inv, requireSignIn: inv.requireSignIn ? 1 : 0 });
        return toInvitation(stmt.invitationById.get(inv.id)!);
      }),
    getInvitation: (id) => guard.run('getInvitation', () => nullable(stmt.invitationById.get(id), toInvitation)),
    invitationByCodeHash: (hash) => guard.run('invitationByCodeHash', () => nullable(stmt.invitationByHash.get(hash), toInvitation)),
    listInvitations: (plan) => guard.run('listInvitations', () => stmt.invitationsOf.all(plan).map(toInvitation)),
    useInvitation: (id, now) => guard.run('useInvitation', () => useInvitation.immediate(id, now)),
    revokeInvitation: (id, at) => guard.run('revokeInvitation', () => revokeInvitation.immediate(id, at)),
    createPerson: (person) =>
      guard.run('createPerson', () => {
        try {
          stmt.insertPerson.run(person);
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && person.subject !== null) throw new StoreError('conflict', 'a live person of this plan has this sign-in subject', { cause: err });
          throw err;
        }
      }),
    getPerson: (id) => guard.run('getPerson', () => stmt.personById.get(id) ?? null),
    listPeople: (plan) => guard.run('listPeople', () => stmt.peopleOf.all(plan)),
    peopleBySubject: (plan, subject) => guard.run('peopleBySubject', () => stmt.peopleBySubject.all(plan, subject)),
    updatePerson: (id, patch) => guard.run('updatePerson', () => updatePerson.immediate(id, patch)),
    createSession: (session) => guard.run('createSession', () => void stmt.insertSession.run(session)),
    getSession: (id) => guard.run('getSession', () => stmt.sessionById.get(id) ?? null),
    touchPeople: (ids, at) => guard.run('touchPeople', () => (ids.length ? touchPeople.immediate(ids, at) : undefined)),
    revokeSession: (id, at) =>
      guard.run('revokeSession', () => {
        stmt.revokeSession.run(at, id);
        return stmt.sessionById.get(id) ?? null;
      }),
    addAudit: (e) =>
      guard.run('addAudit', () => void stmt.insertAudit.run(e.plan, e.at, e.actor, e.actorName, e.action, e.subject, JSON.stringify(e.detail))),
    listAudit: (plan, limit) =>
      guard.run('listAudit', () => stmt.auditOf.all(plan, limit).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }))),
    clientOwners: (room) => guard.run('clientOwners', () => new Map(stmt.clientOwners.all(room).map((r) => [r.client, r.owner]))),
    claimClients: (room, owner, clients) => guard.run('claimClients', () => claimClients(room, owner, clients)),
    // IMMEDIATE takes the write lock before the read, so another process on the file waits.
    withExtensionState: (room, extension, fn) => guard.run('withExtensionState', () => withExtensionState.immediate(room, extension, fn) as ReturnType<typeof fn>['result']),
    readExtensionState: (room, extension) => guard.run('readExtensionState', () => stmt.extensionState.get(room, extension) ?? null),

    async close() {
      if (guard.close()) db.close();
    }
  };
}
