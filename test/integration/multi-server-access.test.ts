/**
 * Access changes across servers: two servers on one Postgres store with a Redis bus. A person who
 * joined on server A and is connected to server B is revoked on A: B closes their socket with
 * CLOSE.revoked within 1 s. A role change made on A applies in place on B. A client id claimed on A
 * (its owner learnt by B with the update on the bus) is refused to another person on B.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisBus } from '../../server/fanout/redis.ts';
import { createPlanRoom } from '../../server/plans.ts';
import type { PlenaryServer } from '../../server/server.ts';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { CLOSE, encodeSyncUpdate } from '../../shared/protocol.ts';
import { connectRaw } from '../helpers/raw.ts';
import { peopleOnOneLink, revokePerson, setRole, withInbox } from '../helpers/access.ts';
import { connectClient, nextClose, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { tokenFor } from '../helpers/server.ts';
import { ensurePostgres, ensureRedis, REDIS_URL } from '../helpers/services.ts';
import { serversOnPostgres, type ServersOnPostgres } from '../helpers/servers-on-postgres.ts';

const clients: TestClient[] = [];
let servers: PlenaryServer[] = [];
let running: ServersOnPostgres | undefined;

beforeAll(async () => {
  await ensurePostgres();
  await ensureRedis();
  running = await serversOnPostgres(2, { name: 'access_multi', bus: () => openRedisBus(REDIS_URL, `plenary-access-test-${process.pid}:`) });
  servers = running.servers;
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await running?.close();
});

const base = (s: PlenaryServer) => `http://127.0.0.1:${s.port}`;

describe('access across servers', () => {
  it('revoked on one server, closed on the other within 1 s; role changes follow too', async () => {
    const [a, b] = servers;
    const room = await createPlanRoom(a.store, { name: 'Two servers' }, 'test');
    const admin = tokenFor(a.secret)(`${room}/*`, 'admin', 'Admin', 86_400);
    const { people: [ana, bo] } = await peopleOnOneLink(base(a), room, admin, 'editor', ['Ana', 'Bo']);
    const onB = connectClient(`ws://127.0.0.1:${b.port}/sync`, room, ana.token);
    const boOnB = withInbox(connectClient(`ws://127.0.0.1:${b.port}/sync`, room, bo.token, { ack: true }));
    clients.push(onB, boOnB);
    await Promise.all([waitForSync(onB), waitForSync(boOnB)]);

    await setRole(base(a), room, admin, bo.person.id, 'viewer');
    await waitFor(() => boOnB.inbox.some((m) => m.extension === 'access' && m.payload.role === 'viewer'), 'Bo told on B', 1_000);
    expect([...b.sync.connections].find((c) => c.author === bo.person.id)?.canWrite).toBe(false);

    const closed = nextClose(onB, 3_000);
    const started = Date.now();
    await revokePerson(base(a), room, admin, ana.person.id);
    expect((await closed).code).toBe(CLOSE.revoked.code);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(boOnB.provider.wsconnected).toBe(true);
  });

  it('a client id claimed on one server is refused to another person on the other', async () => {
    const [a, b] = servers;
    const room = await createPlanRoom(a.store, { name: 'Owners across servers' }, 'test');
    const admin = tokenFor(a.secret)(`${room}/*`, 'admin', 'Admin', 86_400);
    const { people: [ana, cy] } = await peopleOnOneLink(base(a), room, admin, 'editor', ['Ana', 'Cy']);
    // Cy is on B first, so B has the room resident before Ana's claim is made on A.
    const cyOnB = connectClient(`ws://127.0.0.1:${b.port}/sync`, room, cy.token);
    const anaOnA = connectClient(`ws://127.0.0.1:${a.port}/sync`, room, ana.token);
    clients.push(cyOnB, anaOnA);
    await Promise.all([waitForSync(cyOnB), waitForSync(anaOnA)]);
    addCard(anaOnA.doc, createEditor(ana.person.id), { title: 'Ana on A', status: 'todo', rank: 'a' });
    await waitFor(() => cards.list(cyOnB.doc).length === 1, 'Ana’s card reaches B');
    // Cy forges an edit under Ana's client id at its next clock, on B.
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(cyOnB.doc));
    const before = Y.encodeStateVector(forged);
    forged.clientID = anaOnA.doc.clientID;
    addCard(forged, createEditor(cy.person.id), { title: 'Cy as Ana', status: 'todo', rank: 'b' });
    const raw = await connectRaw(`ws://127.0.0.1:${b.port}/sync`, room, cy.token);
    raw.send(encodeSyncUpdate(Y.encodeStateAsUpdate(forged, before)));
    forged.destroy();
    expect((await raw.waitClose(3_000)).code).toBe(CLOSE.clientIdTaken.code);
  });
});
