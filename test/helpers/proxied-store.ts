/**
 * A Plenary server whose Postgres store is reached only through a TCP proxy the test controls
 * (tcp-proxy.ts), so a test can freeze or refuse the database under it; `direct` reads the same
 * schema around the proxy. STORE_TIMEOUT_MS is 1 s, so outages are noticed quickly.
 */
import { readConfig } from '../../server/config.ts';
import { createLogger } from '../../server/observability/logger.ts';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { startPlenary, type PlenaryServer } from '../../server/server.ts';
import { tempDataDir } from './server.ts';
import { dropSchemas, PG_URL } from './services.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export type ProxiedServer = { server: PlenaryServer; proxy: TcpProxy; direct: PlenaryStore; stop(): Promise<void> };

export async function serverBehindProxy(secret: string, env: Record<string, string> = {}): Promise<ProxiedServer> {
  const schema = `plenary_proxied_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const target = new URL(PG_URL);
  const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  const proxied = new URL(PG_URL);
  proxied.port = String(proxy.port);
  const store = await openPostgresStore(proxied.toString(), { schema, timeoutMs: 1_000 });
  const direct = await openPostgresStore(PG_URL, { schema });
  const config = readConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: tempDataDir(), PLENARY_SECRET: secret, STORE_TIMEOUT_MS: '1000', ...env });
  const server = await startPlenary(config, { store, log: createLogger('silent') });
  return {
    server,
    proxy,
    direct,
    async stop() {
      await proxy.resume();
      await server.close();
      await store.close();
      await direct.close();
      await proxy.close();
      await dropSchemas([schema]);
    }
  };
}
