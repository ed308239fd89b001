/**
 * Time travel over a real server, real SQLite file and real sockets (issue 14): a scripted session
 * edits a plan through a stock y-websocket client while the server's clock is stepped (hours and
 * days apart); the plan is recorded as seen live after each edit committed; then each moment is
 * rebuilt through GET /api/plans/:room/at and must equal what was seen. Compaction runs every few
 * entries and rooms unload between edits (each writes a checkpoint), and retention prunes the
 * start of the session, so rebuilds cross checkpoints, thinned checkpoints and a pruned log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards, moveCard, estimateCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { statuses } from '../../shared/doc/statuses.ts';
import { addSprint, startSprintNow, closeSprint } from '../../shared/doc/sprints.ts';
import { rankAtEnd } from '../../shared/doc/cards.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { api } from '../helpers/access.ts';
import { committed } from '../helpers/committed.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let server: TestServer | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
});

/** GET /at → the rebuilt plan as a plain snapshot. */
async function planAt(s: TestServer, room: string, token: string, t: number) {
  const res = await fetch(`${s.url}/api/plans/${room}/at?t=${t}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) return { status: res.status, body: await res.json() };
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()));
  const snap = snapshot(doc);
  doc.destroy();
  return { status: 200, snap, at: Number(res.headers.get('x-plenary-at')), replayed: Number(res.headers.get('x-plenary-replayed')) };
}

const getJson = (s: TestServer, path: string, token: string) => api(s.url, 'GET', path, token);
const postJson = (s: TestServer, path: string, token: string, body: unknown) => api(s.url, 'POST', path, token, body);

describe('time travel: rebuilt moments equal what was seen live', () => {
  it('rebuilds every recorded moment of a scripted session across checkpoints, unloads and retention', async () => {
    let clock = Date.now() + 60_000;
    server = await startServer({ now: () => clock, env: { COMPACT_ENTRIES: '3', RETENTION_DAYS: '4', ROOM_IDLE_MS: '200', HISTORY_REBUILDS_PER_SEC: '0' } });
    const s = server;
    const room = await s.createPlan('History plan');
    const editorToken = s.token(room, 'editor', 'Ann');
    const viewerToken = s.token(room, 'viewer', 'Vic');
    const seen: { t: number; snap: ReturnType<typeof snapshot> }[] = [];

    const connect = async () => {
      const c = connectClient(s.wsUrl, room, editorToken);
      clients.push(c);
      await waitForSync(c);
      return c;
    };
    let client = await connect();
    const ann = createEditor('u-ann', 'user', () => clock);
    const todo = () => statuses.list(client.doc)[0].id;
    const done = () => statuses.list(client.doc).at(-1)!.id;
    const ids: string[] = [];

    // 30 steps, 5 hours apart (6 days and a quarter): add, estimate, move, retitle, delete, sprints.
    for (let step = 0; step < 30; step++) {
      clock += 5 * HOUR;
      const d = client.doc;
      const kind = step % 6;
      if (kind === 0 || kind === 3) ids.push(addCard(d, ann, { title: `Card ${step}`, status: todo(), rank: rankAtEnd(d) }));
      else if (kind === 1) estimateCard(d, ann, ids.at(-1)!, step);
      else if (kind === 2) moveCard(d, ann, ids[0], { status: done() });
      else if (kind === 4) cards.update(d, ann, ids.at(-1)!, { title: `Renamed at ${step}` });
      else if (ids.length > 3) cards.remove(d, ann, ids.splice(1, 1)[0]);
      if (step === 7) {
        const r = addSprint(d, ann, { name: 'Sprint 1', goal: '', start: '2026-01-05', end: '2026-01-16' });
        if (r.ok) startSprintNow(d, ann, r.id);
      }
      if (step === 20) {
        const sprint = snapshot(d).sprints.find((x) => x.state === 'active');
        if (sprint) closeSprint(d, ann, sprint.id, { moveUnfinishedTo: null });
      }
      await committed(s, room, client);
      seen.push({ t: clock, snap: snapshot(d) });
      // Every 7th step the client leaves long enough for the room to unload (a checkpoint), then rejoins.
      if (step % 7 === 6) {
        client.destroy();
        clients.splice(clients.indexOf(client), 1);
        await waitFor(() => !s.server.rooms.get(room), 'the room unloaded');
        client = await connect();
      }
      clock += 17 * 60_000; // moments between edits must show the state after the edit
    }
    const now = clock;

    const history = await getJson(s, `/api/plans/${room}/history`, viewerToken);
    expect(history.status).toBe(200);
    const earliest: number = history.json.earliest;
    // Retention (4 days) pruned the start of a 6-day session, so history starts inside it.
    expect(earliest).toBeGreaterThan(seen[0].t);
    expect(earliest).toBeLessThan(now - 4 * DAY + 1);

    let rebuilt = 0;
    for (const [i, { t, snap }] of seen.entries()) {
      // At the edit, between edits, and the last millisecond before the next edit was received.
      for (const moment of [t, t + 10 * 60_000, (seen[i + 1]?.t ?? now + 1) - 1]) {
        const got = await planAt(s, room, viewerToken, moment);
        if (moment < earliest) {
          expect(got.status, `t=${moment}`).toBe(409);
          expect((got as any).body.error).toBe('beforeHistory');
          continue;
        }
        expect(got.status, `t=${moment}`).toBe(200);
        expect((got as any).snap, `moment ${new Date(moment).toISOString()}`).toEqual(snap);
        rebuilt++;
      }
    }
    expect(rebuilt).toBeGreaterThan(30);
    // Moving forward from a moment shown: the changes since, applied to it, give the later moment.
    const usable = seen.filter((x) => x.t >= earliest);
    for (let i = 0; i + 3 < usable.length; i += 3) {
      const [a, b] = [usable[i], usable[i + 3]];
      const base = await fetch(`${s.url}/api/plans/${room}/at?t=${a.t}`, { headers: { authorization: `Bearer ${viewerToken}` } });
      const diff = await fetch(`${s.url}/api/plans/${room}/at?t=${b.t}&from=${a.t}`, { headers: { authorization: `Bearer ${viewerToken}` } });
      expect(diff.headers.get('x-plenary-from')).toBe(String(a.t));
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(await base.arrayBuffer()));
      Y.applyUpdate(doc, new Uint8Array(await diff.arrayBuffer()));
      expect(snapshot(doc), `from ${i} to ${i + 3}`).toEqual(b.snap);
      doc.destroy();
    }
    const backwards = await fetch(`${s.url}/api/plans/${room}/at?t=${usable[0].t}&from=${usable[1].t}`, { headers: { authorization: `Bearer ${viewerToken}` } });
    expect(backwards.status).toBe(400);
    // The live room is untouched, and a moment in the future is now.
    const latest = await planAt(s, room, viewerToken, now + DAY);
    expect((latest as any).at).toBe(now);
    expect((latest as any).snap).toEqual(snapshot(client.doc));

    // Activity adds up to the log kept (the author is the session's user), and the sprint is named.
    const total = history.json.buckets.reduce((n: number, b: any) => n + b.count, 0);
    expect(total).toBeGreaterThan(0);
    expect(history.json.buckets.every((b: any) => b.authors.every((a: any) => ['u-ann', 'test', 'server'].includes(a.id)))).toBe(true);
    expect(history.json.versions.map((v: any) => v.kind)).toEqual(['sprintStart', 'sprintClose']);
  }, 60_000);
});

describe('time travel: access and named versions', () => {
  it('lets viewers read, editors name moments, and refuses other plans’ tokens', async () => {
    let clock = Date.now() + 60_000;
    server = await startServer({ now: () => clock });
    const s = server;
    const room = await s.createPlan('Access plan');
    const other = await s.createPlan('Other plan');
    const viewer = s.token(room, 'viewer', 'Vic');
    const editor = s.token(room, 'editor', 'Ed');
    const foreign = s.token(other, 'admin', 'Olga');

    const c = connectClient(s.wsUrl, room, editor);
    clients.push(c);
    await waitForSync(c);
    clock += HOUR;
    addCard(c.doc, createEditor('u-ed', 'user', () => clock), { title: 'First', status: statuses.list(c.doc)[0].id, rank: rankAtEnd(c.doc) });
    await committed(s, room, c);
    const named = clock;
    clock += HOUR;

    expect((await getJson(s, `/api/plans/${room}/history`, viewer)).status).toBe(200);
    expect((await planAt(s, room, viewer, named)).status).toBe(200);
    for (const path of [`/api/plans/${room}/history`, `/api/plans/${room}/at?t=${named}`]) {
      expect((await getJson(s, path, foreign)).status, path).toBe(403);
      expect((await fetch(`${s.url}${path}`)).status, path).toBe(401);
    }
    expect((await getJson(s, `/api/plans/${room}/at?t=soon`, viewer)).status).toBe(400);

    expect((await postJson(s, `/api/plans/${room}/versions`, viewer, { name: 'Steering' })).status).toBe(403);
    expect((await postJson(s, `/api/plans/${room}/versions`, foreign, { name: 'Steering' })).status).toBe(403);
    expect((await postJson(s, `/api/plans/${room}/versions`, editor, { name: '' })).status).toBe(400);
    expect((await postJson(s, `/api/plans/${room}/versions`, editor, { name: 'Later', at: clock + DAY })).status).toBe(400);
    const made = await postJson(s, `/api/plans/${room}/versions`, editor, { name: 'Steering 12 Nov', at: named });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ kind: 'named', name: 'Steering 12 Nov', at: named, by: 'u-ed' });
    const now = await postJson(s, `/api/plans/${room}/versions`, editor, { name: 'Now' });
    expect(now.json.at).toBe(clock);

    const history = await getJson(s, `/api/plans/${room}/history`, viewer);
    expect(history.json.versions.map((v: any) => [v.name, v.at, v.available])).toEqual([
      ['Steering 12 Nov', named, true],
      ['Now', clock, true]
    ]);
    const first = await planAt(s, room, viewer, named);
    expect((first as any).snap.cards.map((x: any) => x.title)).toEqual(['First']);
  }, 30_000);
});
