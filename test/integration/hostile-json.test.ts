/**
 * Validate at the edge: presence states, private messages and HTTP bodies are parsed within bounds
 * before anything touches them. The frame that used to stop the whole process (a 24 KB presence
 * state nested 12,000 levels deep, from a view-only link) now closes that one socket with a named
 * code, and every other room goes on. Caps per person and per private-request rate hold too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { CLOSE, encodeAwareness, encodePrivate } from '../../shared/protocol.ts';
import { addCard, cards } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectRaw, healthz, type RawClient } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** One awareness update carrying `json` as the state of client `id`. */
function awarenessFrame(id: number, clock: number, json: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, id);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, json);
  return encodeAwareness(encoding.toUint8Array(e));
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('hostile JSON and caps', () => {
  let server: TestServer;
  let room: string;
  let other: string;
  const clients: TestClient[] = [];
  const raws: RawClient[] = [];
  beforeAll(async () => {
    server = await startServer({ env: { MAX_CONNECTIONS_PER_SESSION: '5', MAX_PRIVATE_PER_SECOND: '5', MAX_PRIVATE_BURST: '10' } });
    room = await server.createPlan('Hostile');
    other = await server.createPlan('Bystanders');
  });
  afterAll(async () => {
    raws.forEach((r) => r.terminate());
    clients.forEach((c) => c.destroy());
    await server.stop();
  });
  const raw = async (r: string, role: 'viewer' | 'editor', name: string) => {
    const c = await connectRaw(server.wsUrl, r, server.token(r, role, name));
    raws.push(c);
    await c.joined();
    return c;
  };

  it('a presence state nested 12,000 deep from a viewer closes that socket (presenceInvalid); the server and other rooms go on', async () => {
    const bystander = connectClient(server.wsUrl, other, server.token(other, 'editor', 'Bea'));
    clients.push(bystander);
    await waitForSync(bystander);
    const attacker = await raw(room, 'viewer', 'Mallory');
    const frame = awarenessFrame(4242, 1, `{"user":${deep(12_000)}}`);
    expect(frame.length).toBeLessThan(32 * 1024);
    attacker.send(frame);
    expect((await attacker.waitClose()).code).toBe(CLOSE.presenceInvalid.code);
    // Past the awareness flush: the process is still up and other rooms still sync.
    await new Promise((r) => setTimeout(r, 200));
    expect((await healthz(server.url)).ok).toBe(true);
    addCard(bystander.doc, createEditor('u-bea'), { title: 'Still here', status: 'todo', rank: 'a' });
    const late = connectClient(server.wsUrl, other, server.token(other, 'viewer', 'Late'));
    clients.push(late);
    await waitFor(() => cards.list(late.doc).some((c) => c.title === 'Still here'), 'the other room to sync');
  });

  it('too wide a presence state and too long a string are refused the same way', async () => {
    const wide = await raw(room, 'editor', 'Wide');
    wide.send(awarenessFrame(5001, 1, JSON.stringify(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, 1])))));
    expect((await wide.waitClose()).code).toBe(CLOSE.presenceInvalid.code);
    const long = await raw(room, 'editor', 'Long');
    long.send(awarenessFrame(5002, 1, JSON.stringify({ user: { name: 'x'.repeat(20_000) } })));
    expect((await long.waitClose()).code).toBe(CLOSE.presenceInvalid.code);
  });

  it('a private message nested too deep closes with privateInvalid', async () => {
    const c = await raw(room, 'editor', 'Deep');
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 101);
    encoding.writeVarString(e, 'poker');
    encoding.writeVarString(e, `{"a":${deep(5_000)}}`);
    c.send(encoding.toUint8Array(e));
    expect((await c.waitClose()).code).toBe(CLOSE.privateInvalid.code);
  });

  it('private requests past the rate close with privateRate', async () => {
    const c = await raw(room, 'editor', 'Chatty');
    for (let i = 0; i < 40; i++) c.send(encodePrivate('poker', { type: 'status' }));
    expect((await c.waitClose()).code).toBe(CLOSE.privateRate.code);
  });

  it('presence says who the token is: a forged user id is replaced (an operator token names itself; personal sessions: forged-presence.test.ts)', async () => {
    const watcher = connectClient(server.wsUrl, room, server.token(room, 'admin', 'Admin'));
    clients.push(watcher);
    await waitForSync(watcher);
    const forger = connectClient(server.wsUrl, room, server.token(room, 'viewer', 'Vic'));
    clients.push(forger);
    await waitForSync(forger);
    forger.provider.awareness.setLocalState({ user: { id: 'u-ada', name: 'Ada', color: '#123456' }, follow: { presenting: true } });
    const seen = await waitFor(() => {
      const state = watcher.provider.awareness.getStates().get(forger.doc.clientID) as { user?: { id: string; name: string; color?: string } } | undefined;
      return state?.user;
    }, 'the forger presence');
    expect(seen.id).toBe('u-vic');
    expect(seen.name).toBe('Ada');
    expect(seen.color).toBe('#123456');
  });

  it('one person past the connection cap: the newest socket is closed with tooManyConnections', async () => {
    const token = server.token(room, 'viewer', 'Tabs');
    const open: RawClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await connectRaw(server.wsUrl, room, token);
      raws.push(c);
      open.push(c);
    }
    const sixth = await connectRaw(server.wsUrl, room, token);
    raws.push(sixth);
    expect((await sixth.waitClose()).code).toBe(CLOSE.tooManyConnections.code);
    expect(open.every((c) => c.isOpen)).toBe(true);
    // Closing one frees a place.
    open[0].close();
    await waitFor(() => !open[0].isOpen, 'the first socket to close');
    await new Promise((r) => setTimeout(r, 100));
    const again = await connectRaw(server.wsUrl, room, token);
    raws.push(again);
    await again.joined();
    expect(again.isOpen).toBe(true);
  });

  it('a 64 MiB body is refused with 413 before it is read; a deep JSON body with 400', async () => {
    const token = server.token(room, 'admin', 'Admin');
    const huge = new Uint8Array(64 * 1024 * 1024).fill(32);
    const res = await fetch(`${server.url}/api/plans/${room}/retros`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: huge
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe('bodyTooLarge');
    const deepBody = await fetch(`${server.url}/api/plans/${room}/retros`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: `{"title":${deep(3000)}}`
    });
    expect(deepBody.status).toBe(400);
  });

  it('a well-formed presence still reaches everyone', async () => {
    const a = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ann'));
    const b = connectClient(server.wsUrl, room, server.token(room, 'editor', 'Ben'));
    clients.push(a, b);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    a.provider.awareness.setLocalStateField('card', 'c-1');
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { card?: string } | undefined)?.card === 'c-1', 'presence to arrive');
    expect(awarenessProtocol.encodeAwarenessUpdate(b.provider.awareness, [a.doc.clientID]).length).toBeGreaterThan(0);
  });
});
