/**
 * The webhook sender against a real HTTP receiver on loopback: deliveries are signed (HMAC-SHA256
 * over timestamp.body, checked by the receiver), retried with backoff after 500s until a 2xx,
 * each item's deliveries arrive in order, a receiver that hangs is cut off by the timeout, and the
 * delivery log holds every attempt.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/observability/logger.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { backoff, WebhookSender } from '../../server/webhooks/sender.ts';
import { SIGNATURE_HEADER, verifySignature } from '../../server/webhooks/sign.ts';
import { waitFor } from '../helpers/clients.ts';

type Received = { path: string; event: string; id: string; body: any; signed: boolean };

describe('webhook sender', () => {
  const received: Received[] = [];
  /** Path → statuses to answer in turn (then 200); 'hang' never answers. */
  const script = new Map<string, (number | 'hang')[]>();
  let receiver: http.Server;
  let base: string;
  const secret = 'whsec_test';

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const signed = verifySignature(secret, String(req.headers[SIGNATURE_HEADER] ?? ''), body, Math.floor(Date.now() / 1000));
        const next = script.get(req.url!)?.shift() ?? 200;
        if (next === 'hang') return;
        received.push({ path: req.url!, event: String(req.headers['plenary-event']), id: String(req.headers['plenary-event-id']), body: JSON.parse(body), signed });
        res.writeHead(next).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  const setup = async (path: string, options = {}) => {
    const store = createMemoryStore();
    await store.createWebhook({ id: 'wh', plan: 'p', url: base + path, events: [], secret, createdBy: 'p_admin', createdAt: Date.now() });
    const sender = new WebhookSender(store, createLogger('silent'), { pollMs: 10, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 3_000, ...options });
    return { store, sender };
  };
  const event = (eventId: string, item: string, n: number) => ({ webhookId: 'wh', plan: 'p', eventId, event: 'card.moved', item, body: JSON.stringify({ eventId, item, n }), createdAt: Date.now() });

  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoff(n, 1000, 5000, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoff(3, 1000, 60_000, () => 0)).toBe(2000);
  });

  it('signs, retries after 500s until a 2xx, and logs every attempt', async () => {
    const { store, sender } = await setup('/retry');
    script.set('/retry', [500, 503]);
    await store.enqueueDeliveries([event('e1', 'c1', 1)]);
    sender.start();
    try {
      const [d] = await waitFor(async () => {
        const list = await store.listDeliveries('wh', 10);
        return list[0]?.status === 'delivered' ? list : null;
      }, 'delivered after retries', 5_000);
      expect(d.attempts.map((a) => a.status), JSON.stringify(d.attempts)).toEqual([500, 503, 200]);
      expect(d.attempts.every((a) => a.ms >= 0)).toBe(true);
      const got = received.filter((r) => r.path === '/retry');
      expect(got).toHaveLength(3);
      expect(got.every((r) => r.signed && r.id === 'e1' && r.event === 'card.moved')).toBe(true);
      // Verification can fail: a wrong secret does not verify.
      expect(verifySignature('other', `t=${Math.floor(Date.now() / 1000)},v1=00`, '{}', Math.floor(Date.now() / 1000))).toBe(false);
    } finally {
      sender.stop();
    }
  });

  it('keeps each item in order even when an earlier delivery is retried', async () => {
    const { store, sender } = await setup('/order', { concurrency: 4 });
    script.set('/order', [500, 500]);
    await store.enqueueDeliveries([event('a1', 'A', 1), event('a2', 'A', 2), event('b1', 'B', 1), event('a3', 'A', 3)]);
    sender.start();
    try {
      await waitFor(async () => (await store.listDeliveries('wh', 10)).every((d) => d.status === 'delivered') || null, 'all delivered', 5_000);
      const a = received.filter((r) => r.path === '/order' && r.body.item === 'A');
      // The first two answers were 500s (to A's first delivery, maybe B's): whatever was retried,
      // A's deliveries arrived in order, a later one never before an earlier one was delivered.
      const ns = a.map((r) => r.body.n);
      expect(ns).toEqual([...ns].sort());
      expect(new Set(ns)).toEqual(new Set([1, 2, 3]));
      expect(received.filter((r) => r.path === '/order')).toHaveLength(6);
    } finally {
      sender.stop();
    }
  });

  it('cuts off a receiver that hangs and gives up after maxAttempts', async () => {
    const { store, sender } = await setup('/hang', { maxAttempts: 2, timeoutMs: 400 });
    script.set('/hang', ['hang', 'hang']);
    await store.enqueueDeliveries([event('h1', 'H', 1)]);
    sender.start();
    try {
      const [d] = await waitFor(async () => {
        const list = await store.listDeliveries('wh', 10);
        return list[0]?.status === 'failed' ? list : null;
      }, 'failed after timeouts', 5_000);
      expect(d.attempts.map((a) => a.error)).toEqual(['timeout', 'timeout']);
      await store.redeliver(d.id, Date.now());
      await waitFor(async () => (await store.getDelivery(d.id))?.status === 'delivered' || null, 'redelivered', 5_000);
    } finally {
      sender.stop();
    }
  });
});
