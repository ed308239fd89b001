/**
 * A returning person is never locked out (issue 10). Someone who was in the room while the server
 * wrote its own roots (a poker round in a plan; the phase, cards and columns of a retro) reloads
 * the page: a new Y.Doc, a stock WebsocketProvider, and the local store (y-indexeddb in the app,
 * LocalStore here) handing back everything that person's replica ever held, server-written items
 * included. Whatever the moment the store is read relative to the handshake, the server must take
 * the connection: nothing a client received from the server may count as a forbidden write.
 *
 * Each reload is followed by an edit of the returning person's own that must reach another
 * person: frames of one socket are handled in order, so once it arrives, everything the store
 * re-sent before it was accepted (a refusal would have closed the socket first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { readHistory, readRound } from '../../shared/doc/poker.ts';
import { addAction, readRetro, readSession, retroActions } from '../../shared/doc/retro.ts';
import { encodePrivate, MESSAGE_ACK, MESSAGE_PRIVATE, readPrivateBody, type Role } from '../../shared/protocol.ts';
import { PLAN_ROOT, RETRO_ROOT } from '../../shared/schema.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectWithStore, LocalStore, type RestoreWhen } from '../helpers/local-store.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

type Reply = Record<string, unknown> & { req?: string; error?: string };
type Speaker = TestClient & { inbox: Reply[] };
type Close = { code: number; reason: string };

const TIMINGS: RestoreWhen[] = ['before-connect', 'on-open', 'after-sync'];
const RELOADS_PER_TIMING = 3;

let server: TestServer;
const clients: TestClient[] = [];
let reqs = 0;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

/** A stock client speaking the app's protocol (ack=1, private messages of one extension). */
function speaker(room: string, tokenRoom: string, role: Role, name: string, extension: string, connect = true): Speaker {
  const c = connectClient(server.wsUrl, room, server.token(tokenRoom, role, name), { ack: true, connect });
  clients.push(c);
  const inbox: Reply[] = [];
  c.provider.messageHandlers[MESSAGE_ACK] = () => {};
  c.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => {
    const body = readPrivateBody(d);
    if (body?.extension === extension) inbox.push(body.payload as Reply);
  };
  return Object.assign(c, { inbox });
}

async function ask(who: Speaker, extension: string, payload: Record<string, unknown>): Promise<Reply> {
  const req = `q${++reqs}`;
  const before = who.inbox.length;
  who.provider.ws!.send(encodePrivate(extension, { ...payload, req }) as Uint8Array<ArrayBuffer>);
  // Poker echoes `req`; the retro extension answers each request in order without it.
  const reply = await waitFor(() => who.inbox.find((m, i) => m.req === req || (m.req === undefined && i >= before)), `reply to ${payload.type}`);
  if (reply.error) throw new Error(`${payload.type}: ${reply.error}`);
  return reply;
}

