/**
 * Managing outgoing webhooks (issue 16), for an admin of a plan: subscribe a URL to events (the
 * signing secret is in that one answer), list and delete subscriptions, read a subscription's
 * delivery log (attempts, status, response time) and redeliver one.
 */
import { randomBytes } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { isValidRoom } from '../../shared/protocol.ts';
import type { People } from '../auth/people.ts';
import { authenticate, bearer } from '../http/access.ts';
import { HttpError } from '../http/errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import { EVENTS } from '../webhooks/events.ts';
import { parseBody } from './validate.ts';

export type WebhookApiDeps = { secret: string; store: PlenaryStore; metrics: Metrics; people: People; now?: () => number; limit: MiddlewareHandler; body: (c: Context) => Promise<Record<string, unknown>> };

export const NewWebhookBody = v.strictObject({
  url: v.pipe(v.string(), v.url('a full http(s) URL'), v.maxLength(2000), v.regex(/^https?:\/\//, 'http or https')),
  events: v.optional(v.pipe(v.array(v.picklist(EVENTS)), v.maxLength(EVENTS.length)), [])
});

export function mountWebhookApi(app: Hono, deps: WebhookApiDeps): void {
  const { store, limit, body } = deps;
  const now = deps.now ?? Date.now;
  async function adminOf(c: Context) {
    const room = c.req.param('room') ?? '';
    if (!isValidRoom(room)) throw new HttpError(400, 'badRequest', 'invalid room name');
    const claims = await authenticate(deps, bearer(c.req.header('authorization'), c.req.query('token')), room, ['admin']);
    const info = await store.getRoom(room);
    if (!info || info.kind !== 'plan') throw new HttpError(404, 'unknownRoom', `no plan called ${room}`);
    return { room, claims };
  }
  const hookOf = async (room: string, id: string) => {
    const hook = (await store.listWebhooks(room)).find((h) => h.id === id);
    if (!hook) throw new HttpError(404, 'unknownWebhook', 'no such webhook in this plan');
    return hook;
  };
  const hidden = <T extends { secret: string }>({ secret: _s, ...rest }: T) => rest;

  app.post('/api/plans/:room/webhooks', limit, async (c) => {
    const { room, claims } = await adminOf(c);
    const input = parseBody(NewWebhookBody, await body(c));
    const hook = { id: `wh_${randomBytes(6).toString('base64url')}`, plan: room, url: input.url, events: input.events, secret: `whsec_${randomBytes(24).toString('base64url')}`, createdBy: claims.sub, createdAt: now() };
    await store.createWebhook(hook);
    return c.json({ webhook: hidden(hook), secret: hook.secret }, 201);
  });

  app.get('/api/plans/:room/webhooks', async (c) => {
    const { room } = await adminOf(c);
    return c.json({ webhooks: (await store.listWebhooks(room)).map(hidden) });
  });

  app.delete('/api/plans/:room/webhooks/:id', async (c) => {
    const { room } = await adminOf(c);
    const hook = await hookOf(room, c.req.param('id'));
    await store.deleteWebhook(hook.id);
    return c.body(null, 204);
  });

  app.get('/api/plans/:room/webhooks/:id/deliveries', async (c) => {
    const { room } = await adminOf(c);
    const hook = await hookOf(room, c.req.param('id'));
    return c.json({ deliveries: await store.listDeliveries(hook.id, 200) });
  });

  app.post('/api/plans/:room/webhooks/:id/deliveries/:delivery/redeliver', async (c) => {
    const { room } = await adminOf(c);
    const hook = await hookOf(room, c.req.param('id'));
    const id = Number(c.req.param('delivery'));
    const found = Number.isInteger(id) ? await store.getDelivery(id) : null;
    if (!found || found.webhookId !== hook.id) throw new HttpError(404, 'unknownDelivery', 'no such delivery of this webhook');
    return c.json({ delivery: await store.redeliver(id, now()) });
  });
}
