/**
 * Resources view render benchmark (issue 15): the 200-person, 30-pool, 5,000-booking plan of
 * resource-plan.ts stored in a started server, opened in headless Chromium at 1280x800.
 *   - openToGridMs: navigation to the heat strip showing all 200 people (13 weeks; load, boot,
 *     sync, model build and render);
 *   - weeks78Ms: choosing 78 weeks to every cell of the last week painted (15,600 cells);
 *   - poolsMs: switching to the pools view to its rows painted.
 * Wall-clock from the driving process, so each includes a round trip to the page.
 *
 *   npx tsx test/bench/resources-render.ts      # prints the JSON object
 */
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { ensureClientBuilt, launchBrowser, newContext, waitForConnection } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';
import { BIG, bigResourcePlan, writeResourcePlan } from './resource-plan.ts';

await ensureClientBuilt();
const server = await startServer();
const browser = await launchBrowser();
try {
  const doc = new Y.Doc();
  const ed = createEditor('bench', 'seed');
  createPlan(doc, ed, { name: 'Bench resources' });
  writeResourcePlan(doc, ed, bigResourcePlan());
  const room = 'bench-resources';
  await storeNewRoom(server.server.store, room, 'plan', doc, 'bench');
  doc.destroy();
  const page = await (await newContext(browser)).newPage();
  const t0 = Date.now();
  await page.goto(`${server.url}/p/${room}?view=resources&token=${encodeURIComponent(server.token(room, 'editor', 'Bench'))}`);
  await waitForConnection(page, 'connected', 60_000);
  await page.waitForFunction((n) => document.querySelectorAll('table.heat tbody tr').length === n, BIG.people, { timeout: 60_000 });
  const openToGridMs = Date.now() - t0;
  const t1 = Date.now();
  await page.locator('.bar select').selectOption('78');
  await page.waitForFunction(() => document.querySelectorAll('table.heat tbody tr:last-child td').length >= 74, null, { timeout: 60_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
  const weeks78Ms = Date.now() - t1;
  const t2 = Date.now();
  await page.getByRole('button', { name: 'Pools', exact: true }).click();
  await page.waitForFunction((n) => document.querySelectorAll('table.heat tbody tr').length === n, BIG.pools, { timeout: 60_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
  const poolsMs = Date.now() - t2;
  console.log(JSON.stringify({ bench: 'resources-render', scale: BIG, openToGridMs, weeks78Ms, poolsMs, note: 'one run, shared 2-core machine under heavy load (load average ~20)' }, null, 2));
} finally {
  await browser.close();
  await server.stop();
}
