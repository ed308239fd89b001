/**
 * Retro privacy and anonymity against the real server, with a raw observer that records and
 * decodes every frame it receives (sync, awareness, private):
 *
 * - [P1] before the reveal no other participant's card text appears in any frame anyone receives,
 *   except the author's own replies and, without any author, the facilitator's moderation list;
 * - [P2] after an anonymous reveal no field of the shared document and no Yjs client id of a card
 *   maps to its author: every card was inserted by the server's own client, and the store's log
 *   names no writer either;
 * - [P4] ballots stay out of every frame until the vote closes; then only totals are written;
 * - [R1] a non-facilitator's forged update to the phase, timer or budget is closed with 4406 and
 *   changes nothing; a non-facilitator's request to change them is refused.
 */
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addGroup, placeCard, readRetro, readSession } from '../../shared/doc/retro.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { CLOSE, encodePrivate, MESSAGE_ACK, MESSAGE_AWARENESS, MESSAGE_PRIVATE, MESSAGE_SYNC, readPrivateBody, type Role } from '../../shared/protocol.ts';
import { RETRO_ROOT } from '../../shared/schema.ts';
import { connectClient, nextClose, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectRaw, fetchRoomState, mirrorDoc, readAwarenessFrame, type Mirror, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

type Inbox = Record<string, unknown>[];

/** A participant: a stock client (the app's own provider) that speaks to the retro extension. */
type Person = { name: string; client: TestClient; inbox: Inbox; device: string };

const device = (name: string) => `device-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-0123456789abcdef`.slice(0, 40);

function decodeAwareness(update: Uint8Array): { client: number; state: unknown }[] {
  const d = decoding.createDecoder(update);
  const out: { client: number; state: unknown }[] = [];
  const n = decoding.readVarUint(d);
  for (let i = 0; i < n; i++) {
    const client = decoding.readVarUint(d);
    decoding.readVarUint(d);
    out.push({ client, state: JSON.parse(decoding.readVarString(d)) });
  }
  return out;
}

/** Every frame an observer received, decoded to text: sync updates as the JSON of what they insert. */
function decodeFrame(frame: Uint8Array): { kind: string; text: string } {
  const type = frame[0];
  if (type === MESSAGE_PRIVATE) {
    const d = decoding.createDecoder(frame);
    decoding.readVarUint(d);
    return { kind: 'private', text: JSON.stringify(readPrivateBody(d)) };
  }
  if (type === MESSAGE_AWARENESS) return { kind: 'awareness', text: JSON.stringify(decodeAwareness(readAwarenessFrame(frame)!)) };
  if (type === MESSAGE_SYNC) {
    const d = decoding.createDecoder(frame);
    decoding.readVarUint(d);
    const sub = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (sub === 0) return { kind: 'sync-step1', text: '' };
    const probe = new Y.Doc();
    try {
      Y.applyUpdate(probe, payload);
      return { kind: 'sync', text: JSON.stringify(Object.fromEntries([...probe.share.keys()].map((k) => [k, probe.getMap(k).toJSON()]))) };
    } finally {
      probe.destroy();
    }
  }
  return { kind: `type-${type}`, text: '' };
}

/** Raw bytes and decoded content: a secret must appear in neither. */
function framesMention(frames: Uint8Array[], secret: string): string[] {
  const needle = Buffer.from(secret);
  const hits: string[] = [];
  frames.forEach((f, i) => {
    const decoded = decodeFrame(f);
    if (Buffer.from(f).includes(needle) || decoded.text.includes(secret)) hits.push(`frame ${i} (${decoded.kind}): ${decoded.text.slice(0, 200)}`);
  });
  return hits;
}

describe('retro privacy', () => {
  let server: TestServer;
  let plan: string;
  const clients: TestClient[] = [];
  const raws: RawClient[] = [];

  beforeAll(async () => {
    server = await startServer();
    plan = await server.createPlan('Retro privacy');
  });
  afterAll(async () => {
    raws.forEach((r) => r.terminate());
    clients.forEach((c) => c.destroy());
    await server?.stop();
  });

  async function createRetro(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${server.url}/api/plans/${plan}/retros`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token(`${plan}/*`, 'facilitator', 'Fay')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { room: string }).room;
  }

  async function join(room: string, name: string, role: Role = 'editor'): Promise<Person> {
    const client = connectClient(server.wsUrl, room, server.token(`${plan}/*`, role, name), { ack: true });
    clients.push(client);
    const inbox: Inbox = [];
    client.provider.messageHandlers[MESSAGE_ACK] = () => {};
    client.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => {
      const body = readPrivateBody(d);
      if (body?.extension === 'retro') inbox.push(body.payload as Record<string, unknown>);
    };
    await waitForSync(client);
    client.provider.awareness.setLocalState({ user: { id: `u-${name.toLowerCase()}`, name } });
    const person = { name, client, inbox, device: device(name) };
    await ask(person, { type: 'hello' });
    return person;
  }

  /** Sends a request and waits for the reply it causes (the next state, moderation or error). */
  async function ask(p: Person, request: Record<string, unknown>, expect: 'state' | 'moderation' | 'error' | 'any' = 'any'): Promise<Record<string, unknown>> {
    const before = p.inbox.length;
    p.client.provider.ws!.send(encodePrivate('retro', { device: p.device, name: p.name, ...request }) as Uint8Array<ArrayBuffer>);
    return waitFor(
      () => p.inbox.slice(before).find((m) => expect === 'any' || (expect === 'error' ? 'error' in m : m.type === expect)),
      `${p.name}: reply to ${JSON.stringify(request)}`
    );
  }

  async function observe(room: string): Promise<{ raw: RawClient; mirror: Mirror; device: string }> {
    const raw = await connectRaw(server.wsUrl, room, server.token(`${plan}/*`, 'editor', 'Oliver Observer'), { ack: true });
    raws.push(raw);
    await raw.joined();
    const mirror = mirrorDoc(raw);
    const dev = device('Oliver');
    raw.send(encodePrivate('retro', { type: 'hello', device: dev, name: 'Oliver Observer' }));
    await raw.waitFrames((fs) => fs.some((f) => f[0] === MESSAGE_PRIVATE), 'observer hello reply');
    return { raw, mirror, device: dev };
  }

  const lastState = (p: Person) => [...p.inbox].reverse().find((m) => m.type === 'state') as { drafts: { id: string; text: string; hidden: boolean }[]; ballot: Record<string, number>; counts?: Record<string, unknown> } | undefined;

  it('anonymous retro: drafts stay private, cards are the server\'s, ballots stay hidden, forgeries are refused', async () => {
    const room = await createRetro({ title: 'Sprint 7 retro', template: 'start-stop-continue' });
    const fay = await join(room, 'Fay', 'facilitator');
    const ana = await join(room, 'Anastasia Quill');
    const bo = await join(room, 'Bogdan Zeller');
    const obs = await observe(room);
    const initialClients = new Set(obs.mirror.doc.store.clients.keys());
    await waitFor(() => readSession(obs.mirror.doc).phase === 'review', 'observer has the retro');

    // [R1] Requests from a non-facilitator are refused and change nothing.
    expect(await ask(bo, { type: 'phase', to: 'write' }, 'error')).toEqual({ error: 'only a facilitator may move the retro to another phase' });
    expect(await ask(bo, { type: 'budget', votes: 9 }, 'error')).toMatchObject({ error: expect.stringMatching(/facilitator/) });
    expect(await ask(bo, { type: 'timer', seconds: 60 }, 'error')).toMatchObject({ error: expect.stringMatching(/facilitator/) });
    expect(await ask(ana, { type: 'draft.add', column: 'start', text: 'too early' }, 'error')).toEqual({ error: 'writing is closed' });

    await ask(fay, { type: 'phase', to: 'write' }, 'state');
    await waitFor(() => readSession(ana.client.doc).phase === 'write', 'write phase');

    // [P1] Private writing.
    await ask(ana, { type: 'draft.add', column: 'start', text: 'ANA-SECRET-pairing' }, 'state');
    await ask(ana, { type: 'draft.add', column: 'stop', text: 'ANA-SECRET-typo' }, 'state');
    const typo = lastState(ana)!.drafts.find((d) => d.text === 'ANA-SECRET-typo')!;
    await ask(ana, { type: 'draft.edit', id: typo.id, text: 'ANA-SECRET-long-meetings' }, 'state');
    await ask(bo, { type: 'draft.add', column: 'continue', text: 'BO-SECRET-demos' }, 'state');
    await ask(bo, { type: 'draft.add', column: 'stop', text: 'BO-SECRET-deleted' }, 'state');
    await ask(bo, { type: 'draft.add', column: 'stop', text: 'BO-SECRET-rude-remark' }, 'state');
    const deleted = lastState(bo)!.drafts.find((d) => d.text === 'BO-SECRET-deleted')!;
    await ask(bo, { type: 'draft.delete', id: deleted.id }, 'state');
    obs.raw.send(encodePrivate('retro', { type: 'draft.add', column: 'start', text: 'OLLY-SECRET-own', device: obs.device, name: 'Oliver Observer' }));

    // Someone else's draft id works like a missing one.
    expect(await ask(ana, { type: 'draft.delete', id: lastState(bo)!.drafts[0].id }, 'error')).toMatchObject({ error: expect.stringMatching(/not yours/) });

    expect(lastState(ana)!.drafts.map((d) => d.text).sort()).toEqual(['ANA-SECRET-long-meetings', 'ANA-SECRET-pairing']);
    expect(lastState(bo)!.drafts.map((d) => d.text).sort()).toEqual(['BO-SECRET-demos', 'BO-SECRET-rude-remark']);

    // The facilitator sees counts, and texts without authors; hides one.
    await waitFor(() => (lastState(fay)?.counts as { columns: Record<string, number> } | undefined)?.columns.start === 2, 'facilitator counts');
    expect(lastState(fay)!.counts).toMatchObject({ columns: { start: 2, stop: 2, continue: 1 }, hidden: 0 });
    const moderation = (await ask(fay, { type: 'moderation' }, 'moderation')) as { cards: { id: string; text: string; column: string }[] };
    expect(moderation.cards.map((c) => c.text)).toEqual(['ANA-SECRET-pairing', 'OLLY-SECRET-own', 'ANA-SECRET-long-meetings', 'BO-SECRET-rude-remark', 'BO-SECRET-demos']);
    for (const c of moderation.cards) expect(Object.keys(c).sort()).toEqual(['column', 'hidden', 'id', 'text']);
    const moderationText = JSON.stringify(moderation);
    for (const who of ['Anastasia', 'Bogdan', 'Oliver', 'u-anastasia-quill', 'u-bogdan-zeller', ana.device, bo.device]) expect(moderationText).not.toContain(who);
    const rude = moderation.cards.find((c) => c.text === 'BO-SECRET-rude-remark')!;
    await ask(fay, { type: 'hide', id: rude.id, hidden: true }, 'moderation');
    await waitFor(() => lastState(bo)!.drafts.some((d) => d.hidden), 'the author learns the card is hidden');

    // Nothing secret reached anyone else: not the observer (in any frame), not the other writers.
    for (const secret of ['ANA-SECRET', 'BO-SECRET']) expect(framesMention(obs.raw.frames, secret)).toEqual([]);
    expect(JSON.stringify(ana.inbox)).not.toContain('BO-SECRET');
    expect(JSON.stringify(ana.inbox)).not.toContain('OLLY-SECRET');
    expect(JSON.stringify(bo.inbox)).not.toContain('ANA-SECRET');
    expect(readRetro(obs.mirror.doc).cards).toEqual([]);
    expect(framesMention(obs.raw.frames, 'OLLY-SECRET').every((h) => h.includes('(private)'))).toBe(true);

    // [R1] Forged writes to the session (phase, timer, budget), cards and votes: closed with 4406.
    const forgeries: [string, (d: Y.Doc) => void][] = [
      ['phase', (d) => d.getMap(RETRO_ROOT.session).set('phase', 'reveal')],
      ['timer', (d) => d.getMap(RETRO_ROOT.session).set('timer', { startedAt: Date.now(), durationMs: 1 })],
      ['budget', (d) => d.getMap(RETRO_ROOT.session).set('voteBudget', 20)],
      ['card', (d) => d.getMap(RETRO_ROOT.cards).set('fake', new Y.Map())],
      ['votes', (d) => d.getMap(RETRO_ROOT.votes).set('fake', { total: 99 })]
    ];
    for (const [what, forge] of forgeries) {
      const mallory = connectClient(server.wsUrl, room, server.token(`${plan}/*`, 'editor', 'Mallory'));
      clients.push(mallory);
      await waitForSync(mallory);
      const closed = nextClose(mallory);
      forge(mallory.doc);
      expect((await closed).code, what).toBe(CLOSE.forbiddenWrite.code);
      mallory.provider.disconnect();
    }
    // Even a facilitator cannot write the session directly: only through the extension.
    const forger = connectClient(server.wsUrl, room, server.token(`${plan}/*`, 'facilitator', 'Fay2'));
    clients.push(forger);
    await waitForSync(forger);
    const closed = nextClose(forger);
    forger.doc.getMap(RETRO_ROOT.session).set('phase', 'close');
    expect((await closed).code).toBe(CLOSE.forbiddenWrite.code);
    forger.provider.disconnect();
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, await fetchRoomState(server.wsUrl, room, server.token(room, 'viewer')));
    expect(readSession(fresh)).toMatchObject({ phase: 'write', voteBudget: 5, timer: null });
    expect(fresh.getMap(RETRO_ROOT.cards).size).toBe(0);

    // [P2] The reveal: the server inserts the cards; the hidden and the deleted one never appear.
    await ask(fay, { type: 'phase', to: 'reveal' }, 'state');
    await waitFor(() => readRetro(obs.mirror.doc).cards.length === 4, 'four cards revealed');
    const revealed = readRetro(obs.mirror.doc);
    expect(revealed.cards.map((c) => c.text).sort()).toEqual(['ANA-SECRET-long-meetings', 'ANA-SECRET-pairing', 'BO-SECRET-demos', 'OLLY-SECRET-own']);
    expect(revealed.cards.every((c) => c.author === null)).toBe(true);
    const serverClient = server.server.rooms.get(room)!.doc.clientID;
    const cardsRoot = obs.mirror.doc.getMap(RETRO_ROOT.cards);
    for (const [, card] of cardsRoot) {
      const m = card as Y.Map<unknown>;
      expect(m._item!.id.client).toBe(serverClient);
      expect([...m.keys()].sort()).toEqual(['column', 'rank', 'text']);
      // Every field's item too: the text, column and rank were written by the server's client.
      for (const item of m._map.values()) expect(item.id.client).toBe(serverClient);
    }
    // No participant's Yjs client wrote anything: the only new writer is the server's room client.
    const writers = new Set(obs.mirror.doc.store.clients.keys());
    for (const c of initialClients) writers.delete(c);
    expect([...writers]).toEqual([serverClient]);
    for (const p of [ana, bo]) expect(obs.mirror.doc.store.clients.has(p.client.doc.clientID)).toBe(false);
    const docJson = JSON.stringify(Object.fromEntries([...obs.mirror.doc.share.keys()].map((k) => [k, obs.mirror.doc.getMap(k).toJSON()])));
    for (const who of ['Anastasia', 'u-anastasia-quill', 'Bogdan', 'u-bogdan-zeller', 'Oliver', 'u-oliver-observer', ana.device, bo.device]) expect(docJson).not.toContain(who);
    // Not even the store's log says who: the reveal was written by the server as 'server'.
    const history = await server.server.store.loadHistory(room);
    const probe = new Y.Doc();
    const reveal = history.updates.filter((u) => {
      const before = probe.getMap(RETRO_ROOT.cards).size;
      Y.applyUpdate(probe, u.data);
      return probe.getMap(RETRO_ROOT.cards).size > before;
    });
    probe.destroy();
    expect(reveal.length).toBeGreaterThan(0);
    expect(reveal.every((u) => u.author === 'server:server')).toBe(true);

    // Group: two people drag the same card into different groups at once; it ends in exactly one.
    await ask(fay, { type: 'phase', to: 'group' }, 'state');
    await waitFor(() => readSession(ana.client.doc).phase === 'group' && readRetro(bo.client.doc).cards.length === 4, 'group phase');
    const cardsNow = readRetro(ana.client.doc).cards;
    const pairing = cardsNow.find((c) => c.text === 'ANA-SECRET-pairing')!;
    const meetings = cardsNow.find((c) => c.text === 'ANA-SECRET-long-meetings')!;
    const gA = addGroup(ana.client.doc, createEditor('u-ana'), { title: 'Ways of working', column: 'start', breakout: null }, [pairing.id]);
    const gB = addGroup(bo.client.doc, createEditor('u-bo'), { title: 'Meetings', column: 'stop', breakout: null }, [meetings.id]);
    await waitFor(() => readRetro(ana.client.doc).groups.length === 2 && readRetro(bo.client.doc).groups.length === 2, 'both groups everywhere');
    placeCard(ana.client.doc, createEditor('u-ana'), meetings.id, gA);
    placeCard(bo.client.doc, createEditor('u-bo'), meetings.id, gB);
    await waitFor(() => {
      const a = readRetro(ana.client.doc).placements[meetings.id];
      return a && a === readRetro(bo.client.doc).placements[meetings.id] && a === readRetro(obs.mirror.doc).placements[meetings.id];
    }, 'the card converges to one group');

    // [P4] Dot voting: ballots stay in the server until the vote closes.
    await ask(fay, { type: 'budget', votes: 3 }, 'state');
    await ask(fay, { type: 'phase', to: 'vote' }, 'state');
    await waitFor(() => readSession(ana.client.doc).phase === 'vote', 'vote phase');
    expect(await ask(fay, { type: 'budget', votes: 9 }, 'error')).toMatchObject({ error: expect.stringMatching(/before voting/) });
    const demos = cardsNow.find((c) => c.text === 'BO-SECRET-demos')!;
    const framesBeforeVotes = obs.raw.frames.length;
    await ask(ana, { type: 'vote', topic: gA, delta: 1 }, 'state');
    await ask(ana, { type: 'vote', topic: gA, delta: 1 }, 'state');
    await ask(ana, { type: 'vote', topic: demos.id, delta: 1 }, 'state');
    expect(await ask(ana, { type: 'vote', topic: demos.id, delta: 1 }, 'error')).toEqual({ error: 'you have used all 3 of your votes' });
    await ask(bo, { type: 'vote', topic: demos.id, delta: 1 }, 'state');
    await ask(bo, { type: 'vote', topic: gB, delta: 1 }, 'state');
    await ask(bo, { type: 'vote', topic: gB, delta: -1 }, 'state');
    expect(lastState(ana)!.ballot).toEqual({ [gA]: 2, [demos.id]: 1 });
    expect(lastState(bo)!.ballot).toEqual({ [demos.id]: 1 });
    await waitFor(() => (lastState(fay)!.counts as { dots: number }).dots === 4, 'facilitator sees how many dots, not whose');
    expect(lastState(fay)!.counts).toMatchObject({ voters: 2, dots: 4 });
    expect(JSON.stringify(lastState(fay))).not.toContain(gA);
    // Nothing about anyone's ballot reached the observer or the other voter.
    const voteFrames = obs.raw.frames.slice(framesBeforeVotes);
    for (const id of [gA, gB, demos.id]) expect(framesMention(voteFrames, id)).toEqual([]);
    expect(JSON.stringify(bo.inbox)).not.toContain(gA);
    expect(obs.mirror.doc.getMap(RETRO_ROOT.votes).size).toBe(0);

    // Closing the vote writes totals only (anonymous).
    await ask(fay, { type: 'phase', to: 'discuss' }, 'state');
    await waitFor(() => Object.keys(readRetro(obs.mirror.doc).votes).length === 2, 'results');
    expect(readRetro(obs.mirror.doc).votes).toEqual({ [gA]: { total: 2 }, [demos.id]: { total: 2 } });
    for (const result of Object.values(obs.mirror.doc.getMap(RETRO_ROOT.votes).toJSON())) expect(Object.keys(result as object)).toEqual(['total']);

    // The shared timer runs on server time.
    const before = Date.now();
    await ask(fay, { type: 'timer', seconds: 120 }, 'state');
    await waitFor(() => readSession(obs.mirror.doc).timer, 'timer');
    const timer = readSession(obs.mirror.doc).timer!;
    expect(timer.durationMs).toBe(120_000);
    expect(timer.startedAt).toBeGreaterThanOrEqual(before - 5);
    expect(timer.startedAt).toBeLessThanOrEqual(Date.now());
    await ask(fay, { type: 'focus', topic: gA }, 'state');
    await waitFor(() => readSession(ana.client.doc).focus === gA, 'focus follows the facilitator');
  });

  it('attributed retro: cards carry the author\'s name and results say who voted for what', async () => {
    const room = await createRetro({ title: 'Open retro', template: 'mad-sad-glad', anonymous: false });
    const fay = await join(room, 'Fay', 'facilitator');
    const ana = await join(room, 'Ana');
    await ask(fay, { type: 'phase', to: 'write' }, 'state');
    await waitFor(() => readSession(ana.client.doc).phase === 'write', 'write');
    await ask(ana, { type: 'draft.add', column: 'glad', text: 'Shipped on time' }, 'state');
    for (const to of ['reveal', 'group', 'vote']) await ask(fay, { type: 'phase', to }, 'state');
    await waitFor(() => readRetro(ana.client.doc).cards.length === 1 && readSession(ana.client.doc).phase === 'vote', 'revealed, voting');
    const card = readRetro(ana.client.doc).cards[0];
    expect(card.author).toBe('Ana');
    await ask(ana, { type: 'vote', topic: card.id, delta: 1 }, 'state');
    await ask(fay, { type: 'abstain', abstain: true }, 'state');
    expect(await ask(fay, { type: 'vote', topic: card.id, delta: 1 }, 'error')).toEqual({ error: 'you chose not to vote' });
    await ask(fay, { type: 'phase', to: 'discuss' }, 'state');
    await waitFor(() => readRetro(ana.client.doc).votes[card.id], 'results');
    expect(readRetro(ana.client.doc).votes[card.id]).toEqual({ total: 1, by: { Ana: 1 } });
  });

  it('writing kept open for latecomers: their cards wait until the facilitator reveals them', async () => {
    const room = await createRetro({ title: 'Latecomers', template: '4ls' });
    const fay = await join(room, 'Fay', 'facilitator');
    const ana = await join(room, 'Ana');
    await ask(fay, { type: 'phase', to: 'write' }, 'state');
    await ask(fay, { type: 'late', open: true }, 'state');
    await ask(fay, { type: 'phase', to: 'reveal' }, 'state');
    const late = await join(room, 'Lee');
    await waitFor(() => readSession(late.client.doc).phase === 'reveal', 'reveal');
    await ask(late, { type: 'draft.add', column: 'learned', text: 'LATE-card' }, 'state');
    await new Promise((r) => setTimeout(r, 100));
    expect(readRetro(ana.client.doc).cards).toEqual([]);
    expect(JSON.stringify(ana.inbox)).not.toContain('LATE-card');
    await ask(fay, { type: 'flush' }, 'state');
    await waitFor(() => readRetro(ana.client.doc).cards.length === 1, 'late card revealed');
    await ask(fay, { type: 'late', open: false }, 'state');
    expect(await ask(late, { type: 'draft.add', column: 'learned', text: 'too late' }, 'error')).toEqual({ error: 'writing is closed' });
  });
});
