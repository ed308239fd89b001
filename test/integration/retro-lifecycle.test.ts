/**
 * A retro's life around its plan, against the real server: creation through the API (who may, what
 * is refused), the server's link from the plan document, breakouts and their merge, actions that
 * become backlog cards on the plan when the retro closes, and the next retro reviewing them with
 * their cards' status.
 */
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cards, moveCard } from '../../shared/doc/cards.ts';
import { retros } from '../../shared/doc/decisions.ts';
import { addMember } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { addAction, addGroup, placeCard, readRetro, readSession, retroActions } from '../../shared/doc/retro.ts';
import { encodePrivate, MESSAGE_ACK, MESSAGE_PRIVATE, readPrivateBody, type Role } from '../../shared/protocol.ts';
import { personKey } from '../../shared/retro/breakouts.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

type Person = { name: string; client: TestClient; inbox: Record<string, unknown>[] };

describe('retro lifecycle', () => {
  let server: TestServer;
  let plan: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startServer();
    plan = await server.createPlan('Retro lifecycle');
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server?.stop();
  });

  const post = (token: string, body: unknown, room = plan) =>
    fetch(`${server.url}/api/plans/${room}/retros`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });

  function join(room: string, name: string, role: Role = 'editor'): Person {
    const client = connectClient(server.wsUrl, room, server.token(`${plan}/*`, role, name), { ack: true });
    clients.push(client);
    const inbox: Record<string, unknown>[] = [];
    client.provider.messageHandlers[MESSAGE_ACK] = () => {};
    client.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => {
      const body = readPrivateBody(d);
      if (body?.extension === 'retro') inbox.push(body.payload as Record<string, unknown>);
    };
    return { name, client, inbox };
  }

  async function ask(p: Person, request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const before = p.inbox.length;
    p.client.provider.ws!.send(encodePrivate('retro', { device: `dev-${p.name}-0123456789abcdef`, name: p.name, ...request }) as Uint8Array<ArrayBuffer>);
    const reply = await waitFor(() => p.inbox[before], `${p.name}: reply to ${request.type}`);
    if ('error' in reply) throw new Error(String(reply.error));
    return reply;
  }

  it('only a facilitator or admin whose token covers the plan creates a retro; bad requests are refused', async () => {
    expect((await post(server.token(`${plan}/*`, 'editor', 'Ed'), { title: 'x' })).status).toBe(403);
    expect((await post(server.token('other-plan/*', 'facilitator', 'Fay'), { title: 'x' })).status).toBe(403);
    expect((await post('garbage', { title: 'x' })).status).toBe(401);
    expect((await post(server.token('*', 'admin', 'Root'), { title: 'x' }, 'no-such-plan')).status).toBe(404);
    const bad = await post(server.token(`${plan}/*`, 'facilitator', 'Fay'), { title: 'x', template: 'custom', columns: [] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe('a custom retro needs at least one column');
    // A retro is not a plan: no retro of a retro.
    const ok = await post(server.token(`${plan}/*`, 'facilitator', 'Fay'), { title: 'First', template: 'custom', columns: ['Kudos', 'Puzzles'] });
    expect(ok.status).toBe(201);
    const { room, url } = (await ok.json()) as { room: string; url: string };
    expect(room).toMatch(new RegExp(`^${plan}/retro-[a-z0-9]+$`));
    expect(url).toBe(`/p/${room}`);
    const [, retroId] = room.split('/');
    expect((await post(server.token(`${plan}/*`, 'admin', 'Root'), { title: 'x' }, `${plan}%2F${retroId}`)).status).toBe(404);
  });

  it('the plan links its retros; breakouts split the board and merge back; actions become backlog cards; the next retro reviews them', async () => {
    const res = await post(server.token(`${plan}/*`, 'facilitator', 'Fay'), { title: 'Sprint 8 retro', template: 'sailboat', sprint: 's8' });
    const { room } = (await res.json()) as { room: string };

    // The server linked the retro from the plan document: everyone in the plan sees it.
    const planner = connectClient(server.wsUrl, plan, server.token(`${plan}/*`, 'editor', 'Pia'));
    clients.push(planner);
    await waitForSync(planner);
    await waitFor(() => retros.get(planner.doc, room), 'the link');
    expect(retros.get(planner.doc, room)).toMatchObject({ room, title: 'Sprint 8 retro', sprint: 's8' });
    const maria = addMember(planner.doc, createEditor('u-pia'), { name: 'Maria Lopez', title: 'SRE', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 10 });

    const fay = join(room, 'Fay', 'facilitator');
    const ana = join(room, 'Ana');
    const bo = join(room, 'Bo');
    await Promise.all([fay, ana, bo].map((p) => waitForSync(p.client)));
    expect(readRetro(ana.client.doc)).toMatchObject({ meta: { title: 'Sprint 8 retro', template: 'sailboat', plan, anonymous: true }, review: [] });
    expect(readRetro(ana.client.doc).columns.map((c) => c.title)).toEqual(['Wind', 'Anchors', 'Rocks', 'Island']);

    await ask(fay, { type: 'phase', to: 'write' });
    await waitFor(() => readSession(ana.client.doc).phase === 'write', 'write');
    for (let i = 0; i < 6; i++) await ask(i % 2 ? bo : ana, { type: 'draft.add', column: i < 3 ? 'wind' : 'anchors', text: `card ${i}` });
    await ask(fay, { type: 'phase', to: 'reveal' });
    await ask(fay, { type: 'phase', to: 'group' });

    // Breakouts: Ana in 0, Bo in 1; each makes a "Tooling" group; the merge joins them.
    const members = { [personKey('u-ana', 'Ana')]: 0, [personKey('u-bo', 'Bo')]: 1 };
    await ask(fay, { type: 'breakouts', count: 2, members });
    await waitFor(() => readSession(ana.client.doc).breakouts?.count === 2 && readRetro(ana.client.doc).cards.length === 6, 'breakouts');
    expect(readSession(ana.client.doc).breakouts).toEqual({ count: 2, members });
    const all = readRetro(ana.client.doc).cards;
    const g0 = addGroup(ana.client.doc, createEditor('u-ana'), { title: 'Tooling', column: 'wind', breakout: 0 }, [all[0].id]);
    await waitFor(() => readRetro(bo.client.doc).cards.length === 6, 'bo has the cards');
    const g1 = addGroup(bo.client.doc, createEditor('u-bo'), { title: ' tooling ', column: 'wind', breakout: 1 }, [all[1].id, all[2].id]);
    await waitFor(() => readRetro(fay.client.doc).groups.length === 2, 'both groups');
    await ask(fay, { type: 'merge' });
    await waitFor(() => readRetro(ana.client.doc).groups.length === 1 && readSession(ana.client.doc).breakouts === null, 'merged');
    const merged = readRetro(ana.client.doc);
    const kept = merged.groups[0].id;
    expect([g0, g1]).toContain(kept);
    expect(merged.placements).toEqual({ [all[0].id]: kept, [all[1].id]: kept, [all[2].id]: kept });

    // Voting switched off: group → discuss directly.
    await ask(fay, { type: 'budget', votes: 0 });
    await ask(fay, { type: 'phase', to: 'discuss' });
    await ask(fay, { type: 'phase', to: 'actions' });
    await waitFor(() => readSession(ana.client.doc).phase === 'actions', 'actions');
    addAction(ana.client.doc, createEditor('u-ana'), { text: 'Automate the rack checklist', owner: 'maria lopez', due: '2030-01-15', topic: kept });
    addAction(bo.client.doc, createEditor('u-bo'), { text: 'Write the on-call guide', owner: 'Bo', due: null, topic: null });
    placeCard(ana.client.doc, createEditor('u-ana'), all[3].id, kept);
    await waitFor(() => retroActions.list(fay.client.doc).length === 2, 'actions everywhere');

    // Close: the server adds a backlog card per action to the plan and notes it on the action.
    const closed = await ask(fay, { type: 'phase', to: 'close' });
    expect(closed.type).toBe('state');
    await waitFor(() => fay.inbox.some((m) => m.type === 'closed'), 'closed reply');
    expect(fay.inbox.find((m) => m.type === 'closed')).toMatchObject({ backlogCards: 2 });
    await waitFor(() => retroActions.list(ana.client.doc).every((a) => a.cardId), 'card ids on the actions');
    await waitFor(() => cards.list(planner.doc).length === 2, 'backlog cards on the plan');
    const backlog = cards.list(planner.doc).sort((a, b) => a.title.localeCompare(b.title));
    expect(backlog.map((c) => [c.title, c.status, c.sprint, c.assignee, c.due, c.labels])).toEqual([
      ['Automate the rack checklist', 'backlog', null, maria, '2030-01-15', ['retro-action']],
      ['Write the on-call guide', 'backlog', null, null, null, ['retro-action']]
    ]);
    expect(backlog.every((c) => c.createdBy === 'u-fay')).toBe(true);

    // One card is done by the next retro.
    moveCard(planner.doc, createEditor('u-pia'), backlog[0].id, { status: 'done' });
    await waitFor(() => cards.get(server.server.rooms.get(plan)!.doc, backlog[0].id)?.status === 'done', 'the move reached the server');
    const next = await post(server.token(`${plan}/*`, 'facilitator', 'Fay'), { title: 'Sprint 9 retro' });
    const nextRoom = ((await next.json()) as { room: string }).room;
    const reviewer = join(nextRoom, 'Ana');
    await waitForSync(reviewer.client);
    const review = readRetro(reviewer.client.doc);
    expect(review.meta.previous).toBe(room);
    expect(review.session.phase).toBe('review');
    // (Two actions added at once may share a rank; compare them in a fixed order.)
    expect(review.review.map((r) => [r.text, r.owner, r.cardStatus, r.cardDone, r.outcome]).sort()).toEqual([
      ['Automate the rack checklist', 'maria lopez', 'Done', true, 'pending'],
      ['Write the on-call guide', 'Bo', 'Backlog', false, 'pending']
    ]);
    await waitFor(() => retros.list(planner.doc).length === 3, 'three retros linked');
    expect(Y.encodeStateAsUpdate(planner.doc).length).toBeGreaterThan(0);
  });
});
