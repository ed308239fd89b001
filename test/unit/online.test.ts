/**
 * The rules of server/sync/online.ts with a clock the test moves: a real People over a memory
 * store, a real in-process bus, and stand-in sockets (Online reads only `personal` and `author`).
 */
import { describe, expect, it } from 'vitest';
import { People } from '../../server/auth/people.ts';
import type { AccessMessage } from '../../server/fanout/bus.ts';
import { createLocalBus } from '../../server/fanout/local.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import type { Person } from '../../server/persistence/access-store.ts';
import type { Connection } from '../../server/sync/connection.ts';
import { Online } from '../../server/sync/online.ts';
import { waitFor } from '../helpers/clients.ts';

const T0 = Date.UTC(2026, 11, 3, 12);
const BEAT = 1_000;

const person = (id: string): Person => ({ id, plan: 'p', name: id, memberId: null, role: 'editor', invitationId: null, createdAt: T0, lastSeenAt: T0, revokedAt: null, subject: null });
const socket = (author: string, personal = true) => ({ author, personal }) as unknown as Connection;

async function setup() {
  let now = T0;
  const store = createMemoryStore();
  for (const id of ['p_ana', 'p_bo']) await store.createPerson(person(id));
  const people = new People(store, () => now);
  const bus = createLocalBus();
  const heard: AccessMessage[] = [];
  await bus.onAccess('listener', (m) => heard.push(m));
  const connections = new Set<Connection>();
  const online = new Online({ people, connections, log: createLogger('silent'), bus, serverId: 'here', heartbeatMs: BEAT, lastSeenEveryMs: 60_000, now: () => now });
  return { store, online, connections, heard, tick: (ms: number) => (now += ms), at: () => now, close: () => bus.close() };
}

describe('online (server/sync/online.ts)', () => {
  it('rule 1: a personal socket here makes its person online; an operator token does not count', async () => {
    const s = await setup();
    s.connections.add(socket('p_ana'));
    s.connections.add(socket('u-operator', false));
    expect(s.online.has('p_ana')).toBe(true);
    expect(s.online.has('u-operator')).toBe(false);
    expect([...s.online.local()]).toEqual(['p_ana']);
    await s.close();
  });

  it('rule 2: another server’s list replaces its last one; rule 3: silent servers are forgotten, "nobody" at once', async () => {
    const s = await setup();
    s.online.heard({ server: 'b', personIds: [], online: ['p_ana', 'p_bo'] });
    expect(s.online.has('p_bo')).toBe(true);
    s.online.heard({ server: 'b', personIds: [], online: ['p_ana'] });
    expect(s.online.has('p_bo')).toBe(false);
    // An access change without a list says nothing about who is online.
    s.online.heard({ server: 'b', personIds: ['p_ana'] });
    expect(s.online.has('p_ana')).toBe(true);
    s.tick(3 * BEAT - 1);
    expect(s.online.has('p_ana')).toBe(true);
    s.tick(2);
    expect(s.online.has('p_ana')).toBe(false);
    s.online.heard({ server: 'c', personIds: [], online: ['p_bo'] });
    s.online.heard({ server: 'c', personIds: [], online: [] });
    expect(s.online.has('p_bo')).toBe(false);
    await s.close();
  });

  it('rule 4: the heartbeat announces everyone here and writes last seen at most once per interval', async () => {
    const s = await setup();
    s.connections.add(socket('p_ana'));
    s.connections.add(socket('p_bo'));
    s.tick(1_000);
    await s.online.beat();
    await waitFor(() => s.heard.length === 1, 'the list on the bus');
    expect(new Set(s.heard[0].online)).toEqual(new Set(['p_ana', 'p_bo']));
    expect((await s.store.getPerson('p_ana'))?.lastSeenAt).toBe(s.at());
    const first = s.at();
    s.tick(30_000);
    await s.online.beat();
    expect((await s.store.getPerson('p_ana'))?.lastSeenAt).toBe(first);
    s.tick(30_000);
    await s.online.beat();
    expect((await s.store.getPerson('p_ana'))?.lastSeenAt).toBe(s.at());
    await s.close();
  });

  it('a change is announced once the set differs, and whoever left is seen at that moment', async () => {
    const s = await setup();
    const ana = socket('p_ana');
    s.connections.add(ana);
    s.online.changed();
    await waitFor(() => s.heard.length === 1, 'the first socket announced');
    s.tick(5_000);
    s.connections.delete(ana);
    s.online.changed();
    await waitFor(() => s.heard.length === 2, 'the last socket announced');
    expect(s.heard[1].online).toEqual([]);
    await waitFor(async () => (await s.store.getPerson('p_ana'))?.lastSeenAt === s.at(), 'last seen at the close');
    // Nothing changed: nothing is said.
    s.online.changed();
    await new Promise((r) => setTimeout(r, 300));
    expect(s.heard).toHaveLength(2);
    // Stopping says "nobody" and ends the announcements.
    s.connections.add(socket('p_bo'));
    s.online.stop();
    s.online.changed();
    await s.online.beat();
    await waitFor(() => s.heard.length === 3, 'the goodbye');
    expect(s.heard[2].online).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.heard).toHaveLength(3);
    await s.close();
  });
});
