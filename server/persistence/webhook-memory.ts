/** The memory store's webhooks and delivery log (server/persistence/webhook-store.ts). */
import type { StoreGuard } from './guard.ts';
import type { Delivery, Webhook, WebhookStore } from './webhook-store.ts';

type Row = Delivery & { leaseUntil: number };

export function memoryWebhooks(guard: StoreGuard): WebhookStore & { clearWebhooks(): void } {
  const hooks = new Map<string, Webhook>();
  const rows: Row[] = [];
  let nextId = 1;
  const copy = ({ leaseUntil: _l, ...d }: Row): Delivery => structuredClone(d);
  return {
    createWebhook: (hook) => guard.run('createWebhook', () => void hooks.set(hook.id, structuredClone(hook))),
    listWebhooks: (plan) =>
      guard.run('listWebhooks', () => [...hooks.values()].filter((h) => h.plan === plan).sort((a, b) => a.createdAt - b.createdAt).map((h) => structuredClone(h))),
    deleteWebhook: (id) => guard.run('deleteWebhook', () => hooks.delete(id)),
    enqueueDeliveries: (batch) =>
      guard.run('enqueueDeliveries', () => {
        let added = 0;
        for (const d of batch) {
          if (rows.some((r) => r.webhookId === d.webhookId && r.eventId === d.eventId)) continue;
          rows.push({ ...d, id: nextId++, status: 'pending', nextAt: d.createdAt, attempts: [], leaseUntil: 0 });
          added++;
        }
        return added;
      }),
    claimDeliveries: (now, leaseUntil, limit) =>
      guard.run('claimDeliveries', () => {
        const out: Delivery[] = [];
        for (const r of rows) {
          if (out.length >= limit) break;
          if (r.status !== 'pending' || r.nextAt > now || r.leaseUntil > now) continue;
          if (rows.some((e) => e.id < r.id && e.status === 'pending' && e.webhookId === r.webhookId && e.item === r.item)) continue;
          r.leaseUntil = leaseUntil;
          out.push(copy(r));
        }
        return out;
      }),
    recordAttempt: (id, attempt, outcome) =>
      guard.run('recordAttempt', () => {
        const r = rows.find((x) => x.id === id);
        if (!r) return;
        r.attempts.push({ ...attempt });
        r.status = outcome.status;
        r.nextAt = outcome.nextAt;
        r.leaseUntil = 0;
      }),
    listDeliveries: (webhookId, limit) =>
      guard.run('listDeliveries', () => rows.filter((r) => r.webhookId === webhookId).sort((a, b) => b.id - a.id).slice(0, limit).map(copy)),
    getDelivery: (id) =>
      guard.run('getDelivery', () => {
        const r = rows.find((x) => x.id === id);
        return r ? copy(r) : null;
      }),
    redeliver: (id, now) =>
      guard.run('redeliver', () => {
        const r = rows.find((x) => x.id === id);
        if (!r) return null;
        Object.assign(r, { status: 'pending', nextAt: now, leaseUntil: 0 });
        return copy(r);
      }),
    clearWebhooks: () => {
      hooks.clear();
      rows.length = 0;
    }
  };
}
