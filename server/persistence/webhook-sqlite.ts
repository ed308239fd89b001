/** The SQLite store's webhooks and delivery log (server/persistence/webhook-store.ts). */
import type Database from 'better-sqlite3';
import type { StoreGuard } from './guard.ts';
import type { Delivery, DeliveryStatus, Webhook, WebhookStore } from './webhook-store.ts';

/** Schema step appended to sqlite.ts MIGRATIONS (issue 16). */
export const SQLITE_WEBHOOKS = `CREATE TABLE webhooks (
     id TEXT PRIMARY KEY,
     plan TEXT NOT NULL,
     url TEXT NOT NULL,
     events TEXT NOT NULL,
     secret TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX webhooks_plan ON webhooks (plan, created_at);
   CREATE TABLE deliveries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     webhook_id TEXT NOT NULL,
     plan TEXT NOT NULL,
     event_id TEXT NOT NULL,
     event TEXT NOT NULL,
     item TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     status TEXT NOT NULL,
     next_at INTEGER NOT NULL,
     lease_until INTEGER NOT NULL DEFAULT 0,
     attempts TEXT NOT NULL DEFAULT '[]',
     UNIQUE (webhook_id, event_id)
   ) STRICT;
   CREATE INDEX deliveries_due ON deliveries (status, next_at);
   CREATE INDEX deliveries_item ON deliveries (webhook_id, item, id);`;

type HookRow = Omit<Webhook, 'events'> & { events: string };
type Row = Omit<Delivery, 'attempts' | 'status'> & { attempts: string; status: string };
const COLUMNS = `id, webhook_id AS webhookId, plan, event_id AS eventId, event, item, body, created_at AS createdAt, status,
  next_at AS nextAt, attempts`;
const toDelivery = (r: Row): Delivery => ({ ...r, status: r.status as DeliveryStatus, attempts: JSON.parse(r.attempts) });

export function sqliteWebhooks(db: Database.Database, guard: StoreGuard): WebhookStore {
  const insertHook = db.prepare('INSERT INTO webhooks (id, plan, url, events, secret, created_by, created_at) VALUES (@id, @plan, @url, @events, @secret, @createdBy, @createdAt)');
  const hooksOf = db.prepare<[string], HookRow>('SELECT id, plan, url, events, secret, created_by AS createdBy, created_at AS createdAt FROM webhooks WHERE plan = ? ORDER BY created_at, id');
  const deleteHook = db.prepare<[string]>('DELETE FROM webhooks WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO deliveries (webhook_id, plan, event_id, event, item, body, created_at, status, next_at)
     VALUES (@webhookId, @plan, @eventId, @event, @item, @body, @createdAt, 'pending', @createdAt) ON CONFLICT DO NOTHING`
  );
  const due = db.prepare<[number, number, number], Row>(
    `SELECT ${COLUMNS} FROM deliveries d WHERE status = 'pending' AND next_at <= ? AND lease_until <= ?
       AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.webhook_id = d.webhook_id AND e.item = d.item AND e.id < d.id AND e.status = 'pending')
     ORDER BY id LIMIT ?`
  );
  const lease = db.prepare<[number, number]>('UPDATE deliveries SET lease_until = ? WHERE id = ?');
  const byId = db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`);
  const ofHook = db.prepare<[string, number], Row>(`SELECT ${COLUMNS} FROM deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?`);
  const attempt = db.prepare<[string, string, number, number]>(
    `UPDATE deliveries SET attempts = json_insert(attempts, '$[#]', json(?)), status = ?, next_at = ?, lease_until = 0 WHERE id = ?`
  );
  const again = db.prepare<[number, number]>(`UPDATE deliveries SET status = 'pending', next_at = ?, lease_until = 0 WHERE id = ?`);
  const enqueue = db.transaction((rows: readonly Parameters<WebhookStore['enqueueDeliveries']>[0][number][]) => rows.reduce((n, r) => n + insert.run(r).changes, 0));
  const claim = db.transaction((now: number, until: number, limit: number) => {
    const rows = due.all(now, now, limit);
    for (const r of rows) lease.run(until, r.id);
    return rows.map(toDelivery);
  });
  const get = (id: number) => {
    const r = byId.get(id);
    return r ? toDelivery(r) : null;
  };
  return {
    createWebhook: (hook) => guard.run('createWebhook', () => void insertHook.run({ ...hook, events: JSON.stringify(hook.events) })),
    listWebhooks: (plan) => guard.run('listWebhooks', () => hooksOf.all(plan).map((h) => ({ ...h, events: JSON.parse(h.events) as string[] }))),
    deleteWebhook: (id) => guard.run('deleteWebhook', () => deleteHook.run(id).changes > 0),
    enqueueDeliveries: (rows) => guard.run('enqueueDeliveries', () => (rows.length ? enqueue.immediate(rows) : 0)),
    claimDeliveries: (now, until, limit) => guard.run('claimDeliveries', () => claim.immediate(now, until, limit)),
    recordAttempt: (id, a, outcome) => guard.run('recordAttempt', () => void attempt.run(JSON.stringify(a), outcome.status, outcome.nextAt, id)),
    listDeliveries: (webhookId, limit) => guard.run('listDeliveries', () => ofHook.all(webhookId, limit).map(toDelivery)),
    getDelivery: (id) => guard.run('getDelivery', () => get(id)),
    redeliver: (id, now) =>
      guard.run('redeliver', () => {
        again.run(now, id);
        return get(id);
      })
  };
}
