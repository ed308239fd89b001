/**
 * Timeline render benchmark: a plan of 500 milestones, phases and releases in 10 workstreams with
 * 1,000 finish-to-start dependencies (built with the typed accessors, stored with storeNewRoom in a
 * started server), opened in headless Chromium at 1280x800 on the timeline view.
 *   - firstRenderMs: from the first items reaching the view (mark `timeline:data`) to the task
 *     after the frame that painted them (`timeline:rendered`), in the page's own clock;
 *   - loadToRenderedMs: from navigation start to that same moment (download, boot, socket, sync);
 *   - drag: 30 pointer moves of 10 px across a bar (each snaps to a new day, so each recomputes the
 *     push preview over the whole graph). Per move: dragScriptMs*, from our handler starting to the
 *     DOM updated (the work we do); dragEventToDomMs*, from the event's timestamp (Chrome aligns
 *     pointer moves to frames, so this includes waiting for one); dragEventToFrameMs*, to the task
 *     after the next frame, i.e. style, layout and paint included;
 *   - dropMs: release to DOM updated (the move and its pushes written to Yjs, the timeline re-read,
 *     schedule and layout recomputed, the chart re-rendered);
 *   - keyMoveMs: → on a focused item, handler to DOM updated (the same path as a drop).
 *
 *   npx tsx test/bench/timeline-render.ts      # prints the JSON object
 */
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { dependencies, milestones, workstreams } from '../../shared/doc/timeline.ts';
import { addDays } from '../../shared/planning/dates.ts';
import { initialRanks } from '../../shared/rank.ts';
import { STAGES, type MilestoneKind } from '../../shared/schema.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { ensureClientBuilt, launchBrowser, newContext, waitForConnection } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';
import { createPrng } from '../../shared/prng.ts';

const ITEMS = 500;
const DEPENDENCIES = 1_000;
const WORKSTREAMS = 10;
const MOVES = 30;

const mulberry32 = createPrng;

/** Items spread over ~two years around today; dependencies go from lower to higher index, mostly near neighbours. */
export function buildTimelinePlan(seed = 7, today = new Date().toISOString().slice(0, 10)): Y.Doc {
  const random = mulberry32(seed);
  const doc = new Y.Doc();
  const ed = createEditor('bench', 'seed');
  createPlan(doc, ed, { name: `Bench timeline with ${ITEMS} items` });
  doc.transact(() => {
    const ranks = initialRanks(WORKSTREAMS);
    for (let w = 0; w < WORKSTREAMS; w++) workstreams.add(doc, ed, { name: `Workstream ${w + 1}`, rank: ranks[w], owner: null, rag: 'green', ragComment: '' }, { id: `ws-${w}` });
    for (let i = 0; i < ITEMS; i++) {
      const kind: MilestoneKind = i % 5 === 0 ? 'milestone' : i % 11 === 0 ? 'release' : 'phase';
      const start = addDays(today, -240 + Math.floor(i * 1.5));
      const end = kind === 'phase' ? addDays(start, 2 + Math.floor(random() * 20)) : start;
      const slip = random() < 0.3 ? Math.floor(random() * 10) : 0;
      milestones.add(
        doc,
        ed,
        {
          name: `${kind === 'phase' ? 'Phase' : kind === 'release' ? 'Release' : 'Milestone'} ${i}: bench item`,
          kind,
          workstream: `ws-${i % WORKSTREAMS}`,
          start,
          end,
          baselineStart: addDays(start, -slip),
          baselineEnd: addDays(end, -slip),
          stage: STAGES[i % STAGES.length],
          owner: null
        },
        { id: `ms-${String(i).padStart(3, '0')}` }
      );
    }
    const seen = new Set<string>();
    let n = 0;
    while (n < DEPENDENCIES) {
      const a = Math.floor(random() * ITEMS);
      const b = Math.min(ITEMS - 1, a + 1 + Math.floor(random() * random() * 60));
      const key = `${a}>${b}`;
      if (a === b || seen.has(key)) continue;
      seen.add(key);
      const id = (k: number) => `ms-${String(k).padStart(3, '0')}`;
      dependencies.add(doc, ed, { from: id(a), to: id(b), type: 'FS', lagDays: Math.floor(random() * 4) }, { id: `dep-${String(n++).padStart(4, '0')}` });
    }
  }, ed.origin);
  return doc;
}

/** Runs in the page: times from each input event to the DOM change it caused, and to the frame after. */
const INSTRUMENT = `
  window.__tl = { t: 0, h: 0, dom: [], script: [], frame: [], waiting: null };
  for (const type of ['pointerdown', 'pointermove', 'pointerup', 'keydown'])
    window.addEventListener(type, (e) => { window.__tl.t = e.timeStamp; window.__tl.h = performance.now(); }, true);
  let resolve = () => {};
  new MutationObserver(() => {
    if (!window.__tl.t) return;
    const t = window.__tl.t;
    const now = performance.now();
    window.__tl.t = 0;
    window.__tl.dom.push(now - t);
    window.__tl.script.push(now - window.__tl.h);
    window.__tl.waiting = new Promise((r) => (resolve = r));
    requestAnimationFrame(() => setTimeout(() => { window.__tl.frame.push(performance.now() - t); resolve(); }));
  }).observe(document.querySelector('svg.body'), { subtree: true, childList: true, attributes: true, characterData: true });
`;

