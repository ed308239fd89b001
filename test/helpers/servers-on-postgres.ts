/**
 * Several Plenary servers in this process on one fresh Postgres schema, each with its own store
 * handle (as separate processes would have) and, optionally, its own bus. For tests that need to
 * reach into a server (its connections, its store); test/helpers/topology.ts is the child-process,
 * load-balanced variant for kill -9 and outages.
 */
import { readConfig } from '../../server/config.ts';
import type { FanoutBus } from '../../server/fanout/bus.ts';
import { createLogger } from '../../server/observability/logger.ts';
import type { PlenaryStore } from '../../server/persistence/access-store.ts';
import { openPostgresStore } from '../../server/persistence/postgres.ts';
import { startPlenary, type PlenaryServer } from '../../server/server.ts';
import { tempDataDir } from './server.ts';
import { dropSchemas, PG_URL } from './services.ts';

export type ServersOnPostgres = {
  /** The schema read directly, not through any server. */
  store: PlenaryStore;
  servers: PlenaryServer[];
  /** Each server's own store handle, as given to it (a test may wrap a method to watch its calls). */
  handles: PlenaryStore[];
  /** Stops the servers, closes every handle and bus, and drops the schema. */
  close(): Promise<void>;
};

export async function serversOnPostgres(
  n: number,
  options: { name: string; env?: Record<string, string>; bus?: () => Promise<FanoutBus> }
): Promise<ServersOnPostgres> {
  const schema = `plenary_${options.name}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  // Opening the schema first migrates it, so the servers do not race to.
  const store = await openPostgresStore(PG_URL, { schema });
  const dataDir = tempDataDir();
  const closers: (() => Promise<void>)[] = [];
  const servers: PlenaryServer[] = [];
  const handles: PlenaryStore[] = [];
  for (let i = 0; i < n; i++) {
    const own = await openPostgresStore(PG_URL, { schema });
    handles.push(own);
    const bus = options.bus ? await options.bus() : undefined;
    const config = readConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, PLENARY_SECRET: `${options.name}-secret-0123456789abcdef`, ...options.env });
    const s = await startPlenary(config, { store: own, ...(bus ? { bus } : {}), log: createLogger('warn') });
    servers.push(s);
    closers.push(async () => {
      await s.close();
      await own.close();
      await bus?.close();
    });
  }
  return {
    store,
    servers,
    handles,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
      await store.close();
      await dropSchemas([schema]);
    }
  };
}
