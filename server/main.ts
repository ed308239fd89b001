/**
 * The only module with side effects: read config, start the server, seed the demo plan on a fresh
 * data folder, print a ready-to-open admin link, and shut down cleanly on SIGTERM/SIGINT.
 */
import { signToken } from './auth/token.ts';
import { ConfigError, readConfig } from './config.ts';
import { startPlenary } from './server.ts';

async function main(): Promise<void> {
  const config = readConfig();
  const server = await startPlenary(config);
  const { log } = server;
  if (config.seedDemo) {
    const { seedDemo } = await import('./seed/seed.ts');
    const room = await seedDemo(server.store);
    const exp = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const token = signToken(server.secret, { sub: 'admin', name: 'Admin', room: '*', role: 'admin', exp });
    log.info({ room, port: server.port, dataDir: config.dataDir, store: server.store.name }, 'plenary ready');
    // The one line meant for a human: plain text, so it can be copied from the terminal.
    process.stdout.write(`\nPlenary is running. Open the demo plan as admin:\n  ${server.url}/p/${room}?token=${token}\n\n`);
  } else {
    log.info({ port: server.port, dataDir: config.dataDir, store: server.store.name }, 'plenary ready');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: flushing rooms');
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(`plenary: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
