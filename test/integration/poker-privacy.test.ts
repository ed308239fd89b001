/**
 * Planning poker's privacy rule against the real server: a vote is not readable by anyone else
 * before the reveal — not in the shared document, not in awareness, not in any frame another client
 * receives, and not in the document log the server stores (held votes sit in its extension state, which no client reads).
 *
 * A facilitator and a voter speak the app's protocol (stock WebsocketProvider with ack=1, private
 * messages type 101). A third client, the observer, is a raw `ws` socket joined as an editor, also
 * with ack=1 (so it would receive any private frame that leaked), speaking the sync protocol by hand
 * and recording every frame. The voter plays a distinctive card (868.5, from a custom deck) so it
 * can be searched for: in the observer's decoded document, in every awareness state, in every
 * private frame, and as the bytes of its JSON form in every raw frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { readRound } from '../../shared/doc/poker.ts';
import { CLOSE, encodePrivate, MESSAGE_ACK, MESSAGE_AWARENESS, MESSAGE_PRIVATE, readPrivateBody, type Role } from '../../shared/protocol.ts';
import { PLAN_ROOT } from '../../shared/schema.ts';
import { connectClient, nextClose, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectRaw, mirrorDoc, readAwarenessFrame, type Mirror, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const VOTE = 868.5;
const DECK = [1, 2, 3, 5, 8, VOTE, '?'];
const VOTE_BYTES = Buffer.from(JSON.stringify(VOTE)); // "868.5"

type Reply = Record<string, unknown> & { type?: string; req?: string; error?: string };
type Speaker = TestClient & { inbox: Reply[]; received: Uint8Array[] };

/** Every path inside `value` (a decoded document, an awareness state…) that holds the vote. */
function findVote(value: unknown, path = '$', skipDecks = true): string[] {
  if (value === VOTE) return [path];
  if (typeof value === 'string') return value.includes(String(VOTE)) ? [path] : [];
  if (value === null || typeof value !== 'object') return [];
  const hits: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    // The deck is public: it lists 868.5 as a card anyone may play. Who played it is the secret.
    if (skipDecks && k === 'deck') continue;
    hits.push(...findVote(v, `${path}.${k}`, skipDecks));
  }
  return hits;
}

/** Awareness states (parsed JSON) in one awareness frame. */
function awarenessStates(frame: Uint8Array): { json: string; state: unknown }[] {
  const payload = readAwarenessFrame(frame);
  if (!payload) return [];
  const d = decoding.createDecoder(payload);
  const out: { json: string; state: unknown }[] = [];
  const n = decoding.readVarUint(d);
  for (let i = 0; i < n; i++) {
    decoding.readVarUint(d); // client id
    decoding.readVarUint(d); // clock
    const json = decoding.readVarString(d);
    out.push({ json, state: JSON.parse(json) });
  }
  return out;
}

function privateBody(frame: Uint8Array): { extension: string; payload: unknown } | null {
  if (frame[0] !== MESSAGE_PRIVATE) return null;
  const d = decoding.createDecoder(frame);
  decoding.readVarUint(d);
  return readPrivateBody(d);
}

const containsBytes = (frame: Uint8Array, needle: Buffer) => Buffer.from(frame).includes(needle);

