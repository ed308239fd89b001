/**
 * A forged presence cannot steer others: a viewer who joined by invitation publishes awareness
 * claiming to be Ada and presenting; every other client sees the viewer's own person id and name
 * instead (the server binds presence to the session), so "Ada is presenting" never appears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accept, invite } from '../helpers/access.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

type User = { id?: string; name?: string };

describe('presence bound to the session', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.stop();
  });

  it('a viewer claiming to be Ada is shown as themselves', async () => {
    const room = await server.createPlan('Presence');
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const ada = await accept(server.url, (await invite(server.url, room, admin, { role: 'admin' })).code, 'Ada');
    const vic = await accept(server.url, (await invite(server.url, room, admin, { role: 'viewer' })).code, 'Vic');
    const adaClient = connectClient(server.wsUrl, room, ada.token);
    const forger = connectClient(server.wsUrl, room, vic.token);
    clients.push(adaClient, forger);
    await Promise.all([waitForSync(adaClient), waitForSync(forger)]);
    adaClient.provider.awareness.setLocalState({ user: { id: ada.person.id, name: 'Ada' } });
    forger.provider.awareness.setLocalState({ user: { id: ada.person.id, name: 'Ada' }, presenting: true, marker: 'forged' });

    const seen = await waitFor(() => {
      const states = [...adaClient.provider.awareness.getStates().entries()].filter(([id]) => id !== adaClient.doc.clientID);
      return states.find(([, s]) => (s as { marker?: string }).marker === 'forged')?.[1] as { user?: User } | undefined;
    }, 'the forger’s presence reaches Ada', 5_000);
    expect(seen.user?.id).toBe(vic.person.id);
    expect(seen.user?.name).toBe('Vic');
    // Nobody but Ada herself shows as Ada.
    for (const [id, s] of adaClient.provider.awareness.getStates()) {
      if (id === adaClient.doc.clientID) continue;
      expect((s as { user?: User }).user?.name).not.toBe('Ada');
    }
  });
});
