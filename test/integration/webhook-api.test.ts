/** Managing webhooks over HTTP (issue 16): admins only, the secret shown once, the log, redelivery. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/access.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('webhook admin API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('subscribes, lists without the secret, shows the log, redelivers, deletes', async () => {
    const plan = await server.createPlan('Hooks');
    const admin = server.token(plan, 'admin', 'Admin');
    const bad = await api(server.url, 'POST', `/api/plans/${plan}/webhooks`, admin, { url: 'ftp://x', events: ['card.exploded'] });
    expect(bad.status).toBe(422);
    expect(bad.json.fields.map((f: any) => f.field).sort()).toEqual(['events.0', 'url']);
    expect((await api(server.url, 'POST', `/api/plans/${plan}/webhooks`, server.token(plan, 'editor', 'Ed'), { url: 'http://127.0.0.1:9/h' })).status).toBe(403);
    const made = await api(server.url, 'POST', `/api/plans/${plan}/webhooks`, admin, { url: 'http://127.0.0.1:9/h', events: ['card.moved', 'card.done'] });
    expect(made.status).toBe(201);
    expect(made.json.secret).toMatch(/^whsec_/);
    const listed = await api(server.url, 'GET', `/api/plans/${plan}/webhooks`, admin);
    expect(listed.json.webhooks).toEqual([made.json.webhook]);
    expect(JSON.stringify(listed.json)).not.toContain(made.json.secret);
    const id = made.json.webhook.id;
    const store = server.server.store;
    await store.enqueueDeliveries([{ webhookId: id, plan, eventId: 'e1', event: 'card.moved', item: 'c1', body: '{}', createdAt: Date.now() }]);
    const [d] = await store.claimDeliveries(Date.now(), Date.now() + 60_000, 1);
    await store.recordAttempt(d.id, { at: Date.now(), status: 500, ms: 4, error: null }, { status: 'failed', nextAt: Date.now() });
    const log = await api(server.url, 'GET', `/api/plans/${plan}/webhooks/${id}/deliveries`, admin);
    expect(log.json.deliveries[0]).toMatchObject({ eventId: 'e1', status: 'failed', attempts: [{ status: 500, ms: 4 }] });
    const again = await api(server.url, 'POST', `/api/plans/${plan}/webhooks/${id}/deliveries/${d.id}/redeliver`, admin);
    expect(again.json.delivery.status).toBe('pending');
    expect((await api(server.url, 'POST', `/api/plans/${plan}/webhooks/${id}/deliveries/999999/redeliver`, admin)).status).toBe(404);
    expect((await api(server.url, 'DELETE', `/api/plans/${plan}/webhooks/${id}`, admin)).status).toBe(204);
    expect((await api(server.url, 'GET', `/api/plans/${plan}/webhooks`, admin)).json.webhooks).toEqual([]);
  });
});
