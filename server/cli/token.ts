/**
 * `npm run token -- <room> <role> [name] [--days N]`: prints a signed token as its last line.
 * Uses PLENARY_SECRET or the secret in DATA_DIR, like the server.
 */
import { isRole, ROLES } from '../../shared/protocol.ts';
import { loadSecret } from '../auth/secret.ts';
import { isValidScope, signToken } from '../auth/token.ts';
import { readConfig } from '../config.ts';

const args = process.argv.slice(2);
const daysAt = args.indexOf('--days');
const days = daysAt >= 0 ? Number(args.splice(daysAt, 2)[1]) : 30;
const [room, role, ...nameParts] = args;
if (!room || !isValidScope(room) || !isRole(role) || !(days > 0)) {
  console.error(`usage: npm run token -- <room | room/* | *> <${ROLES.join('|')}> [name] [--days N]`);
  process.exit(2);
}
const config = readConfig();
const name = nameParts.join(' ') || role[0].toUpperCase() + role.slice(1);
const sub = name.toLowerCase().replace(/[^a-z0-9]+/g, '-') || role;
const exp = Math.floor(Date.now() / 1000 + days * 86_400);
console.error(`token for ${name} (${role}) on ${room}, valid ${days} days:`);
console.log(signToken(loadSecret(config.dataDir, config.secret), { sub, name, room, role, exp }));
