/**
 * Outgoing webhooks (issue 16): subscriptions per plan, and the delivery log. A delivery is one
 * event for one subscription, written once whoever derives it (unique per subscription and event
 * id, so several servers observing the same room enqueue it once), then claimed with a lease by one
 * server's sender, attempted, and recorded (each attempt: time, HTTP status, response time, error).
 * A delivery is not claimed while an earlier pending one of the same item and subscription waits,
 * so each item's events arrive in order.
 */
export type Webhook = {
  id: string;
  plan: string;
  url: string;
  /** Event names (server/webhooks/events.ts); empty = all. */
  events: string[];
  /** The signing secret (HMAC-SHA256); the sender needs it in clear, so it is kept, shown once. */
  secret: string;
  createdBy: string;
  createdAt: number;
};

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export type Attempt = { at: number; status: number | null; ms: number; error: string | null };

export type Delivery = {
  id: number;
  webhookId: string;
  plan: string;
  /** Stable id of the event (the same on every server that derives it). */
  eventId: string;
  event: string;
  /** The item the event is about: deliveries of one item are sent in order. */
  item: string;
  body: string;
  createdAt: number;
  status: DeliveryStatus;
  /** Earliest time of the next attempt. */
  nextAt: number;
  attempts: Attempt[];
};

export type NewDelivery = Pick<Delivery, 'webhookId' | 'plan' | 'eventId' | 'event' | 'item' | 'body' | 'createdAt'>;

export interface WebhookStore {
  createWebhook(hook: Webhook): Promise<void>;
  listWebhooks(plan: string): Promise<Webhook[]>;
  deleteWebhook(id: string): Promise<boolean>;
  /** Enqueues, skipping events already enqueued for that subscription; how many were new. */
  enqueueDeliveries(rows: readonly NewDelivery[]): Promise<number>;
  /**
   * Up to `limit` due pending deliveries no other sender holds, leased until `leaseUntil`; none
   * behind an earlier pending delivery of the same subscription and item.
   */
  claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<Delivery[]>;
  /** Appends an attempt; `next` null ends it (`delivered` or `failed`), else it is retried then. */
  recordAttempt(id: number, attempt: Attempt, outcome: { status: DeliveryStatus; nextAt: number }): Promise<void>;
  /** Newest first. */
  listDeliveries(webhookId: string, limit: number): Promise<Delivery[]>;
  getDelivery(id: number): Promise<Delivery | null>;
  /** Pending again, due now (an admin's "redeliver"). */
  redeliver(id: number, now: number): Promise<Delivery | null>;
}
