/**
 * One group link, N people: two people who open the same invitation are two persons, so they cast
 * two poker votes and both appear at the reveal, under the names the session gives them (a name in
 * the request is ignored). The same browser accepting again (sending its session) is the same person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { readRound } from '../../shared/doc/poker.ts';
import { encodePrivate } from '../../shared/protocol.ts';
import { accept, peopleOnOneLink, withInbox } from '../helpers/access.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('a group link in a meeting chat', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  let reqs = 0;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  function join(room: string, token: string) {
    const c = withInbox(connectClient(server.wsUrl, room, token, { ack: true }));
    clients.push(c);
    return c;
  }
  async function ask(who: ReturnType<typeof join>, payload: Record<string, unknown>) {
    const req = `q${++reqs}`;
    who.provider.ws!.send(encodePrivate('poker', { ...payload, req }) as Uint8Array<ArrayBuffer>);
    const reply = await waitFor(() => who.inbox.find((m) => m.extension === 'poker' && m.payload.req === req), `reply to ${payload.type}`);
    return reply.payload;
  }

  it('two people on one editor link vote separately and both votes appear at the reveal', async () => {
    const room = await server.createPlan('Group poker');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const { code, people: [ana, bo] } = await peopleOnOneLink(server.url, room, admin, 'editor', ['Ana', 'Bo']);
    expect(ana.person.id).not.toBe(bo.person.id);
    // The same browser (sending its session) accepting again stays the same person.
    expect((await accept(server.url, code, 'Ana again', ana.token)).person.id).toBe(ana.person.id);

    const fay = join(room, server.token(room, 'facilitator', 'Fay'));
    const a = join(room, ana.token);
    const b = join(room, bo.token);
    await Promise.all([waitForSync(fay), waitForSync(a), waitForSync(b)]);
    const cardId = addCard(fay.doc, createEditor('u-fay'), { title: 'Estimate me', status: 'todo', rank: 'i' });
    expect(await ask(fay, { type: 'open', cardId, facilitatorVotes: false })).toMatchObject({ type: 'opened', round: 1 });
    expect(await ask(a, { type: 'vote', cardId, round: 1, value: 5 })).toMatchObject({ type: 'voted', value: 5 });
    // Bo tries to vote under Ana's name: the session's name wins.
    expect(await ask(b, { type: 'vote', cardId, round: 1, value: 2, name: 'Ana' })).toMatchObject({ type: 'voted', value: 2 });
    expect(await ask(fay, { type: 'reveal', cardId, round: 1 })).toMatchObject({ type: 'revealed' });
    await waitFor(() => readRound(fay.doc, cardId)?.state === 'revealed', 'the reveal reaches Fay');
    const round = readRound(fay.doc, cardId)!;
    expect(round.votes).toEqual({ [ana.person.id]: 5, [bo.person.id]: 2 });
    expect(round.names).toMatchObject({ [ana.person.id]: 'Ana', [bo.person.id]: 'Bo' });
  });
});
