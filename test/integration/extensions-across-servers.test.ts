/**
 * Poker and retro with people on different servers (issue 12): three Plenary servers behind a real
 * HAProxy on one Postgres schema and one Redis (test/helpers/topology.ts). Each symptom seen by an
 * operator gets its test: a voter on another server opening the poker panel expired the round; only
 * the facilitator's server's retro cards were revealed; dots cast on another server vanished from
 * the totals while still counted as spent. And a kill -9 of the server that opened a round, mid-vote:
 * its people reconnect through the balancer, the round goes on, the votes survive. Presence
 * (awareness: who is here, presenter follow) crosses servers too.
 *
 * People are placed on chosen servers by connecting to that server directly (the balancer picks
 * round-robin, which a test cannot aim); the kill -9 test goes through the balancer only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanRoom } from '../../server/plans.ts';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { readRound } from '../../shared/doc/poker.ts';
import { readRetro, readSession } from '../../shared/doc/retro.ts';
import type { Role } from '../../shared/protocol.ts';
import { waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { ensurePostgres } from '../helpers/services.ts';
import { ask, connectSpeaker, type Speaker } from '../helpers/speaker.ts';
import { startTopology, type Topology } from '../helpers/topology.ts';

let topology: Topology;
const clients: TestClient[] = [];

beforeAll(async () => {
  await ensurePostgres();
  topology = await startTopology(3);
}, 60_000);
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await topology?.stop();
});

/** Someone on server `at` (0–2), or through the balancer when `at` is 'balancer'. */
async function person(room: string, scope: string, role: Role, name: string, extension: string, at: number | 'balancer'): Promise<Speaker> {
  const url = at === 'balancer' ? topology.wsUrl : topology.servers[at].wsUrl;
  const s = connectSpeaker(url, room, topology.token(scope, role, name), name, extension);
  clients.push(s);
  await waitForSync(s);
  return s;
}

const poker = (who: Speaker, request: Record<string, unknown>) => ask(who, 'poker', request);
const retro = (who: Speaker, request: Record<string, unknown>, expect = 'state') => ask(who, 'retro', request, expect);

async function planWithCard(name: string, fay: (room: string) => Promise<Speaker>) {
  const room = await createPlanRoom(topology.store, { name }, 'test');
  const f = await fay(room);
  const cardId = addCard(f.doc, createEditor('u-fay'), { title: 'Rack the GPU nodes', status: 'todo', rank: 'i' });
  return { room, fay: f, cardId };
}

