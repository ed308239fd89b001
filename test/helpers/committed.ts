/**
 * Waiting until a server holds and has committed everything a client has. Compared as plans, not
 * state vectors: a deletion leaves the state vector as it was.
 */
import { snapshot } from '../../shared/doc/snapshot.ts';
import { waitFor, type TestClient } from './clients.ts';
import type { TestServer } from './server.ts';

export async function committed(s: TestServer, room: string, client: TestClient): Promise<void> {
  const want = JSON.stringify(snapshot(client.doc));
  await waitFor(() => {
    const r = s.server.rooms.get(room);
    return r && !r.uncommitted && JSON.stringify(snapshot(r.doc)) === want;
  }, 'the edit committed');
}
