/** The Postgres store's webhooks and delivery log (server/persistence/webhook-store.ts). */
import type postgres from 'postgres';
import type { StoreGuard } from './guard.ts';
import type { Attempt, Delivery, DeliveryStatus, Webhook, WebhookStore } from './webhook-store.ts';

/** Schema step appended to postgres.ts MIGRATIONS (issue 16); `s` is the quoted schema. */
export const postgresWebhooks = (s: string) => `
    create table ${s}.webhooks (
      id text primary key,
      plan text not null,
      url text not null,
      events jsonb not null,
      secret text not null,
      created_by text not null,
      created_at bigint not null
    );
    create index webhooks_plan on ${s}.webhooks (plan, created_at);
    create table ${s}.deliveries (
      id bigserial primary key,
      webhook_id text not null,
      plan text not null,
      event_id text not null,
      event text not null,
      item text not null,
      body text not null,
      created_at bigint not null,
      status text not null,
      next_at bigint not null,
      lease_until bigint not null default 0,
      attempts jsonb not null default '[]',
      unique (webhook_id, event_id)
    );
    create index deliveries_due on ${s}.deliveries (status, next_at);
    create index deliveries_item on ${s}.deliveries (webhook_id, item, id);`;

type HookRow = { id: string; plan: string; url: string; events: string[]; secret: string; created_by: string; created_at: string };
type Row = { id: string; webhook_id: string; plan: string; event_id: string; event: string; item: string; body: string; created_at: string; status: string; next_at: string; attempts: Attempt[] };
const toHook = (r: HookRow): Webhook => ({ id: r.id, plan: r.plan, url: r.url, events: r.events, secret: r.secret, createdBy: r.created_by, createdAt: Number(r.created_at) });
const toDelivery = (r: Row): Delivery => ({
  id: Number(r.id),
  webhookId: r.webhook_id,
  plan: r.plan,
  eventId: r.event_id,
  event: r.event,
  item: r.item,
  body: r.body,
  createdAt: Number(r.created_at),
  status: r.status as DeliveryStatus,
  nextAt: Number(r.next_at),
  attempts: r.attempts
});
const COLUMNS = 'id, webhook_id, plan, event_id, event, item, body, created_at, status, next_at, attempts';

export function postgresWebhookStore(sql: postgres.Sql, schema: string, guard: Pick<StoreGuard, 'run'>): WebhookStore {
  const hooks = sql(`${schema}.webhooks`);
  const deliveries = sql(`${schema}.deliveries`);
  const cols = sql.unsafe(COLUMNS);
  return {
    createWebhook: (h) =>
      guard.run('createWebhook', async () => {
        await sql`insert into ${hooks} (id, plan, url, events, secret, created_by, created_at)
          values (${h.id}, ${h.plan}, ${h.url}, ${sql.json(h.events)}, ${h.secret}, ${h.createdBy}, ${h.createdAt})`;
      }),
    listWebhooks: (plan) => guard.run('listWebhooks', async () => (await sql<HookRow[]>`select * from ${hooks} where plan = ${plan} order by created_at, id`).map(toHook)),
    deleteWebhook: (id) => guard.run('deleteWebhook', async () => (await sql`delete from ${hooks} where id = ${id}`).count > 0),
    enqueueDeliveries: (rows) =>
      guard.run('enqueueDeliveries', async () => {
        let added = 0;
        for (const d of rows) {
          const r = await sql`insert into ${deliveries} (webhook_id, plan, event_id, event, item, body, created_at, status, next_at)
            values (${d.webhookId}, ${d.plan}, ${d.eventId}, ${d.event}, ${d.item}, ${d.body}, ${d.createdAt}, 'pending', ${d.createdAt})
            on conflict do nothing`;
          added += r.count;
        }
        return added;
      }),
    // SKIP LOCKED: two servers claiming at once take different deliveries; the lease keeps them.
    claimDeliveries: (now, until, limit) =>
      guard.run('claimDeliveries', async () =>
        (
          await sql<Row[]>`
          update ${deliveries} set lease_until = ${until} where id in (
            select d.id from ${deliveries} d
            where d.status = 'pending' and d.next_at <= ${now} and d.lease_until <= ${now}
              and not exists (select 1 from ${deliveries} e where e.webhook_id = d.webhook_id and e.item = d.item and e.id < d.id and e.status = 'pending')
            order by d.id limit ${limit} for update skip locked)
          returning ${cols}`
        )
          .map(toDelivery)
          .sort((a, b) => a.id - b.id)
      ),
    recordAttempt: (id, a, outcome) =>
      guard.run('recordAttempt', async () => {
        await sql`update ${deliveries} set attempts = attempts || ${sql.json([a] as unknown as postgres.JSONValue)}, status = ${outcome.status},
          next_at = ${outcome.nextAt}, lease_until = 0 where id = ${id}`;
      }),
    listDeliveries: (webhookId, limit) =>
      guard.run('listDeliveries', async () => (await sql<Row[]>`select ${cols} from ${deliveries} where webhook_id = ${webhookId} order by id desc limit ${limit}`).map(toDelivery)),
    getDelivery: (id) =>
      guard.run('getDelivery', async () => {
        const [r] = await sql<Row[]>`select ${cols} from ${deliveries} where id = ${id}`;
        return r ? toDelivery(r) : null;
      }),
    redeliver: (id, now) =>
      guard.run('redeliver', async () => {
        const [r] = await sql<Row[]>`update ${deliveries} set status = 'pending', next_at = ${now}, lease_until = 0 where id = ${id} returning ${cols}`;
        return r ? toDelivery(r) : null;
      })
  };
}