describe('poker privacy on the real server', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const raws: RawClient[] = [];
  let reqs = 0;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    raws.forEach((r) => r.terminate());
    await server.stop();
  });

  function join(room: string, role: Role, name: string): Speaker {
    const c = connectClient(server.wsUrl, room, server.token(room, role, name), { ack: true });
    clients.push(c);
    const inbox: Reply[] = [];
    const received: Uint8Array[] = [];
    c.provider.messageHandlers[MESSAGE_ACK] = () => {}; // acks: not what this test is about
    c.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => {
      const body = readPrivateBody(d);
      if (body?.extension === 'poker') inbox.push(body.payload as Reply);
    };
    // Everything this client receives, as bytes (for the positive control of the byte search).
    c.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') c.provider.ws!.addEventListener('message', (e: { data: ArrayBuffer }) => received.push(new Uint8Array(e.data)));
    });
    // A presence like the app's, so awareness frames flow while people vote.
    c.provider.awareness.setLocalState({ user: { id: `u-${name.toLowerCase()}`, name, color: '#175cd3' } });
    return Object.assign(c, { inbox, received });
  }

  async function ask(who: Speaker, payload: Record<string, unknown>): Promise<Reply> {
    const req = `q${++reqs}`;
    who.provider.ws!.send(encodePrivate('poker', { ...payload, req }) as Uint8Array<ArrayBuffer>);
    return waitFor(() => who.inbox.find((m) => m.req === req), `reply to ${payload.type}`);
  }

  async function observe(room: string): Promise<{ raw: RawClient; mirror: Mirror }> {
    const raw = await connectRaw(server.wsUrl, room, server.token(room, 'editor', 'Oscar Observer'), { ack: true });
    raws.push(raw);
    await raw.joined();
    return { raw, mirror: mirrorDoc(raw) };
  }

  async function planWithCard(): Promise<{ room: string; fay: Speaker; cardId: string }> {
    const room = await server.createPlan('Poker privacy');
    const fay = join(room, 'facilitator', 'Fay');
    await waitForSync(fay);
    const cardId = addCard(fay.doc, createEditor('u-fay'), { title: 'Rack the GPU nodes', status: 'todo', rank: 'i' });
    return { room, fay, cardId };
  }

  it('before the reveal no frame another client receives carries the vote; after it, everyone sees it', async () => {
    const { room, fay, cardId } = await planWithCard();
    const { raw: observer, mirror } = await observe(room);
    const vera = join(room, 'editor', 'Vera');
    const ed = join(room, 'editor', 'Ed');
    const vic = join(room, 'viewer', 'Vic');
    await Promise.all([vera, ed, vic].map((c) => waitForSync(c)));
    await waitFor(() => cards.item(mirror.doc, cardId), 'observer has the card');

    expect(await ask(fay, { type: 'open', cardId, deck: DECK })).toMatchObject({ type: 'opened', round: 1 });
    await waitFor(() => readRound(mirror.doc, cardId)?.state === 'voting', 'observer sees the round open');
    expect(readRound(mirror.doc, cardId)!.deck).toContain(VOTE);

    // Vera votes the distinctive card; Fay votes too. The ack of her own vote comes to Vera only.
    expect(await ask(vera, { type: 'vote', cardId, round: 1, value: VOTE })).toMatchObject({ type: 'voted', round: 1, value: VOTE });
    expect(await ask(fay, { type: 'vote', cardId, round: 1, value: 3 })).toMatchObject({ type: 'voted', value: 3 });

    // Refusals, while the round is open: an editor may not reveal; a viewer may not vote.
    expect(await ask(ed, { type: 'reveal', cardId, round: 1 })).toMatchObject({ type: 'error', request: 'reveal', error: 'only a facilitator or admin may reveal the votes' });
    expect(await ask(vic, { type: 'vote', cardId, round: 1, value: 1 })).toMatchObject({ type: 'error', request: 'vote', error: 'a view-only link cannot vote' });
    // Asking for someone else's vote only ever returns one's own (none).
    expect(await ask(ed, { type: 'mine', cardId })).toMatchObject({ type: 'mine', value: null });

    // Vera reloads: a fresh connection gets her own vote back, to her alone.
    vera.provider.disconnect();
    const vera2 = join(room, 'editor', 'Vera');
    await waitForSync(vera2);
    expect(await ask(vera2, { type: 'mine', cardId })).toMatchObject({ type: 'mine', round: 1, value: VOTE, expired: false });

    // Wait until the observer has everything the votes caused: both voters listed, presence flushed.
    await waitFor(() => readRound(mirror.doc, cardId)?.voters.length === 2, 'observer sees two voters');
    await waitFor(() => observer.frames.some((f) => f[0] === MESSAGE_AWARENESS), 'observer got presence');
    await new Promise((r) => setTimeout(r, 300));

    // --- The observer's decoded document: who voted, never what.
    const seen = readRound(mirror.doc, cardId)!;
    expect(seen).toMatchObject({ state: 'voting', voters: ['u-vera', 'u-fay'], votes: {} });
    expect(seen.names).toEqual({ 'u-vera': 'Vera', 'u-fay': 'Fay' });
    const entry = (mirror.doc.getMap(PLAN_ROOT.poker).get(cardId) as Y.Map<unknown>).toJSON();
    expect(entry.votes).toEqual({});
    expect(findVote(mirror.doc.toJSON())).toEqual([]);
    expect(findVote(JSON.parse(JSON.stringify(mirror.doc.toJSON())))).toEqual([]);
    expect(mirror.errors).toEqual([]);

    // --- Every awareness state the observer received.
    const states = observer.frames.flatMap(awarenessStates);
    expect(states.length).toBeGreaterThan(0);
    for (const { json, state } of states) {
      expect(json).not.toContain(String(VOTE));
      expect(findVote(state, '$', false)).toEqual([]);
    }

    // --- Every private frame the observer received (it asked nothing, so nothing should come).
    const privates = observer.frames.map(privateBody).filter((b) => b !== null);
    for (const body of privates) expect(findVote(body, '$', false)).toEqual([]);
    expect(privates).toEqual([]);

    // --- The bytes of every frame, whatever its type.
    expect(observer.frames.length).toBeGreaterThan(5);
    const leaking = observer.frames.filter((f) => containsBytes(f, VOTE_BYTES));
    expect(leaking).toEqual([]);
    // Positive control: the same search finds the vote in what Vera herself received.
    expect([...vera.received, ...vera2.received].some((f) => containsBytes(f, VOTE_BYTES))).toBe(true);
    // The other participants' sockets did not get it either.
    for (const other of [fay, ed, vic]) {
      expect(other.received.filter((f) => containsBytes(f, VOTE_BYTES))).toEqual([]);
      expect(other.inbox.some((m) => findVote(m, '$', false).length > 0)).toBe(false);
      expect(findVote(other.doc.toJSON())).toEqual([]);
    }

    // --- What the server stored (what a fresh joiner or a restart would read) has no vote either.
    const stored = await server.server.store.loadHistory(room);
    const replay = new Y.Doc();
    if (stored.checkpoint) Y.applyUpdate(replay, stored.checkpoint.data);
    for (const u of stored.updates) Y.applyUpdate(replay, u.data);
    expect(readRound(replay, cardId)).toMatchObject({ state: 'voting', votes: {} });
    expect(findVote(replay.toJSON())).toEqual([]);

    // --- The reveal: all votes at once, for everyone.
    expect(await ask(fay, { type: 'reveal', cardId, round: 1 })).toMatchObject({ type: 'revealed' });
    await waitFor(() => readRound(mirror.doc, cardId)?.state === 'revealed', 'observer sees the reveal');
    expect(readRound(mirror.doc, cardId)!.votes).toEqual({ 'u-vera': VOTE, 'u-fay': 3 });
    expect(findVote(mirror.doc.toJSON())).toEqual([`$.${PLAN_ROOT.poker}.${cardId}.votes.u-vera`]);
    await waitFor(() => readRound(ed.doc, cardId)?.votes['u-vera'] === VOTE, 'another editor sees the vote');

    // Accepting writes the agreed estimate to the card, for everyone.
    expect(await ask(fay, { type: 'accept', cardId, round: 1, value: VOTE })).toMatchObject({ type: 'accepted', value: VOTE });
    await waitFor(() => cards.get(mirror.doc, cardId)?.points === VOTE, 'observer sees the estimate');
    expect(cards.get(mirror.doc, cardId)!.estimates.at(-1)).toMatchObject({ to: VOTE, actor: 'u-fay' });
    expect(observer.closeInfo).toBeNull();
  });

  it('a client update forging the poker root is closed with forbiddenWrite, even a facilitator’s', async () => {
    const { room, fay, cardId } = await planWithCard();
    expect(await ask(fay, { type: 'open', cardId })).toMatchObject({ type: 'opened' });
    const forgeries: [Role, string, (d: Y.Doc) => void][] = [
      ['editor', 'Mallory', (d) => d.getMap(PLAN_ROOT.poker).set('forged', { votes: { 'u-mallory': 13 } })],
      ['editor', 'Mel', (d) => (d.getMap(PLAN_ROOT.poker).get(cardId) as Y.Map<unknown>).set('votes', { 'u-mel': 1 })],
      ['facilitator', 'Fiona', (d) => (d.getMap(PLAN_ROOT.poker).get(cardId) as Y.Map<unknown>).set('state', 'revealed')],
      ['admin', 'Adam', (d) => d.getMap(PLAN_ROOT.poker).delete(cardId)]
    ];
    for (const [role, name, forge] of forgeries) {
      const c = join(room, role, name);
      await waitForSync(c);
      await waitFor(() => c.doc.getMap(PLAN_ROOT.poker).has(cardId), `${name} has the round`);
      const closed = nextClose(c);
      forge(c.doc);
      expect((await closed).code, name).toBe(CLOSE.forbiddenWrite.code);
      c.provider.disconnect();
    }
    const check = join(room, 'editor', 'Check');
    await waitForSync(check);
    await waitFor(() => readRound(check.doc, cardId), 'round visible');
    expect(readRound(check.doc, cardId)).toMatchObject({ state: 'voting', votes: {}, voters: [] });
    expect(check.doc.getMap(PLAN_ROOT.poker).has('forged')).toBe(false);
  });

  it('a participant whose copy holds past rounds reconnects without being refused', async () => {
    // The server's poker writes overwrite map fields, i.e. delete older items in the restricted
    // root; a stock client repeats its whole delete set in every sync step 2 (on each reconnect, and
    // from IndexedDB after a reload). Deleting what is already deleted must not count as a write.
    const { room, fay, cardId } = await planWithCard();
    const ivy = join(room, 'editor', 'Ivy');
    await waitForSync(ivy);
    await ask(fay, { type: 'open', cardId });
    await ask(ivy, { type: 'vote', cardId, round: 1, value: 5 });
    await ask(ivy, { type: 'vote', cardId, round: 1, value: 8 });
    await ask(fay, { type: 'reveal', cardId, round: 1 });
    await ask(fay, { type: 'accept', cardId, round: 1, value: 8 });
    await waitFor(() => readRound(ivy.doc, cardId)?.state === 'closed', 'ivy sees the round closed');
    const closes: number[] = [];
    ivy.provider.on('connection-close', (e: { code: number } | null) => closes.push(e?.code ?? 0));
    ivy.provider.disconnect();
    ivy.provider.connect();
    await waitFor(() => ivy.provider.wsconnected && ivy.provider.synced, 'ivy back');
    // A reloaded page: a fresh provider over a document restored from local storage.
    const restored = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ivy'), { ack: true, connect: false });
    clients.push(restored);
    Y.applyUpdate(restored.doc, Y.encodeStateAsUpdate(ivy.doc));
    restored.provider.connect();
    await waitForSync(restored);
    await new Promise((r) => setTimeout(r, 300));
    expect(closes).toEqual([0]); // only our own disconnect
    expect(ivy.provider.wsconnected && restored.provider.wsconnected).toBe(true);
    expect(await ask(fay, { type: 'open', cardId })).toMatchObject({ type: 'opened', round: 2 });
  });

  it('a server restart before the reveal keeps the round: the votes are in the store, not its memory', async () => {
    const { room, fay, cardId } = await planWithCard();
    const vera = join(room, 'editor', 'Vera');
    await waitForSync(vera);
    await ask(fay, { type: 'open', cardId });
    await ask(vera, { type: 'vote', cardId, round: 1, value: 5 });
    const dropped = nextClose(vera);
    await server.restart();
    await dropped;
    await waitFor(() => vera.provider.wsconnected && vera.provider.synced, 'vera reconnected', 15_000);
    await waitFor(() => fay.provider.wsconnected && fay.provider.synced, 'fay reconnected', 15_000);
    expect(await ask(vera, { type: 'mine', cardId })).toMatchObject({ type: 'mine', round: 1, value: 5, expired: false });
    expect(await ask(fay, { type: 'reveal', cardId, round: 1 })).toMatchObject({ type: 'revealed', round: 1 });
    await waitFor(() => readRound(vera.doc, cardId)?.state === 'revealed', 'vera sees the reveal');
    expect(readRound(vera.doc, cardId)?.votes).toEqual({ 'u-vera': 5 });
  });

  it('votes the store no longer holds (a memory store restarted, a failed write): the round says it expired', async () => {
    const { room, fay, cardId } = await planWithCard();
    const vera = join(room, 'editor', 'Vera');
    await waitForSync(vera);
    await ask(fay, { type: 'open', cardId });
    await ask(vera, { type: 'vote', cardId, round: 1, value: 5 });
    await server.server.store.withExtensionState(room, 'poker', () => ({ state: null, result: null }));
    const dropped = nextClose(vera);
    await server.restart();
    await dropped;
    await waitFor(() => vera.provider.wsconnected && vera.provider.synced, 'vera reconnected', 15_000);
    // The app asks for its vote back after every reconnect; the server no longer has it.
    expect(await ask(vera, { type: 'mine', cardId })).toMatchObject({ type: 'mine', round: 1, value: null, expired: true });
    await waitFor(() => readRound(fay.doc, cardId)?.outcome === 'expired', 'everyone sees the round expired', 15_000);
    expect(readRound(fay.doc, cardId)).toMatchObject({ state: 'closed', outcome: 'expired', votes: {} });
    expect(await ask(fay, { type: 'reveal', cardId, round: 1 })).toMatchObject({ type: 'error', error: expect.stringMatching(/^round expired/) });
  });
});
