/**
 * A TCP proxy the test controls, between a server and a real database: `freeze()` keeps every
 * connection open but passes no bytes (a hung database or a partition), `refuse()` drops every
 * connection and stops listening (a database that is down), `resume()` goes back to forwarding on
 * the same port. `freezeOn(marker)` freezes the moment a client sends bytes containing `marker`
 * (those bytes held too): a server that stalls between two statements of a transaction, holding
 * its locks. Lets a
 * test take the shared Postgres "away" without touching it.
 */
import net from 'node:net';

export type TcpProxy = {
  port: number;
  freeze(): void;
  freezeOn(marker: string): void;
  refuse(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
};

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let frozen = false;
  let freezeMarker: Buffer | null = null;
  const held: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  /** Forwards `from` to `to`, chunk by chunk; while frozen, chunks wait in order. */
  const forward = (from: net.Socket, to: net.Socket, upstream: boolean) => {
    from.on('data', (chunk: Buffer) => {
      if (upstream && freezeMarker && chunk.includes(freezeMarker)) {
        freezeMarker = null;
        frozen = true;
      }
      if (frozen) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
    from.on('close', () => to.destroy());
  };
  const onConnection = (client: net.Socket) => {
    const upstream = net.connect(targetPort, targetHost);
    track(client);
    track(upstream);
    forward(client, upstream, true);
    forward(upstream, client, false);
  };
  let server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const listening = () => server.listening;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening()) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  return {
    port,
    freeze() {
      frozen = true;
    },
    freezeOn(marker) {
      freezeMarker = Buffer.from(marker);
    },
    async refuse() {
      frozen = false;
      held.length = 0;
      await stop();
    },
    async resume() {
      frozen = false;
      freezeMarker = null;
      held.splice(0).forEach((send) => send());
      if (!listening()) {
        server = net.createServer(onConnection);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
      }
    },
    async close() {
      held.length = 0;
      await stop();
    }
  };
}
