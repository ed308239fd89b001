/**
 * One contract, three backends: every store keeps API keys (issue 16) the same way — by the hash of
 * their secret, never returning it, newest first, revocation kept at its first time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import type { NewApiKey } from '../../server/persistence/api-key-store.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';

const NOW = 1_700_000_000_000;

const key = (id: string, patch: Partial<NewApiKey> = {}): NewApiKey => ({
  id,
  secretHash: `hash-${id}`,
  plan: 'plan-a',
  scope: 'plan-a',
  access: 'read',
  name: `Key ${id}`,
  personId: 'p_admin',
  createdBy: 'p_admin',
  createdAt: NOW,
  ...patch
});

const stored = (k: NewApiKey, revokedAt: number | null = null) => {
  const { secretHash: _h, ...rest } = k;
  return { ...rest, revokedAt };
};

function describeApiKeyContract(name: string, factory: () => Promise<PlenaryStore>): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let store: PlenaryStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a key, finds it by id and by secret hash, never returns the hash', async () => {
      const made = await store.createApiKey(key('k1', { access: 'write', scope: 'plan-a/*' }));
      expect(made).toEqual(stored(key('k1', { access: 'write', scope: 'plan-a/*' })));
      expect(made).not.toHaveProperty('secretHash');
      expect(await store.getApiKey('k1')).toEqual(made);
      expect(await store.apiKeyBySecretHash('hash-k1')).toEqual(made);
      expect(await store.apiKeyBySecretHash('nope')).toBeNull();
      expect(await store.getApiKey('nope')).toBeNull();
    });

    it('lists a plan’s keys newest first, service keys too, other plans apart', async () => {
      await store.createApiKey(key('k1'));
      await store.createApiKey(key('k2', { createdAt: NOW + 10, personId: null }));
      await store.createApiKey(key('k3', { plan: 'plan-b', scope: 'plan-b' }));
      const listed = await store.listApiKeys('plan-a');
      expect(listed.map((k) => k.id)).toEqual(['k2', 'k1']);
      expect(listed[0].personId).toBeNull();
      expect((await store.listApiKeys('plan-b')).map((k) => k.id)).toEqual(['k3']);
      expect(await store.listApiKeys('plan-c')).toEqual([]);
    });

    it('revokes once: the first time stays, an unknown key is null', async () => {
      await store.createApiKey(key('k1'));
      expect(await store.revokeApiKey('k1', NOW + 5)).toEqual(stored(key('k1'), NOW + 5));
      expect((await store.revokeApiKey('k1', NOW + 9))?.revokedAt).toBe(NOW + 5);
      expect((await store.apiKeyBySecretHash('hash-k1'))?.revokedAt).toBe(NOW + 5);
      expect(await store.revokeApiKey('nope', NOW)).toBeNull();
    });

    it('refuses a second key with the same secret hash', async () => {
      await store.createApiKey(key('k1'));
      await expect(store.createApiKey(key('k2', { secretHash: 'hash-k1' }))).rejects.toThrow();
      expect(await store.getApiKey('k2')).toBeNull();
    });
  });
}

describeApiKeyContract('memory', async () => createMemoryStore());

describe('sqlite', () => {
  const dirs: string[] = [];
  const freshFile = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plenary-keys-'));
    dirs.push(dir);
    return path.join(dir, 'plenary.db');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  describeApiKeyContract('sqlite', async () => openSqliteStore(freshFile()));

  it('keeps keys across a reopen', async () => {
    const file = freshFile();
    const a = openSqliteStore(file);
    await a.createApiKey(key('k_keep'));
    await a.close();
    const b = openSqliteStore(file);
    try {
      expect(await b.apiKeyBySecretHash('hash-k_keep')).toEqual(stored(key('k_keep')));
    } finally {
      await b.close();
    }
  });
});

describe('postgres', () => {
  const prefix = `plenary_keys_${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  beforeAll(ensurePostgres);
  afterAll(() => dropSchemas(schemas));
  describeApiKeyContract('postgres', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    return openPostgresStore(PG_URL, { schema, max: 4 });
  });
});
