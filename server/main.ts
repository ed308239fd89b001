/**
 * The only module with side effects: read config, start the server, seed the demo plan on a fresh
 * data folder, print a one-time admin invitation to it, and shut down cleanly on SIGTERM/SIGINT.
 */
import { newInvitationCode, newInvitationId } from './auth/sessions.ts';
import { ConfigError, readConfig } from './config.ts';
import { startPlenary } from './server.ts';

async function main(): Promise<void> {
  const config = readConfig();
  const server = await startPlenary(config);
  const { log } = server;
  if (config.seedDemo) {
    const { seedDemo } = await import('./seed/seed.ts');
    const room = await seedDemo(server.store);
    // Not a token: a one-time admin invitation for the demo plan (24 h, 1 use). Whoever opens it
    // first becomes the plan's admin; the line in the logs is worthless afterwards.
    const now = Date.now();
    const { code, codeHash } = newInvitationCode();
    const id = newInvitationId();
    await server.store.createInvitation({
      id, codeHash, plan: room, scope: `${room}/*`, role: 'admin', expiresAt: now + 86_400_000, sessionUntil: null,
      maxUses: 1, memberId: null, label: 'Startup link', requireSignIn: false, createdBy: 'server', createdAt: now
    });
    await server.store.addAudit({ plan: room, at: now, actor: 'server', actorName: 'Server', action: 'invitationCreated', subject: id, detail: { role: 'admin', maxUses: 1 } });
    log.info({ room, port: server.port, dataDir: config.dataDir, store: server.store.name, sso: config.oidc?.issuer ?? null }, 'plenary ready');
    // The one line meant for a human: plain text, so it can be copied from the terminal.
    process.stdout.write(`\nPlenary is running. Open the demo plan as its admin (one use, valid 24 h):\n  ${server.url}/join/${code}\n\n`);
  } else {
    log.info({ port: server.port, dataDir: config.dataDir, store: server.store.name, sso: config.oidc?.issuer ?? null }, 'plenary ready');
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
