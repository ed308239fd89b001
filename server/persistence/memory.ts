/**
 * In-process store for tests. It behaves like the database backends where it matters: bytes are
 * copied in and out (no aliasing with the caller's buffers), a batch is validated before anything
 * is written (all or nothing), and ids are shared by all rooms.
 */
import { checkStateSize } from './extension-state.ts';
import { planPrune } from './retention.ts';
import { useRefusal, type AuditEntry, type Invitation, type Person, type PlenaryStore, type Session } from './access-store.ts';
import { StoreGuard } from './guard.ts';
import { memoryApiKeys } from './api-key-memory.ts';
import { memoryWebhooks } from './webhook-memory.ts';
import {
  isEmptyUpdate,
  StoreError,
  type ActivityRow,
  type Checkpoint,
  type LoadedRoom,
  type Version,
  type NewUpdate,
  type RoomInfo,
  type StoredUpdate
} from './store.ts';

type RoomLog = { updates: StoredUpdate[]; checkpoints: Checkpoint[] };

const copyUpdate = (u: StoredUpdate): StoredUpdate => ({ ...u, data: u.data.slice() });
const copyCheckpoint = (c: Checkpoint): Checkpoint => ({ ...c, data: c.data.slice() });

/** What a database's NOT NULL and column types would reject. */
function checkUpdate(u: NewUpdate, index: number): void {
  const ok =
    u != null &&
    typeof u.room === 'string' &&
    typeof u.author === 'string' &&
    Number.isFinite(u.receivedAt) &&
    u.data instanceof Uint8Array;
  if (!ok) throw new StoreError('backend', `memory append: invalid update at index ${index}`);
}

