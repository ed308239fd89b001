/**
 * Stock y-websocket clients in Node, and bounded waiting. Clients are the unmodified
 * `WebsocketProvider` over `ws`, exactly what a browser runs.
 */
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';

export type TestClient = { doc: Y.Doc; provider: WebsocketProvider; destroy(): void };

export function connectClient(wsUrl: string, room: string, token: string, options: { ack?: boolean; connect?: boolean } = {}): TestClient {
  const doc = new Y.Doc();
  const params: Record<string, string> = { token };
  if (options.ack) params.ack = '1';
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params,
    connect: options.connect ?? true,
    disableBc: true,
    maxBackoffTime: 500
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      provider.awareness.destroy();
      doc.destroy();
    }
  };
}

/** Polls `check` until it returns truthy or the time is up; never loops without bound. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function waitForSync(client: TestClient, timeoutMs = 10_000): Promise<boolean> {
  return waitFor(() => client.provider.synced, 'initial sync', timeoutMs);
}

/** Resolves with the close event of the provider's socket. */
export function nextClose(client: TestClient, timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no close within timeout')), timeoutMs);
    client.provider.once('connection-close', (event: { code: number; reason: string } | null) => {
      clearTimeout(timer);
      resolve({ code: event?.code ?? 0, reason: event?.reason ?? '' });
    });
  });
}