/** A plan with a retro (start, stop, continue; attributed), made through the balancer. */
async function newRetro(name: string): Promise<{ plan: string; room: string }> {
  const plan = await createPlanRoom(topology.store, { name }, 'test');
  const res = await fetch(`${topology.url}/api/plans/${plan}/retros`, {
    method: 'POST',
    headers: { authorization: `Bearer ${topology.token(`${plan}/*`, 'facilitator', 'Fay')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Sprint 9 retro', template: 'start-stop-continue', anonymous: false })
  });
  expect(res.status).toBe(201);
  return { plan, room: ((await res.json()) as { room: string }).room };
}

describe('extensions across servers', () => {
  it('poker: a voter on another server opening the panel does not expire the round; the reveal has every server\'s votes', async () => {
    const { room, fay, cardId } = await planWithCard('Poker across servers', (r) => person(r, r, 'facilitator', 'Fay', 'poker', 0));
    const vera = await person(room, room, 'editor', 'Vera', 'poker', 1);
    const walt = await person(room, room, 'editor', 'Walt', 'poker', 2);
    await waitFor(() => vera.doc.getMap('cards').size > 0 && walt.doc.getMap('cards').size > 0, 'the card reached servers 1 and 2');
    expect(await poker(fay, { type: 'open', cardId })).toMatchObject({ type: 'opened', round: 1 });
    await waitFor(() => readRound(vera.doc, cardId)?.state === 'voting' && readRound(walt.doc, cardId)?.state === 'voting', 'round 1 seen on servers 1 and 2');
    // Opening the panel is asking for one's own vote: on server 1 this used to expire the round.
    expect(await poker(vera, { type: 'mine', cardId })).toMatchObject({ type: 'mine', round: 1, value: null, expired: false });
    expect(await poker(vera, { type: 'vote', cardId, round: 1, value: 5 })).toMatchObject({ type: 'voted', value: 5 });
    expect(await poker(walt, { type: 'vote', cardId, round: 1, value: 8 })).toMatchObject({ type: 'voted', value: 8 });
    expect(await poker(walt, { type: 'mine', cardId })).toMatchObject({ value: 8, expired: false });
    await waitFor(() => (readRound(fay.doc, cardId)?.voters.length ?? 0) === 2, 'fay sees two voters');
    expect(readRound(fay.doc, cardId)?.state).toBe('voting');
    expect(await poker(fay, { type: 'reveal', cardId, round: 1 })).toMatchObject({ type: 'revealed', round: 1 });
    for (const c of [fay, vera, walt]) await waitFor(() => readRound(c.doc, cardId)?.state === 'revealed', `${c.name} sees the reveal`);
    expect(readRound(vera.doc, cardId)?.votes).toEqual({ 'u-vera': 5, 'u-walt': 8 });
  });

  it('retro: the reveal inserts the drafts written on every server; dots cast on two servers are one budget, all in the totals', async () => {
    const { plan, room } = await newRetro('Retro across servers');
    const fay = await person(room, `${plan}/*`, 'facilitator', 'Fay', 'retro', 0);
    const ana = await person(room, `${plan}/*`, 'editor', 'Ana', 'retro', 1);
    const bo = await person(room, `${plan}/*`, 'editor', 'Bo', 'retro', 2);
    // Ana's second tab, on yet another server: one person, one budget.
    const anaTab = await person(room, `${plan}/*`, 'editor', 'Ana', 'retro', 2);
    const everyone = [fay, ana, bo, anaTab];
    const phase = async (to: string) => {
      await retro(fay, { type: 'phase', to });
      await waitFor(() => everyone.every((p) => readSession(p.doc).phase === to), `everyone in ${to}`);
    };
    await phase('write');
    await retro(ana, { type: 'draft.add', column: 'start', text: 'ANA pairing on server 1' });
    await retro(bo, { type: 'draft.add', column: 'stop', text: 'BO long meetings on server 2' });
    await retro(fay, { type: 'draft.add', column: 'continue', text: 'FAY demos on server 0' });
    // Ana's other tab sees her draft (written through another server).
    expect(((await retro(anaTab, { type: 'hello' })).drafts as { text: string }[]).map((d) => d.text)).toEqual(['ANA pairing on server 1']);
    await phase('reveal');
    await waitFor(() => everyone.every((p) => readRetro(p.doc).cards.length === 3), 'three cards everywhere');
    expect(readRetro(bo.doc).cards.map((c) => c.text).sort()).toEqual(['ANA pairing on server 1', 'BO long meetings on server 2', 'FAY demos on server 0']);
    const topic = (text: string) => readRetro(fay.doc).cards.find((c) => c.text.startsWith(text))!.id;

    await phase('group');
    await retro(fay, { type: 'budget', votes: 2 });
    await phase('vote');
    await retro(ana, { type: 'vote', topic: topic('BO'), delta: 1 });
    const sent = anaTab.inbox.length;
    await retro(anaTab, { type: 'vote', topic: topic('FAY'), delta: 1 });
    // Retro replies carry no req, and the push that Ana's first dot caused on server 1 may reach this
    // tab just before the reply: the newest state this tab has is the one to check.
    const second = await waitFor(() => ((m) => (m?.budgetUsed === 2 ? m : null))(anaTab.inbox.slice(sent).filter((m) => m.type === 'state').at(-1)), 'the second tab sees both dots', 5_000);
    expect(second).toMatchObject({ budgetUsed: 2, ballot: { [topic('BO')]: 1, [topic('FAY')]: 1 } });
    expect(await retro(ana, { type: 'vote', topic: topic('ANA'), delta: 1 }, 'error')).toEqual({ error: 'you have used all 2 of your votes' });
    expect(await retro(anaTab, { type: 'vote', topic: topic('ANA'), delta: 1 }, 'error')).toEqual({ error: 'you have used all 2 of your votes' });
    await retro(bo, { type: 'vote', topic: topic('BO'), delta: 1 });
    await phase('discuss');
    await waitFor(() => Object.keys(readRetro(ana.doc).votes).length > 0, 'totals reach server 1');
    const votes = readRetro(ana.doc).votes as Record<string, { total: number }>;
    expect([votes[topic('BO')]?.total, votes[topic('FAY')]?.total, votes[topic('ANA')]?.total ?? 0]).toEqual([2, 1, 0]);
  });

  it('retro live across servers: a facilitator on server 0 sees the counts move as people write and vote on servers 1 and 2; a person\'s tab on another server sees their drafts; nobody else does', async () => {
    const { plan, room } = await newRetro('Retro counts across servers');
    const fay = await person(room, `${plan}/*`, 'facilitator', 'Fay', 'retro', 0);
    const ana = await person(room, `${plan}/*`, 'editor', 'Ana', 'retro', 1);
    const anaTab = await person(room, `${plan}/*`, 'editor', 'Ana', 'retro', 2);
    const bo = await person(room, `${plan}/*`, 'editor', 'Bo', 'retro', 2);
    // Each connection says hello once (as the app does on open), so its server knows whose it is.
    for (const p of [fay, ana, anaTab, bo]) await retro(p, { type: 'hello' });
    await retro(fay, { type: 'phase', to: 'write' });
    await waitFor(() => [ana, anaTab, bo].every((p) => readSession(p.doc).phase === 'write'), 'everyone writing');

    type State = { drafts?: { text: string }[]; counts?: { columns: Record<string, number>; voters: number } };
    const latest = (p: Speaker) => p.inbox.filter((m) => m.type === 'state').at(-1) as State | undefined;
    const fayBefore = fay.inbox.length;
    await retro(ana, { type: 'draft.add', column: 'start', text: 'ANA pairing, written on server 1' });
    await retro(bo, { type: 'draft.add', column: 'stop', text: 'BO long stand-ups, written on server 2' });
    // Fay asked nothing since: the counts reach her because servers 1 and 2 said so.
    await waitFor(() => latest(fay)?.counts?.columns.start === 1 && latest(fay)?.counts?.columns.stop === 1, 'fay sees 1 start and 1 stop card, live');
    expect(fay.inbox.length).toBeGreaterThan(fayBefore);
    await waitFor(() => latest(anaTab)?.drafts?.some((d) => d.text.startsWith('ANA')), "ana's other tab (server 2) sees her draft, live");
    // P1 still holds across servers: Bo (on server 2 beside Ana's tab) never gets Ana's text.
    expect(JSON.stringify(bo.inbox)).not.toContain('ANA pairing');
    expect(JSON.stringify(fay.inbox)).not.toContain('ANA pairing');
    expect(latest(anaTab)?.drafts?.map((d) => d.text)).toEqual(['ANA pairing, written on server 1']);

    for (const to of ['reveal', 'group', 'vote']) await retro(fay, { type: 'phase', to });
    await waitFor(() => [ana, bo].every((p) => readSession(p.doc).phase === 'vote' && readRetro(p.doc).cards.length === 2), 'voting on every server');
    const topic = readRetro(ana.doc).cards[0].id;
    await retro(ana, { type: 'vote', topic, delta: 1 });
    await retro(bo, { type: 'vote', topic, delta: 1 });
    await waitFor(() => latest(fay)?.counts?.voters === 2, 'fay sees two voters, live');
    // Ana's tab on server 2 learns the dot her server-1 tab spent.
    await waitFor(() => (latest(anaTab) as { budgetUsed?: number } | undefined)?.budgetUsed === 1, "ana's other tab sees her dot, live");
  });

  it('presence across servers: a presenter on server 0 is seen (follow state) on servers 1 and 2, and gone there when they leave', async () => {
    const room = await createPlanRoom(topology.store, { name: 'Presenting across servers' }, 'test');
    const pia = await person(room, room, 'facilitator', 'Pia', 'poker', 0);
    const followers = [await person(room, room, 'editor', 'Quinn', 'poker', 1), await person(room, room, 'editor', 'Ravi', 'poker', 2)];
    const follow = { view: 'meeting', target: null, since: Date.now(), name: 'Pia' };
    pia.provider.awareness.setLocalStateField('follow', follow);
    const seen = (c: Speaker) => [...c.provider.awareness.getStates().entries()].find(([id]) => id === pia.doc.clientID)?.[1] as { follow?: unknown } | undefined;
    for (const f of followers) await waitFor(() => seen(f)?.follow, `${f.name} sees Pia presenting`);
    expect(seen(followers[1])?.follow).toEqual(follow);
    pia.provider.awareness.setLocalStateField('follow', null);
    for (const f of followers) await waitFor(() => seen(f) && seen(f)!.follow === null, `${f.name} sees Pia stop`);
    pia.destroy();
    for (const f of followers) await waitFor(() => !seen(f), `${f.name} sees Pia gone`);
  });

  it('kill -9 of the server that opened a round, mid-vote: people reconnect through the balancer, the round and its votes survive', async () => {
    const landed = async (connect: () => Promise<Speaker>) => {
      const before = await topology.sockets();
      const s = await connect();
      const after = await waitFor(async () => ((n) => (n.reduce((a, b) => a + b, 0) > before.reduce((a, b) => a + b, 0) ? n : null))(await topology.sockets()), 'the new socket counted');
      return { s, server: after.findIndex((n, i) => n > before[i]) };
    };
    const room = await createPlanRoom(topology.store, { name: 'Poker through a kill -9' }, 'test');
    const { s: fay, server: fayServer } = await landed(() => person(room, room, 'facilitator', 'Fay', 'poker', 'balancer'));
    const cardId = addCard(fay.doc, createEditor('u-fay'), { title: 'Rack the GPU nodes', status: 'todo', rank: 'i' });
    const voters: Speaker[] = [];
    for (const name of ['Vera', 'Walt', 'Xena']) voters.push((await landed(() => person(room, room, 'editor', name, 'poker', 'balancer'))).s);
    await waitFor(() => voters.every((v) => v.doc.getMap('cards').size > 0), 'the card everywhere');
    expect(await poker(fay, { type: 'open', cardId })).toMatchObject({ type: 'opened', round: 1 });
    await waitFor(() => voters.every((v) => readRound(v.doc, cardId)?.state === 'voting'), 'round 1 everywhere');
    await poker(voters[0], { type: 'vote', cardId, round: 1, value: 3 });
    await poker(voters[1], { type: 'vote', cardId, round: 1, value: 5 });

    await topology.servers[fayServer].kill('SIGKILL');
    await waitFor(() => !fay.provider.wsconnected, 'fay lost her server');
    await waitFor(() => fay.provider.wsconnected && fay.provider.synced, 'fay back through the balancer', 15_000);
    await Promise.all(voters.map((v) => waitFor(() => v.provider.wsconnected && v.provider.synced, `${v.name} connected`, 15_000)));
    // The round goes on: votes kept, a late vote accepted, the reveal has all three.
    expect(await poker(voters[0], { type: 'mine', cardId })).toMatchObject({ round: 1, value: 3, expired: false });
    await poker(voters[2], { type: 'vote', cardId, round: 1, value: 8 });
    expect(await poker(fay, { type: 'reveal', cardId, round: 1 })).toMatchObject({ type: 'revealed', round: 1 });
    await waitFor(() => voters.every((v) => readRound(v.doc, cardId)?.state === 'revealed'), 'everyone sees the reveal');
    expect(readRound(voters[2].doc, cardId)?.votes).toEqual({ 'u-vera': 3, 'u-walt': 5, 'u-xena': 8 });
  }, 60_000);
});
