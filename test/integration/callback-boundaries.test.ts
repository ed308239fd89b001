/**
 * No callback without a boundary: for each kind of callback the server runs without a caller
 * (awareness flush timer, compaction, idle unload, group-commit fan-out, bus delivery, heartbeat,
 * socket message), an error thrown there is logged, counted in /metrics, and ends only the room or
 * connection concerned. The process stays up and another room keeps syncing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createLocalBus } from '../../server/fanout/local.ts';
import type { Room } from '../../server/sync/room.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { healthz, metricValue } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const boom = () => {
  throw new TypeError('injected failure');
};

describe('callback boundaries', () => {
  let server: TestServer;
  const bus = createLocalBus();
  const clients: TestClient[] = [];
  let bystanderRoom: string;
  let bystander: TestClient;
  beforeAll(async () => {
    server = await startServer({ bus, env: { COMPACT_ENTRIES: '3', ROOM_IDLE_MS: '200' } });
    bystanderRoom = await server.createPlan('Bystanders');
    bystander = join(bystanderRoom, 'Bea');
    await waitForSync(bystander);
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
    await bus.close();
  });
  function join(room: string, name: string): TestClient {
    const c = connectClient(server.wsUrl, room, server.token(room, 'editor', name));
    clients.push(c);
    return c;
  }
  const resident = (room: string) => server.server.rooms.get(room) as Room;
  const errors = (kind: string) => metricValue(server.url, 'plenary_callback_errors_total', { kind });

  /** The other room still takes an edit and serves it to a newcomer; the process is up. */
  async function othersUnharmed(tag: string): Promise<void> {
    expect((await healthz(server.url)).ok).toBe(true);
    addCard(bystander.doc, createEditor('u-bea'), { title: tag, status: 'todo', rank: 'a' });
    const late = join(bystanderRoom, `Late ${tag}`);
    await waitFor(() => cards.list(late.doc).some((c) => c.title === tag), `${tag} to reach a newcomer`);
  }

  async function openRoom(name: string): Promise<{ room: string; client: TestClient }> {
    const room = await server.createPlan(name);
    const client = join(room, 'Ann');
    await waitForSync(client);
    return { room, client };
  }

  it('awareness flush timer', async () => {
    const { room, client } = await openRoom('Flush');
    const before = await errors('awarenessFlush');
    (resident(room) as unknown as { flushAwareness: () => void }).flushAwareness = boom;
    client.provider.awareness.setLocalStateField('card', 'x');
    await waitFor(async () => (await errors('awarenessFlush')) > before, 'the flush error to be counted');
    await waitFor(() => server.server.rooms.get(room) !== resident(room) || !server.server.rooms.get(room), 'the failed room to unload');
    await othersUnharmed('after flush');
  });

  it('compaction', async () => {
    const { room, client } = await openRoom('Compaction');
    const before = await errors('compaction');
    resident(room).encodeState = boom;
    for (let i = 0; i < 5; i++) addCard(client.doc, createEditor('u-ann'), { title: `c${i}`, status: 'todo', rank: `a${i}` });
    await waitFor(async () => (await errors('compaction')) > before, 'the compaction error to be counted');
    await othersUnharmed('after compaction');
  });

  it('idle unload', async () => {
    const { room, client } = await openRoom('Unload');
    const r = resident(room);
    const before = await errors('unload');
    r.destroy = boom;
    client.destroy();
    await waitFor(async () => (await errors('unload')) > before, 'the unload error to be counted');
    await waitFor(() => server.server.rooms.get(room) === undefined, 'the room to leave the resident set anyway');
    await othersUnharmed('after unload');
  });

  it('group-commit fan-out', async () => {
    const { room, client } = await openRoom('Commit');
    const before = await errors('commit');
    resident(room).committed = boom;
    addCard(client.doc, createEditor('u-ann'), { title: 'durable', status: 'todo', rank: 'a' });
    await waitFor(async () => (await errors('commit')) > before, 'the commit error to be counted');
    await othersUnharmed('after commit');
    // The update was durable before the fan-out failed: a fresh join finds it.
    const again = join(room, 'Again');
    await waitFor(() => cards.list(again.doc).some((c) => c.title === 'durable'), 'the committed card after the failure');
  });

  it('bus delivery', async () => {
    const { room } = await openRoom('Bus');
    const before = await errors('bus');
    (server.server.rooms as unknown as { fromBus: () => void }).fromBus = boom;
    const other = new Y.Doc();
    other.getMap('cards').set('x', new Y.Map());
    await bus.publish(room, { server: 'another-server', seq: 1, update: Y.encodeStateAsUpdate(other) });
    other.destroy();
    await waitFor(async () => (await errors('bus')) > before, 'the bus error to be counted');
    await othersUnharmed('after bus');
  });

  it('heartbeat and socket callbacks', async () => {
    const { room, client } = await openRoom('Heartbeat');
    const before = await errors('heartbeat');
    const conns = [...server.server.sync.connections].filter((c) => c.roomName === room);
    expect(conns.length).toBeGreaterThan(0);
    for (const c of conns) c.heartbeat = boom;
    server.server.sync.beat();
    expect(await errors('heartbeat')).toBeGreaterThan(before);
    // The failed connection was cut off; its stock client reconnects on its own.
    await waitFor(() => [...server.server.sync.connections].every((c) => !conns.includes(c)), 'the failed connection to be dropped');
    await waitFor(() => client.provider.wsconnected, 'the client to reconnect');
    await othersUnharmed('after heartbeat');
  });
});
