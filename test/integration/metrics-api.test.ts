/** GET /api/plans/:room/metrics over the seeded demo plan: content, access, and resident vs stored. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsResponse } from '../../server/http/metrics-api.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'demo-gpu-cluster';

describe('metrics API', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer({ seed: true, env: { ROOM_IDLE_MS: '60000' } });
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });
  const get = (path: string, token: string | null, how: 'header' | 'query' = 'header') =>
    fetch(server.url + path + (token && how === 'query' ? `?token=${encodeURIComponent(token)}` : ''), {
      headers: token && how === 'header' ? { authorization: `Bearer ${token}` } : {}
    });
  const strip = ({ asOf: _asOf, ...rest }: MetricsResponse) => rest;

  it('reports velocity, burn-down, cycle time and a forecast for the demo plan', async () => {
    const res = await get(`/api/plans/${ROOM}/metrics`, server.token(ROOM, 'viewer'));
    expect(res.status).toBe(200);
    const m = (await res.json()) as MetricsResponse;
    expect(Date.parse(m.asOf)).toBeGreaterThan(Date.now() - 60_000);
    expect(m.room).toBe(ROOM);
    const closed = m.sprints.filter((s) => s.state === 'closed');
    expect(closed).toHaveLength(4);
    for (const s of closed) {
      expect(s.velocity).not.toBeNull();
      expect(s.velocity!.committed).toBeGreaterThan(0);
      expect(s.velocity!.completed).toBeGreaterThan(0);
      expect(s.velocity!.velocity).toBe(s.velocity!.completed);
    }
    expect(m.averageVelocity?.sprints).toHaveLength(3);
    const active = m.sprints.find((s) => s.state === 'active')!;
    expect(active.burn).not.toBeNull();
    expect(active.burn!.days.length).toBeGreaterThanOrEqual(14);
    expect(active.burn!.committed).toBeGreaterThan(0);
    expect(active.burn!.ideal[0]).toBeLessThanOrEqual(active.burn!.committed);
    expect(active.burn!.ideal[active.burn!.ideal.length - 1]).toBe(0);
    expect(active.burn!.remaining.filter((v) => v !== null).length).toBeGreaterThan(0);
    const ct = m.flow.cycleTime;
    expect(ct.count).toBeGreaterThan(0);
    expect(ct.min!).toBeLessThanOrEqual(ct.p50!);
    expect(ct.p50!).toBeLessThanOrEqual(ct.p85!);
    expect(ct.p85!).toBeLessThanOrEqual(ct.p95!);
    expect(ct.p95!).toBeLessThanOrEqual(ct.max!);
    expect(m.forecast).not.toBeNull();
    expect(m.forecast!.sample.total).toBeGreaterThan(0);
    const dates = m.forecast!.when.map((w) => w.date!);
    expect(dates.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect([...dates].sort()).toEqual(dates);
    expect(m.forecast!.howMany[0].by).toBe(active.end);
  });

  it('reports utilisation per resource and week, and the over-allocation that threatens cluster acceptance', async () => {
    const res = await get(`/api/plans/${ROOM}/metrics`, server.token(ROOM, 'viewer'));
    const { resources } = (await res.json()) as MetricsResponse;
    expect(resources.weeks).toBe(13);
    const tom = resources.resources.find((r) => r.id === 'm-tom')!;
    expect(tom).toMatchObject({ kind: 'person', name: 'Tom Okafor', unit: 'hours' });
    expect(tom.weeks).toHaveLength(13);
    expect(tom.weeks.some((w) => w.over && w.utilisation! > 1)).toBe(true);
    const gpu = resources.resources.find((r) => r.id === 'pool-gpu')!;
    expect(gpu.unit).toBe('nodes');
    expect(gpu.weeks[0].capacity).toBe(32);
    expect(resources.threats.map((t) => t.key)).toContain('m-tom:ms-cluster-accept');
  });

  it('accepts the token as ?token= and takes unit and by', async () => {
    const res = await fetch(`${server.url}/api/plans/${ROOM}/metrics?unit=cards&by=2099-01-01&token=${server.token(ROOM, 'editor')}`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as MetricsResponse;
    expect(m.unit).toBe('cards');
    expect(m.forecast!.howMany.map((h) => h.by)).toContain('2099-01-01');
    expect((await get(`/api/plans/${ROOM}/metrics`, server.token(ROOM, 'viewer'), 'query')).status).toBe(200);
    expect((await fetch(`${server.url}/api/plans/${ROOM}/metrics?unit=hours&token=${server.token(ROOM, 'viewer')}`)).status).toBe(400);
  });

  it('refuses missing, bad and foreign tokens; 404 for an unknown room', async () => {
    expect((await get(`/api/plans/${ROOM}/metrics`, null)).status).toBe(401);
    expect((await get(`/api/plans/${ROOM}/metrics`, 'not-a-token')).status).toBe(401);
    expect((await get(`/api/plans/${ROOM}/metrics`, server.token('other-plan', 'admin'))).status).toBe(403);
    expect((await get('/api/plans/no-such-plan/metrics', server.token('*', 'admin'))).status).toBe(404);
  });

  it('gives the same metrics whether the room is resident or read from the store', async () => {
    expect(server.server.rooms.get(ROOM)).toBeUndefined();
    const stored = (await (await get(`/api/plans/${ROOM}/metrics`, server.token(ROOM, 'viewer'))).json()) as MetricsResponse;
    // Reading from the store did not load the room.
    expect(server.server.rooms.get(ROOM)).toBeUndefined();
    const client = connectClient(server.wsUrl, ROOM, server.token(ROOM, 'viewer'));
    clients.push(client);
    await waitForSync(client);
    await waitFor(() => server.server.rooms.get(ROOM), 'room resident');
    const live = (await (await get(`/api/plans/${ROOM}/metrics`, server.token(ROOM, 'viewer'))).json()) as MetricsResponse;
    expect(strip(live)).toEqual(strip(stored));
  });
});