const round = (n: number) => Math.round(n * 100) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

export async function benchTimelineRender(): Promise<Record<string, number>> {
  await ensureClientBuilt();
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const room = 'bench-timeline';
    const doc = buildTimelinePlan();
    await storeNewRoom(server.server.store, room, 'plan', doc, 'bench');
    doc.destroy();

    const context = await newContext(browser, 'light');
    const page = await context.newPage();
    await page.goto(`${server.url}/p/${room}?view=timeline&token=${encodeURIComponent(server.token(room, 'editor', 'Bench'))}`);
    await waitForConnection(page, 'connected', 20_000);
    await page.waitForFunction(() => performance.getEntriesByName('timeline:first-render').length > 0, null, { timeout: 20_000 });
    const load = await page.evaluate(() => ({
      firstRender: performance.getEntriesByName('timeline:first-render')[0].duration,
      mount: performance.getEntriesByName('timeline:mount')[0].startTime,
      data: performance.getEntriesByName('timeline:data')[0].startTime,
      rendered: performance.getEntriesByName('timeline:rendered')[0].startTime,
      items: document.querySelectorAll('[data-item]').length,
      arrows: document.querySelectorAll('path.arrow').length,
      nodes: document.querySelector('[aria-label="Timeline chart"]')!.querySelectorAll('*').length
    }));

    // Instrument: pointer/key event time → DOM mutation (microtask after Svelte's flush) → frame.
    // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
    await page.evaluate(INSTRUMENT);
    const settle = () => page.evaluate(() => (window as unknown as { __tl: { waiting: Promise<void> | null } }).__tl.waiting);

    // A phase bar in view, away from the edges: scroll down the lanes until one shows.
    const target = await page.evaluate(async () => {
      const scroller = document.querySelector<HTMLElement>('[aria-label="Timeline chart"]')!;
      const view = scroller.getBoundingClientRect();
      for (let top = 0; top < scroller.scrollHeight; top += 200) {
        scroller.scrollTop = top;
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
        for (const el of document.querySelectorAll('[data-kind="phase"] .shape')) {
          const r = el.getBoundingClientRect();
          if (r.width > 20 && r.left > view.left + 260 && r.right < view.right - 400 && r.top > view.top + 60 && r.bottom < view.bottom - 10) {
            return { x: r.left + r.width / 2, y: r.top + r.height / 2, id: el.closest('[data-item]')!.getAttribute('data-item')! };
          }
        }
      }
      return null;
    });
    if (!target) throw new Error('no phase bar in view to drag');
    await page.mouse.move(target.x, target.y);
    await page.mouse.down();
    await settle();
    await page.evaluate(() => {
      const t = (window as unknown as { __tl: { t: number; dom: number[]; script: number[]; frame: number[] } }).__tl;
      t.t = 0;
      t.dom.length = 0;
      t.script.length = 0;
      t.frame.length = 0;
    });
    for (let i = 1; i <= MOVES; i++) {
      await page.mouse.move(target.x + 10 * i, target.y);
      await settle();
    }
    const drag = await page.evaluate(() => {
      const t = (window as unknown as { __tl: { dom: number[]; script: number[]; frame: number[] } }).__tl;
      const out = { dom: [...t.dom], script: [...t.script], frame: [...t.frame] };
      t.dom.length = 0;
      t.script.length = 0;
      t.frame.length = 0;
      return out;
    });
    await page.mouse.up();
    await settle();
    const drop = await page.evaluate(() => (window as unknown as { __tl: { script: number[] } }).__tl.script[0]);

    await page.locator(`[data-item="${target.id}"]`).focus();
    await settle();
    await page.evaluate(() => ((window as unknown as { __tl: { script: number[] } }).__tl.script.length = 0));
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => (window as unknown as { __tl: { script: number[] } }).__tl.script.length > 0, null, { timeout: 5_000 });
    const key = await page.evaluate(() => (window as unknown as { __tl: { script: number[] } }).__tl.script[0]);

    return {
      items: ITEMS,
      dependencies: DEPENDENCIES,
      firstRenderMs: round(load.firstRender),
      loadToRenderedMs: round(load.rendered),
      viewMountedAtMs: round(load.mount),
      dataArrivedAtMs: round(load.data),
      itemsDrawn: load.items,
      arrowsDrawn: load.arrows,
      chartDomNodes: load.nodes,
      dragMoves: drag.dom.length,
      dragScriptMsAvg: round(mean(drag.script)),
      dragScriptMsP95: round(pct(drag.script, 95)),
      dragEventToDomMsAvg: round(mean(drag.dom)),
      dragEventToFrameMsAvg: round(mean(drag.frame)),
      dragEventToFrameMsP95: round(pct(drag.frame, 95)),
      dragEventToFrameMsMax: round(Math.max(...drag.frame)),
      dropMs: round(drop),
      keyMoveMs: round(key)
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchTimelineRender(), null, 2));
}
