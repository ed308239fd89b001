#!/usr/bin/env node
/**
 * Run by `npm install`/`npm ci` (package.json "postinstall"): guards postgres.js 3.4.9 against a
 * crash Plenary hits when Postgres ends a connection (a restart, a failover, or the
 * idle_in_transaction_session_timeout Plenary sets, see server/persistence/postgres.ts).
 *
 * The driver buffers small writes and flushes them on setImmediate. If the connection closes in
 * between, the flush calls write on a null socket and throws from the immediate callback: an
 * uncaught exception that takes the whole server down (reported upstream as porsager/postgres
 * #1066, #1154, #1208; unreleased fixes). The close also cancels a pending flush without forgetting
 * it, so the reconnected connection never flushes its small writes again.
 *
 * A query written to a connection that has just closed (the ROLLBACK a transaction sends after
 * its statement failed with the closed connection) would otherwise never settle, and the
 * transaction would keep its pooled connection forever: after enough closes the pool is empty.
 *
 * The patch: a flush with no socket drops the bytes (they belong to the dead connection) and fails
 * the queries waiting on them with CONNECTION_CLOSED, so transactions end and give their connection
 * back; closing forgets the pending flush and its bytes. Idempotent; a driver whose code differs is reported, not
 * touched, and test/integration/postgres-driver-patch.test.ts fails until this is looked at.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const MARK = '/* plenary: flush guard */';
const edits = [
  ['  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)', `  function nextWrite(fn) {\n    ${MARK} if (!socket) { nextWriteTimer !== null && clearImmediate(nextWriteTimer); chunk = nextWriteTimer = null; error(Errors.connection('CONNECTION_CLOSED', options)); return false }\n    const x = socket.write(chunk, fn)`],
  ['    terminated = true\n    if (stream || query || initial || sent.length)\n      error(Errors.connection(\'CONNECTION_DESTROYED\', options))\n\n    clearImmediate(nextWriteTimer)\n', "    terminated = true\n    if (stream || query || initial || sent.length)\n      error(Errors.connection('CONNECTION_DESTROYED', options))\n\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n"],
  ['    incomings = null\n    clearImmediate(nextWriteTimer)\n', '    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n']
];

let problems = 0;
for (const rel of ['node_modules/postgres/src/connection.js', 'node_modules/postgres/cjs/src/connection.js']) {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) continue;
  let text = fs.readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  if (!edits.every(([from]) => text.split(from).length === 2)) {
    console.warn(`patch-postgres-driver: ${rel} is not the code this patch knows (postgres.js changed?); left as it is`);
    problems++;
    continue;
  }
  for (const [from, to] of edits) text = text.replace(from, to);
  fs.writeFileSync(file, text);
  console.log(`patch-postgres-driver: guarded ${rel}`);
}
process.exitCode = 0;
if (problems) console.warn('patch-postgres-driver: see server/deploy/patch-postgres-driver.mjs');