export function createMemoryStore(): PlenaryStore {
  const guard = new StoreGuard('memory');
  const logs = new Map<string, RoomLog>();
  const rooms = new Map<string, RoomInfo>();
  let nextUpdateId = 1;
  let nextCheckpointId = 1;
  const invitations = new Map<string, Invitation & { codeHash: string }>();
  const people = new Map<string, Person>();
  const sessions = new Map<string, Session>();
  const audit: AuditEntry[] = [];
  const owners = new Map<string, Map<number, string>>();
  let nextAuditId = 1;
  const versions: Version[] = [];
  let nextVersionId = 1;
  const extensionStates = new Map<string, string>();
  const { clearApiKeys, ...apiKeys } = memoryApiKeys(guard);
  const { clearWebhooks, ...webhooks } = memoryWebhooks(guard);
  const publicInvitation = ({ codeHash: _hash, ...inv }: Invitation & { codeHash: string }): Invitation => ({ ...inv });

  const logOf = (room: string): RoomLog => {
    let log = logs.get(room);
    if (!log) logs.set(room, (log = { updates: [], checkpoints: [] }));
    return log;
  };
  const newestCheckpoint = (log: RoomLog | undefined): Checkpoint | null =>
    log?.checkpoints.at(-1) ?? null; // checkpoints are kept in id order

  const loaded = (checkpoint: Checkpoint | null, updates: StoredUpdate[], after = checkpoint?.uptoId ?? 0): LoadedRoom => ({
    checkpoint: checkpoint && copyCheckpoint(checkpoint),
    updates: updates.filter((u) => u.id > after).map(copyUpdate)
  });

  return {
    ...apiKeys,
    ...webhooks,
    name: 'memory',

    load: (room) =>
      guard.run('load', () => {
        const log = logs.get(room);
        return loaded(newestCheckpoint(log), log?.updates ?? []);
      }),

    loadHistory: (room) =>
      guard.run('loadHistory', () => {
        const log = logs.get(room);
        return loaded(log?.checkpoints[0] ?? null, log?.updates ?? [], 0);
      }),

    append: (batch) =>
      guard.run('append', () => {
        batch.forEach(checkUpdate);
        for (const u of batch) {
          if (!u.clients?.length) continue;
          let room = owners.get(u.room);
          if (!room) owners.set(u.room, (room = new Map()));
          for (const client of u.clients) if (!room.has(client)) room.set(client, u.author);
        }
        return batch.map((u) => {
          const id = nextUpdateId++;
          logOf(u.room).updates.push({
            id,
            room: u.room,
            receivedAt: u.receivedAt,
            author: u.author,
            data: u.data.slice()
          });
          return id;
        });
      }),

    checkpoint: (room, data, uptoId, createdAt) =>
      guard.run('checkpoint', () => {
        const log = logs.get(room);
        const hasContent =
          !!log && (log.updates.length > 0 || log.checkpoints.some((c) => !isEmptyUpdate(c.data)));
        if (isEmptyUpdate(data) && hasContent) {
          throw new StoreError('emptyOverNonEmpty', `refusing an empty checkpoint over room ${room}`);
        }
        const cp: Checkpoint = { id: nextCheckpointId++, room, data: data.slice(), uptoId, createdAt };
        logOf(room).checkpoints.push(cp);
        return copyCheckpoint(cp);
      }),

    logStats: (room) =>
      guard.run('logStats', () => {
        const log = logs.get(room);
        const after = newestCheckpoint(log)?.uptoId ?? 0;
        let entries = 0;
        let bytes = 0;
        for (const u of log?.updates ?? []) {
          if (u.id <= after) continue;
          entries++;
          bytes += u.data.byteLength;
        }
        return { entries, bytes };
      }),

    prune: (room, olderThan, now) =>
      guard.run('prune', () => {
        const log = logs.get(room);
        const plan = log && planPrune(log.checkpoints, olderThan, now);
        if (!log || !plan) return 0;
        const before = log.updates.length;
        log.updates = log.updates.filter((u) => !(u.id <= plan.entriesUpToId && u.receivedAt < olderThan));
        const dropped = new Set(plan.checkpointIds);
        log.checkpoints = log.checkpoints.filter((c) => !dropped.has(c.id));
        return before - log.updates.length;
      }),

    historyIndex: (room) =>
      guard.run('historyIndex', () => {
        const log = logs.get(room);
        const first = log?.updates[0];
        return {
          checkpoints: (log?.checkpoints ?? []).map(({ id, uptoId, createdAt }) => ({ id, uptoId, createdAt })),
          firstEntry: first ? { id: first.id, receivedAt: first.receivedAt } : null
        };
      }),

    loadAt: (room, at) =>
      guard.run('loadAt', () => {
        const log = logs.get(room);
        let checkpoint: Checkpoint | null = null;
        for (const c of log?.checkpoints ?? []) {
          if (c.createdAt <= at && (!checkpoint || c.createdAt >= checkpoint.createdAt)) checkpoint = c;
        }
        return loaded(checkpoint, (log?.updates ?? []).filter((u) => u.receivedAt <= at));
      }),

    entriesReceived: (room, after, until) =>
      guard.run('entriesReceived', () =>
        (logs.get(room)?.updates ?? []).filter((u) => u.receivedAt > after && u.receivedAt <= until).map(copyUpdate)
      ),

    activity: (room, bucketMs) =>
      guard.run('activity', () => {
        const bucket = Math.max(1, Math.trunc(bucketMs));
        const counts = new Map<string, ActivityRow>();
        for (const u of logs.get(room)?.updates ?? []) {
          const start = Math.floor(u.receivedAt / bucket) * bucket;
          const key = `${start}\u0000${u.author}`;
          const row = counts.get(key);
          if (row) row.count++;
          else counts.set(key, { start, author: u.author, count: 1 });
        }
        return [...counts.values()].sort((a, b) => a.start - b.start || (a.author < b.author ? -1 : a.author > b.author ? 1 : 0));
      }),

    addVersion: (v) =>
      guard.run('addVersion', () => {
        const version: Version = { ...v, id: nextVersionId++ };
        versions.push(version);
        return { ...version };
      }),

    listVersions: (room) =>
      guard.run('listVersions', () => versions.filter((v) => v.room === room).sort((a, b) => a.at - b.at || a.id - b.id).map((v) => ({ ...v }))),

    registerRoom: (info) =>
      guard.run('registerRoom', () => {
        // First registration wins, as with the databases' ON CONFLICT DO NOTHING.
        if (!rooms.has(info.room)) rooms.set(info.room, { ...info });
      }),

    getRoom: (room) =>
      guard.run('getRoom', () => {
        const info = rooms.get(room);
        return info ? { ...info } : null;
      }),

    listRooms: () =>
      guard.run('listRooms', () => [...rooms.values()].map((r) => ({ ...r })).sort(compareRooms)),

    createInvitation: (inv) =>
      guard.run('createInvitation', () => {
        const row = { ...inv, uses: 0, revokedAt: null };
        invitations.set(inv.id, row);
        return publicInvitation(row);
      }),
    getInvitation: (id) =>
      guard.run('getInvitation', () => {
        const row = invitations.get(id);
        return row ? publicInvitation(row) : null;
      }),
    invitationByCodeHash: (codeHash) =>
      guard.run('invitationByCodeHash', () => {
        const row = [...invitations.values()].find((i) => i.codeHash === codeHash);
        return row ? publicInvitation(row) : null;
      }),
    listInvitations: (plan) =>
      guard.run('listInvitations', () =>
        [...invitations.values()].filter((i) => i.plan === plan).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map(publicInvitation)
      ),
    useInvitation: (id, now) =>
      guard.run('useInvitation', () => {
        const row = invitations.get(id) ?? null;
        const refusal = useRefusal(row, now);
        if (refusal) return refusal;
        row!.uses++;
        return publicInvitation(row!);
      }),
    revokeInvitation: (id, at) =>
      guard.run('revokeInvitation', () => {
        const row = invitations.get(id);
        if (!row) return [];
        if (row.revokedAt === null) row.revokedAt = at;
        const revoked: string[] = [];
        for (const p of people.values()) {
          if (p.invitationId !== id || p.revokedAt !== null) continue;
          p.revokedAt = at;
          revoked.push(p.id);
        }
        return revoked;
      }),
    createPerson: (person) =>
      guard.run('createPerson', () => {
        if (people.has(person.id)) throw new StoreError('backend', `person exists: ${person.id}`);
        if (person.subject !== null && person.revokedAt === null) {
          for (const p of people.values()) {
            if (p.plan === person.plan && p.subject === person.subject && p.revokedAt === null) throw new StoreError('conflict', 'a live person of this plan has this sign-in subject');
          }
        }
        people.set(person.id, { ...person });
      }),
    getPerson: (id) =>
      guard.run('getPerson', () => {
        const p = people.get(id);
        return p ? { ...p } : null;
      }),
    listPeople: (plan) =>
      guard.run('listPeople', () =>
        [...people.values()].filter((p) => p.plan === plan).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((p) => ({ ...p }))
      ),
    peopleBySubject: (plan, subject) =>
      guard.run('peopleBySubject', () =>
        [...people.values()].filter((p) => p.plan === plan && p.subject === subject).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((p) => ({ ...p }))
      ),
    updatePerson: (id, patch) =>
      guard.run('updatePerson', () => {
        const p = people.get(id);
        if (!p) return null;
        if (patch.role !== undefined) p.role = patch.role;
        if (patch.name !== undefined) p.name = patch.name;
        if (patch.lastSeenAt !== undefined) p.lastSeenAt = Math.max(p.lastSeenAt, patch.lastSeenAt);
        if (patch.revokedAt !== undefined && p.revokedAt === null) p.revokedAt = patch.revokedAt;
        return { ...p };
      }),
    touchPeople: (ids, at) =>
      guard.run('touchPeople', () => {
        for (const id of ids) {
          const p = people.get(id);
          if (p) p.lastSeenAt = Math.max(p.lastSeenAt, at);
        }
      }),
    revokeSession: (id, at) =>
      guard.run('revokeSession', () => {
        const s = sessions.get(id);
        if (!s) return null;
        s.revokedAt ??= at;
        return { ...s };
      }),
    createSession: (session) =>
      guard.run('createSession', () => {
        sessions.set(session.id, { ...session });
      }),
    getSession: (id) =>
      guard.run('getSession', () => {
        const s = sessions.get(id);
        return s ? { ...s } : null;
      }),
    addAudit: (entry) =>
      guard.run('addAudit', () => {
        audit.push({ ...entry, detail: structuredClone(entry.detail), id: nextAuditId++ });
      }),
    listAudit: (plan, limit) =>
      guard.run('listAudit', () =>
        audit.filter((e) => e.plan === plan).sort((a, b) => b.at - a.at || b.id - a.id).slice(0, limit).map((e) => ({ ...e, detail: structuredClone(e.detail) }))
      ),
    clientOwners: (room) => guard.run('clientOwners', () => new Map(owners.get(room) ?? [])),
    claimClients: (room, owner, clients) =>
      guard.run('claimClients', () => {
        let held = owners.get(room);
        if (!held) owners.set(room, (held = new Map()));
        for (const client of clients) if (!held.has(client)) held.set(client, owner);
        return new Map(clients.map((client) => [client, held.get(client)!]));
      }),
    withExtensionState: (room, extension, fn) =>
      // One synchronous turn: nothing can run between the read and the write.
      guard.run('withExtensionState', () => {
        const key = JSON.stringify([room, extension]);
        const { state, result } = fn(extensionStates.get(key) ?? null);
        checkStateSize(state);
        if (state === null) extensionStates.delete(key);
        else extensionStates.set(key, state);
        return result;
      }),
    readExtensionState: (room, extension) => guard.run('readExtensionState', () => extensionStates.get(JSON.stringify([room, extension])) ?? null),

    async close() {
      guard.close();
      logs.clear();
      rooms.clear();
      invitations.clear();
      people.clear();
      sessions.clear();
      owners.clear();
      versions.length = 0;
      extensionStates.clear();
      clearApiKeys();
      clearWebhooks();
    }
  };
}

/** listRooms order, the same in every backend: oldest first, ties by name. */
function compareRooms(a: RoomInfo, b: RoomInfo): number {
  return a.createdAt - b.createdAt || (a.room < b.room ? -1 : a.room > b.room ? 1 : 0);
}
