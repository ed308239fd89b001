/**
 * One contract, three backends: webhook subscriptions and the delivery log (issue 16) — an event is
 * enqueued once per subscription, a claim leases it to one sender, an item's deliveries are claimed
 * in order, attempts are recorded, a redelivery makes it due again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import type { NewDelivery } from '../../server/persistence/webhook-store.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { openSqliteStore } from '../../server/persistence/sqlite.ts';
import { dropSchemas, ensurePostgres, PG_URL } from '../helpers/services.ts';

const NOW = 1_700_000_000_000;
const hook = { id: 'wh1', plan: 'plan-a', url: 'http://127.0.0.1:1/hook', events: ['card.created'], secret: 's3cret', createdBy: 'p_admin', createdAt: NOW };
const delivery = (eventId: string, item: string, patch: Partial<NewDelivery> = {}): NewDelivery => ({
  webhookId: 'wh1', plan: 'plan-a', eventId, event: 'card.moved', item, body: `{"id":"${eventId}"}`, createdAt: NOW, ...patch
});

function describeWebhookContract(name: string, factory: () => Promise<PlenaryStore>): void {
  describe(`WebhookStore contract: ${name}`, () => {
    let store: PlenaryStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('keeps subscriptions per plan and deletes them', async () => {
      await store.createWebhook(hook);
      await store.createWebhook({ ...hook, id: 'wh2', plan: 'plan-b', events: [] });
      expect(await store.listWebhooks('plan-a')).toEqual([hook]);
      expect(await store.deleteWebhook('wh1')).toBe(true);
      expect(await store.deleteWebhook('wh1')).toBe(false);
      expect(await store.listWebhooks('plan-a')).toEqual([]);
    });

    it('enqueues an event once per subscription, whoever derives it', async () => {
      expect(await store.enqueueDeliveries([delivery('e1', 'c1'), delivery('e2', 'c2')])).toBe(2);
      expect(await store.enqueueDeliveries([delivery('e1', 'c1'), delivery('e3', 'c1')])).toBe(1);
      expect(await store.enqueueDeliveries([delivery('e1', 'c1', { webhookId: 'wh2' })])).toBe(1);
      expect((await store.listDeliveries('wh1', 10)).map((d) => d.eventId)).toEqual(['e3', 'e2', 'e1']);
    });

    it('leases a claim, keeps each item in order, records attempts, redelivers', async () => {
      await store.enqueueDeliveries([delivery('e1', 'c1'), delivery('e2', 'c1'), delivery('e3', 'c2')]);
      const first = await store.claimDeliveries(NOW, NOW + 30_000, 10);
      // e2 waits behind e1 (same item); e3 is another item.
      expect(first.map((d) => d.eventId)).toEqual(['e1', 'e3']);
      expect(await store.claimDeliveries(NOW + 1, NOW + 30_000, 10)).toEqual([]);
      await store.recordAttempt(first[0].id, { at: NOW + 2, status: 500, ms: 12, error: null }, { status: 'pending', nextAt: NOW + 1_000 });
      expect(await store.claimDeliveries(NOW + 3, NOW + 30_000, 10)).toEqual([]);
      const retried = await store.claimDeliveries(NOW + 1_000, NOW + 40_000, 10);
      expect(retried.map((d) => d.eventId)).toEqual(['e1']);
      expect(retried[0].attempts).toEqual([{ at: NOW + 2, status: 500, ms: 12, error: null }]);
      await store.recordAttempt(retried[0].id, { at: NOW + 1_001, status: 200, ms: 3, error: null }, { status: 'delivered', nextAt: NOW + 1_001 });
      expect((await store.claimDeliveries(NOW + 1_002, NOW + 40_000, 10)).map((d) => d.eventId)).toEqual(['e2']);
      const done = await store.getDelivery(retried[0].id);
      expect(done).toMatchObject({ status: 'delivered', attempts: [{ status: 500 }, { status: 200 }] });
      expect((await store.redeliver(retried[0].id, NOW + 5_000))?.status).toBe('pending');
      expect(await store.getDelivery(999_999)).toBeNull();
    });
  });
}

describeWebhookContract('memory', async () => createMemoryStore());

describe('sqlite', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  describeWebhookContract('sqlite', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plenary-hooks-'));
    dirs.push(dir);
    return openSqliteStore(path.join(dir, 'plenary.db'));
  });
});

describe('postgres', () => {
  const prefix = `plenary_hooks_${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  beforeAll(ensurePostgres);
  afterAll(() => dropSchemas(schemas));
  describeWebhookContract('postgres', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    return openPostgresStore(PG_URL, { schema, max: 4 });
  });
});
