/**
 * One contract, three backends: every ExtensionStateStore (server/persistence/extension-state.ts)
 * must pass `describeExtensionStateContract`. Each backend is opened twice on the same data (two
 * SQLite handles on one file, two Postgres pools on one schema; the memory store is one object), the
 * way several servers share one store: concurrent read-modify-write steps through both must all
 * land, once each, as a retro dot budget spent on two servers must.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import { StoreError } from '../../server/persistence/store.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';

type Pair = { a: PlenaryStore; b: PlenaryStore; close(): Promise<void> };

const read = (store: PlenaryStore, room: string, ext: string) => store.withExtensionState(room, ext, (state) => ({ state, result: state }));
const write = (store: PlenaryStore, room: string, ext: string, next: string | null) =>
  store.withExtensionState(room, ext, (state) => ({ state: next, result: state }));

function describeExtensionStateContract(name: string, open: () => Promise<Pair>): void {
  describe(`ExtensionStateStore contract: ${name}`, () => {
    let pair: Pair;
    beforeEach(async () => {
      pair = await open();
    });
    afterEach(() => pair.close());

    it('holds nothing until written; a write is read back by the other handle; null removes it', async () => {
      const { a, b } = pair;
      expect(await read(a, 'r1', 'poker')).toBeNull();
      expect(await write(a, 'r1', 'poker', '{"c1":{"round":1}}')).toBeNull();
      expect(await read(b, 'r1', 'poker')).toBe('{"c1":{"round":1}}');
      expect(await write(b, 'r1', 'poker', null)).toBe('{"c1":{"round":1}}');
      expect(await read(a, 'r1', 'poker')).toBeNull();
    });

    it('a plain read sees what a step committed through the other handle, and holds nothing for a pair never written', async () => {
      const { a, b } = pair;
      expect(await b.readExtensionState('r1', 'retro')).toBeNull();
      await write(a, 'r1', 'retro', '{"drafts":[]}');
      expect(await b.readExtensionState('r1', 'retro')).toBe('{"drafts":[]}');
      await write(b, 'r1', 'retro', null);
      expect(await a.readExtensionState('r1', 'retro')).toBeNull();
    });

    it('keeps each (room, extension) apart', async () => {
      const { a, b } = pair;
      await write(a, 'r1', 'poker', 'p1');
      await write(a, 'r1', 'retro', 'x1');
      await write(b, 'r2', 'poker', 'p2');
      expect([await read(b, 'r1', 'poker'), await read(b, 'r1', 'retro'), await read(a, 'r2', 'poker'), await read(a, 'r2', 'retro')]).toEqual(['p1', 'x1', 'p2', null]);
    });

    it('a step that throws writes nothing and rejects', async () => {
      const { a, b } = pair;
      await write(a, 'r1', 'poker', 'kept');
      await expect(
        a.withExtensionState('r1', 'poker', () => {
          throw new Error('refused half way');
        })
      ).rejects.toThrow(/refused half way/);
      expect(await read(b, 'r1', 'poker')).toBe('kept');
    });

    it('concurrent steps through both handles each land exactly once (no lost update)', async () => {
      const { a, b } = pair;
      const bump = (store: PlenaryStore) =>
        store.withExtensionState('r1', 'retro', (state) => {
          const n = state === null ? 0 : Number(state);
          return { state: String(n + 1), result: n };
        });
      const seen = await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? a : b)));
      expect(await read(a, 'r1', 'retro')).toBe('40');
      // Every step saw a different count: they ran one after another, never on the same read.
      expect(new Set(seen).size).toBe(40);
    });

    it('a budget spent from both handles at once is counted once: the last dot goes to one step only', async () => {
      const { a, b } = pair;
      await write(a, 'r1', 'retro', '1'); // one dot left
      const spend = (store: PlenaryStore) =>
        store.withExtensionState('r1', 'retro', (state) => (Number(state) > 0 ? { state: String(Number(state) - 1), result: true } : { state, result: false }));
      const got = await Promise.all([spend(a), spend(b), spend(a), spend(b)]);
      expect(got.filter(Boolean)).toHaveLength(1);
      expect(await read(b, 'r1', 'retro')).toBe('0');
    });

    it('refuses after close with a named store error', async () => {
      const { a } = pair;
      await a.close();
      const err = await read(a, 'r1', 'poker').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).kind).toBe('closed');
    });
  });
}

describeExtensionStateContract('memory', async () => {
  const store = createMemoryStore();
  return { a: store, b: store, close: () => store.close() };
});

describe('sqlite', () => {
  const dirs: string[] = [];
  const freshFile = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plenary-ext-state-'));
    dirs.push(dir);
    return path.join(dir, 'plenary.db');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  describeExtensionStateContract('sqlite', async () => {
    const file = freshFile();
    const a = openSqliteStore(file);
    const b = openSqliteStore(file);
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  it('keeps the state across a reopen (a restart keeps an open round)', async () => {
    const file = freshFile();
    const a = openSqliteStore(file);
    await write(a, 'r', 'poker', 'held');
    await a.close();
    const b = openSqliteStore(file);
    try {
      expect(await read(b, 'r', 'poker')).toBe('held');
    } finally {
      await b.close();
    }
  });
});

describe('postgres', () => {
  const prefix = `plenary_ext_state_${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  beforeAll(ensurePostgres);
  afterAll(() => dropSchemas(schemas));
  describeExtensionStateContract('postgres', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    const a = await openPostgresStore(PG_URL, { schema, max: 4 });
    const b = await openPostgresStore(PG_URL, { schema, max: 4 });
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  it('a step that holds nothing and keeps nothing writes no row (no placeholder insert per request)', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    const store = await openPostgresStore(PG_URL, { schema, max: 2 });
    const sql = postgres(PG_URL, { max: 1, onnotice: () => {} });
    try {
      // Any write to the table fails while this trigger is on: a read-only step must not notice it.
      await sql.unsafe(`create function ${schema}.no_writes() returns trigger language plpgsql as $$ begin raise exception 'extension_state written'; end $$`);
      await sql.unsafe(`create trigger no_writes before insert or update or delete on ${schema}.extension_state for each row execute function ${schema}.no_writes()`);
      expect(await read(store, 'r1', 'poker')).toBeNull();
      expect(await store.withExtensionState('r1', 'poker', () => ({ state: null, result: 'refused' }))).toBe('refused');
      await expect(write(store, 'r1', 'poker', 'held')).rejects.toThrow();
      await sql.unsafe(`drop trigger no_writes on ${schema}.extension_state`);
      await write(store, 'r1', 'poker', 'held');
      expect(await store.readExtensionState('r1', 'poker')).toBe('held');
    } finally {
      await sql.end();
      await store.close();
    }
  });
});
