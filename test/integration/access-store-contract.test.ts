/**
 * One contract, three backends: every AccessStore (the registry of invitations, people, sessions,
 * audit entries and Yjs client-id owners) must pass `describeAccessContract`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { NewInvitation, Person, PlenaryStore } from '../../server/persistence/access-store.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';

const NOW = 1_700_000_000_000;

const invitation = (id: string, patch: Partial<NewInvitation> = {}): NewInvitation => ({
  id,
  codeHash: `hash-${id}`,
  plan: 'plan-a',
  scope: 'plan-a/*',
  role: 'editor',
  expiresAt: NOW + 86_400_000,
  sessionUntil: null,
  maxUses: null,
  memberId: null,
  label: '',
  requireSignIn: false,
  createdBy: 'p_admin',
  createdAt: NOW,
  ...patch
});

const person = (id: string, patch: Partial<Person> = {}): Person => ({
  id,
  plan: 'plan-a',
  name: `Name ${id}`,
  memberId: null,
  role: 'editor',
  invitationId: null,
  createdAt: NOW,
  lastSeenAt: NOW,
  revokedAt: null,
  subject: null,
  ...patch
});

function update(clientId: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  doc.getMap('x').set('k', clientId);
  const data = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return data;
}

function describeAccessContract(name: string, factory: () => Promise<PlenaryStore>): void {
  describe(`AccessStore contract: ${name}`, () => {
    let store: PlenaryStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores an invitation, finds it by id and by code hash, lists a plan’s newest first, never returns the hash', async () => {
      const first = await store.createInvitation(invitation('i1', { maxUses: 3, memberId: 'm1', label: 'Ops', requireSignIn: true, sessionUntil: NOW + 5 }));
      await store.createInvitation(invitation('i2', { createdAt: NOW + 10, role: 'viewer' }));
      await store.createInvitation(invitation('i3', { plan: 'plan-b', scope: 'plan-b' }));
      expect(first).toEqual({ ...invitation('i1', { maxUses: 3, memberId: 'm1', label: 'Ops', requireSignIn: true, sessionUntil: NOW + 5 }), codeHash: undefined, uses: 0, revokedAt: null });
      expect(first).not.toHaveProperty('codeHash');
      expect(await store.getInvitation('i1')).toEqual(first);
      expect(await store.invitationByCodeHash('hash-i1')).toEqual(first);
      expect(await store.invitationByCodeHash('nope')).toBeNull();
      expect(await store.getInvitation('nope')).toBeNull();
      expect((await store.listInvitations('plan-a')).map((i) => i.id)).toEqual(['i2', 'i1']);
      expect((await store.listInvitations('plan-b')).map((i) => i.scope)).toEqual(['plan-b']);
    });

    it('takes uses up to the limit, atomically, and names why it refuses', async () => {
      await store.createInvitation(invitation('once', { maxUses: 1 }));
      const race = await Promise.all([store.useInvitation('once', NOW), store.useInvitation('once', NOW), store.useInvitation('once', NOW)]);
      expect(race.filter((r) => typeof r === 'object')).toHaveLength(1);
      expect(race.filter((r) => r === 'usedUp')).toHaveLength(2);
      expect((await store.getInvitation('once'))!.uses).toBe(1);
      await store.createInvitation(invitation('open'));
      for (let i = 0; i < 3; i++) expect(await store.useInvitation('open', NOW)).toMatchObject({ uses: i + 1 });
      expect(await store.useInvitation('open', NOW + 86_400_000)).toBe('expired');
      expect(await store.useInvitation('missing', NOW)).toBe('unknown');
      await store.revokeInvitation('open', NOW + 1);
      expect(await store.useInvitation('open', NOW + 2)).toBe('revoked');
    });

    it('revoking an invitation revokes every person who joined through it, once', async () => {
      await store.createInvitation(invitation('group'));
      await store.createPerson(person('p_a', { invitationId: 'group' }));
      await store.createPerson(person('p_b', { invitationId: 'group', createdAt: NOW + 1 }));
      await store.createPerson(person('p_c', { invitationId: 'other' }));
      expect((await store.revokeInvitation('group', NOW + 100)).sort()).toEqual(['p_a', 'p_b']);
      expect((await store.getInvitation('group'))!.revokedAt).toBe(NOW + 100);
      expect((await store.getPerson('p_a'))!.revokedAt).toBe(NOW + 100);
      expect((await store.getPerson('p_c'))!.revokedAt).toBeNull();
      // Again: nothing new is revoked and the first time stays.
      expect(await store.revokeInvitation('group', NOW + 200)).toEqual([]);
      expect((await store.getInvitation('group'))!.revokedAt).toBe(NOW + 100);
      expect(await store.revokeInvitation('missing', NOW)).toEqual([]);
    });

    it('stores people, lists a plan’s oldest first, and patches role, name, last seen and revocation', async () => {
      await store.createPerson(person('p_2', { createdAt: NOW + 5, memberId: 'm7', subject: 'sub-1' }));
      await store.createPerson(person('p_1'));
      await store.createPerson(person('p_x', { plan: 'plan-b' }));
      expect(await store.getPerson('p_2')).toEqual(person('p_2', { createdAt: NOW + 5, memberId: 'm7', subject: 'sub-1' }));
      expect((await store.listPeople('plan-a')).map((p) => p.id)).toEqual(['p_1', 'p_2']);
      expect(await store.updatePerson('p_1', { role: 'viewer' })).toMatchObject({ role: 'viewer', name: 'Name p_1' });
      expect(await store.updatePerson('p_1', { name: 'Ana' })).toMatchObject({ role: 'viewer', name: 'Ana' });
      expect(await store.updatePerson('p_1', { lastSeenAt: NOW + 50 })).toMatchObject({ lastSeenAt: NOW + 50 });
      // Last seen never goes back (two servers touching out of order).
      expect(await store.updatePerson('p_1', { lastSeenAt: NOW + 10 })).toMatchObject({ lastSeenAt: NOW + 50 });
      expect(await store.updatePerson('p_1', { revokedAt: NOW + 60 })).toMatchObject({ revokedAt: NOW + 60 });
      expect(await store.updatePerson('p_1', { revokedAt: NOW + 70 })).toMatchObject({ revokedAt: NOW + 60 });
      expect(await store.updatePerson('nobody', { role: 'admin' })).toBeNull();
    });

    it('finds a plan’s people by their sign-in identity, revoked ones too, oldest first', async () => {
      await store.createPerson(person('p_s2', { createdAt: NOW + 9, subject: 'https://id.example#ada', revokedAt: NOW + 20 }));
      await store.createPerson(person('p_s1', { createdAt: NOW + 1, subject: 'https://id.example#ada' }));
      await store.createPerson(person('p_s3', { subject: 'https://id.example#grace' }));
      await store.createPerson(person('p_s4', { plan: 'plan-b', subject: 'https://id.example#ada' }));
      await store.createPerson(person('p_s5'));
      expect((await store.peopleBySubject('plan-a', 'https://id.example#ada')).map((p) => [p.id, p.revokedAt])).toEqual([['p_s1', null], ['p_s2', NOW + 20]]);
      expect(await store.peopleBySubject('plan-a', 'https://id.example#nobody')).toEqual([]);
      expect(await store.peopleBySubject('plan-b', 'https://id.example#ada')).toEqual([person('p_s4', { plan: 'plan-b', subject: 'https://id.example#ada' })]);
    });

    it('keeps one live person per plan and sign-in subject: a second is refused as a conflict, after a revocation one may join again', async () => {
      const ada = 'https://id.example#ada';
      await store.createPerson(person('p_l1', { subject: ada }));
      await expect(store.createPerson(person('p_l2', { subject: ada }))).rejects.toMatchObject({ name: 'StoreError', kind: 'conflict' });
      await store.createPerson(person('p_l3', { plan: 'plan-b', subject: ada }));
      await store.createPerson(person('p_l4'));
      await store.createPerson(person('p_l5'));
      await store.updatePerson('p_l1', { revokedAt: NOW + 1 });
      await store.createPerson(person('p_l6', { subject: ada }));
      expect((await store.peopleBySubject('plan-a', ada)).map((p) => p.id).sort()).toEqual(['p_l1', 'p_l6']);
    });

    it('stores sessions', async () => {
      const s = { id: 's1', personId: 'p_1', plan: 'plan-a', createdAt: NOW, expiresAt: NOW + 1000, revokedAt: null };
      await store.createSession(s);
      expect(await store.getSession('s1')).toEqual(s);
      expect(await store.getSession('s2')).toBeNull();
    });

    it('revokes one session (sign-out), keeping the first time, and leaves the person’s other sessions', async () => {
      const s = { id: 's1', personId: 'p_1', plan: 'plan-a', createdAt: NOW, expiresAt: NOW + 1000, revokedAt: null };
      await store.createSession(s);
      await store.createSession({ ...s, id: 's2' });
      expect(await store.revokeSession('s1', NOW + 5)).toEqual({ ...s, revokedAt: NOW + 5 });
      expect(await store.revokeSession('s1', NOW + 9)).toEqual({ ...s, revokedAt: NOW + 5 });
      expect(await store.getSession('s1')).toEqual({ ...s, revokedAt: NOW + 5 });
      expect(await store.getSession('s2')).toEqual({ ...s, id: 's2' });
      expect(await store.revokeSession('missing', NOW)).toBeNull();
    });

    it('touches many people’s last seen in one call, never backwards, ignoring unknown ids', async () => {
      await store.createPerson(person('p_1'));
      await store.createPerson(person('p_2', { lastSeenAt: NOW + 100 }));
      await store.createPerson(person('p_3'));
      await store.touchPeople(['p_1', 'p_2', 'nobody'], NOW + 50);
      await store.touchPeople([], NOW + 999);
      expect((await store.getPerson('p_1'))?.lastSeenAt).toBe(NOW + 50);
      expect((await store.getPerson('p_2'))?.lastSeenAt).toBe(NOW + 100);
      expect((await store.getPerson('p_3'))?.lastSeenAt).toBe(NOW);
    });

    it('keeps an audit list per plan, newest first, with its detail', async () => {
      await store.addAudit({ plan: 'plan-a', at: NOW, actor: 'server', actorName: 'Server', action: 'invitationCreated', subject: 'i1', detail: { role: 'admin' } });
      await store.addAudit({ plan: 'plan-a', at: NOW + 2, actor: 'p_1', actorName: 'Ana', action: 'roleChanged', subject: 'p_2', detail: { from: 'editor', to: 'viewer' } });
      await store.addAudit({ plan: 'plan-a', at: NOW + 2, actor: 'p_1', actorName: 'Ana', action: 'revoked', subject: 'p_2', detail: {} });
      await store.addAudit({ plan: 'plan-b', at: NOW + 1, actor: 'p_9', actorName: 'Bo', action: 'joined', subject: 'p_9', detail: {} });
      const entries = await store.listAudit('plan-a', 10);
      expect(entries.map((e) => e.action)).toEqual(['revoked', 'roleChanged', 'invitationCreated']);
      expect(entries[1]).toMatchObject({ plan: 'plan-a', at: NOW + 2, actor: 'p_1', actorName: 'Ana', subject: 'p_2', detail: { from: 'editor', to: 'viewer' } });
      expect(typeof entries[0].id).toBe('number');
      expect(await store.listAudit('plan-a', 1)).toHaveLength(1);
    });

    it('records client-id claims with the append that makes them; the first claim wins', async () => {
      await store.append([
        { room: 'r', data: update(11), receivedAt: NOW, author: 'p_ana', clients: [11] },
        { room: 'r', data: update(12), receivedAt: NOW, author: 'p_bo', clients: [12] },
        { room: 'other', data: update(11), receivedAt: NOW, author: 'p_cy', clients: [11] }
      ]);
      await store.append([{ room: 'r', data: update(11), receivedAt: NOW, author: 'p_bo', clients: [11, 13] }]);
      expect([...(await store.clientOwners('r'))].sort()).toEqual([
        [11, 'p_ana'],
        [12, 'p_bo'],
        [13, 'p_bo']
      ]);
      expect([...(await store.clientOwners('other'))]).toEqual([[11, 'p_cy']]);
      expect((await store.clientOwners('none')).size).toBe(0);
      // The claim is not part of the stored entry.
      expect((await store.load('r')).updates[0]).not.toHaveProperty('clients');
    });

    it('claims client ids before a write: new ones go to the claimant, held ones stay with their owner', async () => {
      await store.append([{ room: 'r', data: update(31), receivedAt: NOW, author: 'p_ana', clients: [31] }]);
      const got = await store.claimClients('r', 'p_bo', [31, 32]);
      expect([...got].sort()).toEqual([
        [31, 'p_ana'],
        [32, 'p_bo']
      ]);
      // First claim wins for later claimants too, and a claim is per room.
      expect([...(await store.claimClients('r', 'p_cy', [32]))]).toEqual([[32, 'p_bo']]);
      expect([...(await store.claimClients('elsewhere', 'p_cy', [32]))]).toEqual([[32, 'p_cy']]);
      expect((await store.claimClients('r', 'p_cy', [])).size).toBe(0);
      expect((await store.clientOwners('r')).get(32)).toBe('p_bo');
    });
  });
}

describeAccessContract('memory', async () => createMemoryStore());

describe('sqlite', () => {
  const dirs: string[] = [];
  const freshFile = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plenary-access-'));
    dirs.push(dir);
    return path.join(dir, 'plenary.db');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  describeAccessContract('sqlite', async () => openSqliteStore(freshFile()));

  it('keeps people and client owners across a reopen', async () => {
    const file = freshFile();
    const a = openSqliteStore(file);
    await a.createPerson(person('p_keep'));
    await a.append([{ room: 'r', data: update(21), receivedAt: NOW, author: 'p_keep', clients: [21] }]);
    await a.close();
    const b = openSqliteStore(file);
    try {
      expect(await b.getPerson('p_keep')).toEqual(person('p_keep'));
      expect([...(await b.clientOwners('r'))]).toEqual([[21, 'p_keep']]);
    } finally {
      await b.close();
    }
  });
});

describe('postgres', () => {
  const prefix = `plenary_access_${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  beforeAll(ensurePostgres);
  afterAll(() => dropSchemas(schemas));
  describeAccessContract('postgres', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    return openPostgresStore(PG_URL, { schema, max: 4 });
  });
});
