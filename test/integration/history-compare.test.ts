/**
 * Comparing two moments over a real server, SQLite file and sockets (GET /compare), and the
 * per-person limit on rebuilding past moments (GET /at, /compare → 429 `tooManyRebuilds`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addCard, cards, estimateCard, moveCard, rankAtEnd } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { connectClient, waitForSync, type TestClient } from '../helpers/clients.ts';
import { api } from '../helpers/access.ts';
import { committed } from '../helpers/committed.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const HOUR = 3_600_000;
let server: TestServer | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
});

const get = (s: TestServer, path: string, token: string) => api(s.url, 'GET', path, token);

describe('compare two moments', () => {
  it('lists what changed between two moments with who and when, for any role on the plan', async () => {
    let clock = Date.now() + 60_000;
    server = await startServer({ now: () => clock });
    const s = server;
    const room = await s.createPlan('Compare plan');
    const editor = s.token(room, 'editor', 'Ann');
    const viewer = s.token(room, 'viewer', 'Vic');
    const c = connectClient(s.wsUrl, room, editor);
    clients.push(c);
    await waitForSync(c);
    const ann = createEditor('u-ann', 'user', () => clock);
    const cols = statuses.list(c.doc);
    clock += HOUR;
    const kept = addCard(c.doc, ann, { title: 'Kept', status: cols[0].id, rank: rankAtEnd(c.doc), points: 2 });
    const gone = addCard(c.doc, ann, { title: 'Gone', status: cols[0].id, rank: rankAtEnd(c.doc) });
    await committed(s, room, c);
    const steering = clock;
    clock += HOUR;
    moveCard(c.doc, ann, kept, { status: cols[1].id });
    estimateCard(c.doc, ann, kept, 8);
    cards.remove(c.doc, ann, gone);
    await committed(s, room, c);
    const moved = clock;
    clock += HOUR;

    const res = await get(s, `/api/plans/${room}/compare?from=${steering}&to=${clock}`, viewer);
    expect(res.status).toBe(200);
    expect(res.json.counts).toEqual({ removed: 1, moved: 1, reestimated: 1 });
    expect(res.json.changes).toEqual([
      expect.objectContaining({ kind: 'removed', id: gone, title: 'Gone', by: null }),
      expect.objectContaining({ kind: 'moved', id: kept, from: cols[0].id, to: cols[1].id, by: 'u-ann', at: moved }),
      expect.objectContaining({ kind: 'reestimated', id: kept, from: 2, to: 8, by: 'u-ann', at: moved })
    ]);
    // From before the cards existed: the one still there is added; the deleted one never shows.
    const all = await get(s, `/api/plans/${room}/compare?from=${steering - HOUR}&to=${clock}`, viewer);
    expect(all.json.changes.map((x: any) => [x.kind, x.title])).toEqual([['added', 'Kept']]);

    expect((await get(s, `/api/plans/${room}/compare?from=${clock}&to=${steering}`, viewer)).status).toBe(400);
    expect((await get(s, `/api/plans/${room}/compare?from=soon&to=${clock}`, viewer)).status).toBe(400);
    const other = await s.createPlan('Other');
    expect((await get(s, `/api/plans/${room}/compare?from=${steering}&to=${clock}`, s.token(other, 'admin', 'Olga'))).status).toBe(403);
  }, 30_000);

  it('limits rebuilds per person: over the burst is 429 tooManyRebuilds, others still get theirs', async () => {
    server = await startServer({ env: { HISTORY_REBUILDS_PER_SEC: '0.01', HISTORY_REBUILD_BURST: '3' } });
    const s = server;
    const room = await s.createPlan('Limited plan');
    const vic = s.token(room, 'viewer', 'Vic');
    // `t - 1` below must be inside the history: on a fast machine the plan is created in the same ms.
    await new Promise((r) => setTimeout(r, 10));
    const t = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${s.url}/api/plans/${room}/at?t=${t}`, { headers: { authorization: `Bearer ${vic}` } })).status);
    expect(statuses).toEqual([200, 200, 200]);
    const over = await get(s, `/api/plans/${room}/at?t=${t}`, vic);
    expect(over).toEqual({ status: 429, json: { error: 'tooManyRebuilds', message: expect.any(String) } });
    // A compare costs two rebuilds; a fresh person has the budget for it.
    const eve = s.token(room, 'viewer', 'Eve');
    expect((await get(s, `/api/plans/${room}/compare?from=${t - 1}&to=${t}`, eve)).status).toBe(200);
    expect((await get(s, `/api/plans/${room}/compare?from=${t - 1}&to=${t}`, eve)).status).toBe(429);
    // The limit is keyed by the session's person, so a new token for Vic does not reset it.
    expect((await get(s, `/api/plans/${room}/at?t=${t}`, s.token(room, 'viewer', 'Vic'))).status).toBe(429);
  }, 30_000);
});
