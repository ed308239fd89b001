/**
 * Presence (y-protocols awareness) through the server: relayed between stock clients (viewers
 * included), removed when a client goes, coalesced under load, and never spoken for another user.
 */
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CLOSE, encodeAwareness } from '../../shared/protocol.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectRaw, isAwarenessFrame, readAwarenessFrame, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** A y-protocols awareness update for one client, built by hand. */
function awarenessUpdate(states: [clientId: number, clock: number, state: unknown][]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, states.length);
  for (const [id, clock, state] of states) {
    encoding.writeVarUint(e, id);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return encoding.toUint8Array(e);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type State = { user?: { name: string }; cursor?: { i: number } } | undefined;

describe('awareness', () => {
  let server: TestServer;
  let clients: TestClient[] = [];
  let raws: RawClient[] = [];
  const awarenesses: awarenessProtocol.Awareness[] = [];

  const client = (room: string, name: string, role: 'editor' | 'viewer' = 'editor') => {
    const c = connectClient(server.wsUrl, room, server.token(room, role, name));
    clients.push(c);
    return c;
  };
  const raw = async (room: string, name: string, role: 'editor' | 'viewer' = 'editor') => {
    const r = await connectRaw(server.wsUrl, room, server.token(room, role, name));
    raws.push(r);
    await r.joined();
    return r;
  };
  const stateOf = (c: TestClient, id: number) => c.provider.awareness.getStates().get(id) as State;

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => {
    raws.forEach((r) => r.terminate());
    clients.forEach((c) => c.destroy());
    awarenesses.forEach((a) => a.destroy());
    raws = [];
    clients = [];
    awarenesses.length = 0;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('presence reaches the other clients (viewers too) and is removed when its client goes', async () => {
    const room = await server.createPlan('Presence');
    const a = client(room, 'Ana');
    const b = client(room, 'Bo');
    const v = client(room, 'Vi', 'viewer');
    await Promise.all([a, b, v].map((c) => waitForSync(c)));
    a.provider.awareness.setLocalStateField('user', { name: 'Ana' });
    v.provider.awareness.setLocalStateField('user', { name: 'Vi' });
    const A = a.doc.clientID;
    const V = v.doc.clientID;
    await waitFor(() => stateOf(b, A)?.user?.name === 'Ana', "Bo sees Ana's presence", 5_000);
    await waitFor(() => stateOf(v, A)?.user?.name === 'Ana', "the viewer sees Ana's presence", 5_000);
    await waitFor(() => stateOf(b, V)?.user?.name === 'Vi' && stateOf(a, V)?.user?.name === 'Vi', "the viewer's presence is relayed", 5_000);

    // A stock client that goes away sends no removal itself: the server removes its presence.
    a.destroy();
    await waitFor(() => !b.provider.awareness.getStates().has(A) && !v.provider.awareness.getStates().has(A), "Ana's presence removed", 5_000);
    v.destroy();
    await waitFor(() => !b.provider.awareness.getStates().has(V), "the viewer's presence removed", 5_000);

    // A socket cut without a closing handshake: same.
    const r = await raw(room, 'Ra');
    r.send(encodeAwareness(awarenessUpdate([[555_555, 1, { user: { name: 'Ra' } }]])));
    await waitFor(() => stateOf(b, 555_555)?.user?.name === 'Ra', "Bo sees Ra's presence", 5_000);
    r.terminate();
    await waitFor(() => !b.provider.awareness.getStates().has(555_555), "Ra's presence removed after a dropped socket", 5_000);
  });

  it('a new joiner gets the current presence of everyone already there', async () => {
    const room = await server.createPlan('Join presence');
    const a = client(room, 'Ana');
    await waitForSync(a);
    a.provider.awareness.setLocalStateField('user', { name: 'Ana' });
    await waitFor(() => server.server.rooms.get(room)?.awareness.getStates().has(a.doc.clientID), 'server has Ana', 5_000);
    const late = client(room, 'Late', 'viewer');
    await waitFor(() => stateOf(late, a.doc.clientID)?.user?.name === 'Ana', "late joiner sees Ana's presence", 5_000);
  });

  it('many rapid updates from several clients reach an observer coalesced', async () => {
    const room = await server.createPlan('Cursors');
    const observer = await raw(room, 'Observer', 'viewer');
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    seen.setLocalState(null);
    awarenesses.push(seen);
    const apply = (f: Uint8Array) => {
      const u = readAwarenessFrame(f);
      if (u) awarenessProtocol.applyAwarenessUpdate(seen, u, 'server');
    };
    observer.frames.forEach(apply);
    observer.onFrame(apply);

    const movers = ['Ana', 'Bo', 'Cy', 'Di', 'Ed'].map((n) => client(room, n));
    await Promise.all(movers.map((c) => waitForSync(c)));
    // (A stock client's initial empty state has clock 0, which receivers ignore: announce a real one.)
    movers.forEach((c, i) => c.provider.awareness.setLocalStateField('user', { name: `mover-${i}` }));
    await waitFor(() => movers.every((c) => seen.getStates().has(c.doc.clientID)), 'observer sees every mover', 5_000);
    await sleep(150);
    const before = observer.count([1]);

    const rounds = 10;
    const perRound = 6;
    let sent = 0;
    for (let round = 0; round < rounds; round++) {
      for (const c of movers) {
        for (let k = 0; k < perRound; k++) {
          c.provider.awareness.setLocalStateField('cursor', { i: round * perRound + k });
          sent++;
        }
      }
      await sleep(10);
    }
    const last = rounds * perRound - 1;
    await waitFor(
      () => movers.every((c) => (seen.getStates().get(c.doc.clientID) as State)?.cursor?.i === last),
      "observer sees every mover's last cursor",
      5_000
    );
    await sleep(150);
    const received = observer.frames.slice(0).filter(isAwarenessFrame).length - before;
    expect(sent).toBe(300);
    // One frame per flush interval (40 ms) at most, however many changes arrived meanwhile.
    expect(received).toBeGreaterThan(0);
    expect(received, `${received} awareness frames for ${sent} updates`).toBeLessThanOrEqual(sent / 10);
    // Every mover is still connected: coalescing is not rate limiting.
    expect(movers.every((c) => c.provider.wsconnected)).toBe(true);
  });

  it("a client claiming another user's awareness client id is closed with impersonation", async () => {
    const room = await server.createPlan('Impostor');
    const a = client(room, 'Ana');
    const b = client(room, 'Bo');
    await Promise.all([waitForSync(a), waitForSync(b)]);
    a.provider.awareness.setLocalStateField('user', { name: 'Ana' });
    const A = a.doc.clientID;
    await waitFor(() => stateOf(b, A)?.user?.name === 'Ana', "Bo sees Ana's presence", 5_000);

    // Overwrite Ana's presence.
    const m1 = await raw(room, 'Mallory');
    m1.send(encodeAwareness(awarenessUpdate([[A, 1_000, { user: { name: 'Evil' } }]])));
    expect(await m1.waitClose()).toEqual(CLOSE.impersonation);
    // Remove Ana's presence (state null).
    const m2 = await raw(room, 'Mallory');
    m2.send(encodeAwareness(awarenessUpdate([[A, 1_001, null]])));
    expect(await m2.waitClose()).toEqual(CLOSE.impersonation);
    // Hide the claim behind one of its own: nothing of the update is applied.
    const m3 = await raw(room, 'Mallory');
    m3.send(encodeAwareness(awarenessUpdate([[999_001, 1, { user: { name: 'Mal' } }], [A, 1_002, { user: { name: 'Evil' } }]])));
    expect(await m3.waitClose()).toEqual(CLOSE.impersonation);
    // A viewer neither.
    const m4 = await raw(room, 'Vic', 'viewer');
    m4.send(encodeAwareness(awarenessUpdate([[A, 1_003, { user: { name: 'Evil' } }]])));
    expect(await m4.waitClose()).toEqual(CLOSE.impersonation);

    await sleep(150);
    expect(stateOf(b, A)?.user?.name).toBe('Ana');
    expect(b.provider.awareness.getStates().has(999_001)).toBe(false);
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    const serverState = server.server.rooms.get(room)?.awareness.getStates().get(A) as State;
    expect(serverState?.user?.name).toBe('Ana');
    // Ana's own updates still flow (her name comes from her session, so another field changes).
    a.provider.awareness.setLocalStateField('card', 'c-2');
    await waitFor(() => (stateOf(b, A) as { card?: string } | undefined)?.card === 'c-2', "Ana's next update", 5_000);
  });
});