/** Every close the provider's sockets saw, with the server's code and reason. */
function recordCloses(client: TestClient): Close[] {
  const closes: Close[] = [];
  client.provider.on('connection-close', (event: { code: number; reason: string } | null) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return closes;
}

/** The plain content of every top-level type (a fresh Y.Doc only lists the types it was asked for). */
const rootsJson = (doc: Y.Doc, roots: readonly string[]) => Object.fromEntries(roots.map((r) => [r, doc.getMap(r).toJSON()]));

/** A room kind's scene: how to fill it with server-written content, and an edit the returning person may make. */
type Scene = {
  room: string;
  tokenRoom: string;
  extension: string;
  /** Runs with the returning person connected, so their store keeps what the server wrote. */
  serverWrites(): Promise<void>;
  /** Something only the returning person writes; `seen(doc)` tells another replica has it. */
  edit(doc: Y.Doc, n: number): { seen(doc: Y.Doc): boolean };
  /** Every top-level type of the room's kind. */
  roots: readonly string[];
  /** The server-written content is in this replica. */
  hasServerWrites(doc: Y.Doc): boolean;
};

async function planScene(): Promise<Scene> {
  const room = await server.createPlan('Returning to a plan');
  const fay = speaker(room, room, 'facilitator', 'Fay', 'poker');
  const vera = speaker(room, room, 'editor', 'Vera', 'poker');
  await Promise.all([waitForSync(fay), waitForSync(vera)]);
  const cardId = addCard(fay.doc, createEditor('u-fay'), { title: 'Rack the GPU nodes', status: 'todo', rank: 'i' });
  await waitFor(() => cards.item(vera.doc, cardId), 'vera has the card');
  return {
    room,
    tokenRoom: room,
    extension: 'poker',
    roots: Object.values(PLAN_ROOT),
    async serverWrites() {
      // Two full rounds (open, votes, reveal, accept) and a cancelled third: the server adds,
      // overwrites and deletes items in its `poker` root, so the store holds live and deleted ones.
      for (const [round, value] of [
        [1, 5],
        [2, 8]
      ]) {
        await ask(fay, 'poker', { type: 'open', cardId, facilitatorVotes: true });
        await ask(vera, 'poker', { type: 'vote', cardId, round, value });
        await ask(fay, 'poker', { type: 'vote', cardId, round, value: 3 });
        await ask(fay, 'poker', { type: 'reveal', cardId, round });
        await ask(fay, 'poker', { type: 'accept', cardId, round, value });
      }
      await ask(fay, 'poker', { type: 'open', cardId });
      await ask(fay, 'poker', { type: 'cancel', cardId, round: 3 });
    },
    edit(doc, n) {
      const id = addCard(doc, createEditor('u-returning'), { title: `after reload ${n}`, status: 'todo', rank: `j${n}` });
      return { seen: (d) => cards.get(d, id)?.title === `after reload ${n}` };
    },
    hasServerWrites: (doc) => readRound(doc, cardId)?.state === 'closed' && readHistory(doc, cardId).length >= 2
  };
}

async function retroScene(): Promise<Scene> {
  const plan = await server.createPlan('Returning to a retro');
  const tokenRoom = `${plan}/*`;
  const res = await fetch(`${server.url}/api/plans/${plan}/retros`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token(tokenRoom, 'facilitator', 'Fay')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Sprint 8 retro', template: 'sailboat' })
  });
  expect(res.status).toBe(201);
  const { room } = (await res.json()) as { room: string };
  const fay = speaker(room, tokenRoom, 'facilitator', 'Fay', 'retro');
  const ana = speaker(room, tokenRoom, 'editor', 'Ana', 'retro');
  await Promise.all([waitForSync(fay), waitForSync(ana)]);
  const retroAsk = (who: Speaker, name: string, request: Record<string, unknown>) =>
    ask(who, 'retro', { device: `dev-${name}-0123456789abcdef`, name, ...request });
  return {
    room,
    tokenRoom,
    extension: 'retro',
    roots: Object.values(RETRO_ROOT),
    async serverWrites() {
      // Phases, a timer started and stopped, cards revealed: the server's session, cards and
      // votes roots get items added, overwritten and deleted.
      await retroAsk(fay, 'Fay', { type: 'phase', to: 'write' });
      await retroAsk(fay, 'Fay', { type: 'timer', seconds: 300 });
      for (let i = 0; i < 4; i++) await retroAsk(ana, 'Ana', { type: 'draft.add', column: i < 2 ? 'wind' : 'anchors', text: `card ${i}` });
      await retroAsk(fay, 'Fay', { type: 'timer', seconds: null });
      await retroAsk(fay, 'Fay', { type: 'phase', to: 'reveal' });
      await retroAsk(fay, 'Fay', { type: 'phase', to: 'group' });
    },
    edit(doc, n) {
      const id = addAction(doc, createEditor('u-returning'), { text: `after reload ${n}`, owner: '', due: null, topic: null });
      return { seen: (d) => retroActions.get(d, id)?.text === `after reload ${n}` };
    },
    hasServerWrites: (doc) => readSession(doc).phase === 'group' && readRetro(doc).cards.length === 4
  };
}

const SCENES: [string, () => Promise<Scene>][] = [
  ['plan after poker rounds', planScene],
  ['retro after its reveal', retroScene]
];
const ROLES: Role[] = ['editor', 'admin'];

describe.each(SCENES)('returning to a %s', (_name, makeScene) => {
  it.each(ROLES)('as %s: every reload with the local store is accepted, whatever the store timing', async (role) => {
    const scene = await makeScene();
    const store = new LocalStore();
    const name = `Returning ${role}`;

    // The first visit: present while the server writes, so the store keeps the server's items.
    const first = speaker(scene.room, scene.tokenRoom, role, name, scene.extension, false);
    const firstCloses = recordCloses(first);
    await connectWithStore(first, store, 'before-connect');
    await waitForSync(first);
    await scene.serverWrites();
    await waitFor(() => scene.hasServerWrites(first.doc), 'the server-written content reached the first visit');
    expect(firstCloses).toEqual([]);

    // Someone else in the room sees the returning person's edits after each reload.
    const witness = speaker(scene.room, scene.tokenRoom, 'editor', 'Witness', scene.extension);
    await waitForSync(witness);

    let previous: TestClient = first;
    let n = 0;
    const refusals: string[] = [];
    for (const when of TIMINGS) {
      for (let i = 0; i < RELOADS_PER_TIMING; i++, n++) {
        // The reload: the old page goes away, a new doc and provider come, the store is read.
        store.close();
        previous.destroy();
        const page = speaker(scene.room, scene.tokenRoom, role, name, scene.extension, false);
        const closes = recordCloses(page);
        await connectWithStore(page, store, when);
        await waitFor(() => page.provider.synced || closes.length > 0, `reload ${n} (${when}) synced or closed`);
        const edit = scene.edit(page.doc, n);
        await waitFor(() => edit.seen(witness.doc) || closes.length > 0, `reload ${n} (${when}): own edit reaches the witness, or a close`);
        for (const c of closes) refusals.push(`reload ${n} (store read ${when}): closed ${c.code} ${c.reason}`);
        previous = page;
        if (closes.length > 0) continue;
        expect(scene.hasServerWrites(page.doc)).toBe(true);
      }
    }
    expect(refusals).toEqual([]);

    // The returning replica and a fresh one built only from the server hold the same document.
    const fresh = speaker(scene.room, scene.tokenRoom, 'viewer', 'Fresh', scene.extension);
    await waitForSync(fresh);
    await waitFor(() => Y.encodeStateVector(fresh.doc).toString() === Y.encodeStateVector(previous.doc).toString(), 'replicas converge');
    expect(rootsJson(fresh.doc, scene.roots)).toEqual(rootsJson(previous.doc, scene.roots));
  }, 60_000);
});
