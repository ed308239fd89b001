/**
 * Board benchmark: the sprint board with a 2,000-card plan in headless Chromium against a real
 * server, measured in the page.
 *   - first render: navigation start → the board rendered with the synced document (the view's
 *     performance mark `plenary:board:ready`, set after the DOM update) and the next paint
 *     (`plenary:board:painted`); each run in a fresh browser context (empty IndexedDB, so the whole
 *     document comes over the socket);
 *   - keyboard drag: a picked-up card's step (→: local preview) and its drop (Space: placeCard, the
 *     document's change observed, the DOM updated), from the key event to the DOM showing it;
 *   - mouse drop: a programmatic HTML drag and drop (dragstart, dragover, drop events) from the drop
 *     event to the DOM updated;
 *   - remote edit: a stock y-websocket client in Node renames or moves a card, from the moment it
 *     changes its document to the moment the page's DOM shows it (both clocks are this machine's
 *     wall clock, Date.now()).
 * The plan: 2,000 cards spread over the 5 default columns, all in one active sprint (the board's
 * default scope), 8 members, 6 epics, labels. Figures are medians (and p95) in milliseconds.
 *
 *   npx tsx test/bench/board.ts      # prints the JSON object
 */
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import * as Y from 'yjs';
import { addCard, cards, moveCard } from '../../shared/doc/cards.ts';
import { addMember } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addSprint, epics, startSprintNow } from '../../shared/doc/sprints.ts';
import { compareRank, initialRanks, rankBetween } from '../../shared/rank.ts';
import { DEFAULT_STATUSES } from '../../shared/schema.ts';
import { storeNewRoom } from '../../server/plans.ts';
import { ensureClientBuilt, launchBrowser, newContext, waitForConnection } from '../helpers/browser.ts';
import { connectClient, waitFor, waitForSync } from '../helpers/clients.ts';
import { startServer } from '../helpers/server.ts';
import { percentile, round } from './stats.ts';

const CARDS = 2_000;
const ROOM = 'bench-board';
const RENDER_RUNS = 5;
const DRAG_RUNS = 15;
const REMOTE_RUNS = 15;

export function boardPlan(): Y.Doc {
  const doc = new Y.Doc();
  const ed = createEditor('bench', 'seed', () => Date.UTC(2026, 0, 5, 9));
  createPlan(doc, ed, { name: `Board bench with ${CARDS} cards`, timeZone: 'Europe/London' });
  const people = ['ana', 'bo', 'chen', 'dara', 'eli', 'femi', 'gus', 'hana'];
  for (const p of people) addMember(doc, ed, { name: `${p[0].toUpperCase()}${p.slice(1)} Example`, title: '', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 20 }, `m-${p}`);
  for (let e = 0; e < 6; e++) epics.add(doc, ed, { name: `Epic ${e + 1}`, rank: initialRanks(6)[e] }, { id: `e-${e}` });
  const sprint = addSprint(doc, ed, { name: 'Big sprint', goal: 'Everything at once', start: '2026-01-05', end: '2026-01-16' });
  if (!sprint.ok) throw new Error(sprint.reason);
  const ranks = initialRanks(CARDS);
  doc.transact(() => {
    for (let i = 0; i < CARDS; i++) {
      addCard(
        doc,
        ed,
        {
          title: `Card ${i}: implement the ${i % 7 === 0 ? 'importer' : 'board'} change number ${i}`,
          status: DEFAULT_STATUSES[i % DEFAULT_STATUSES.length].id,
          sprint: sprint.id,
          rank: ranks[i],
          points: i % 4 === 0 ? null : (i % 8) + 1,
          assignee: i % 9 === 0 ? null : `m-${people[i % people.length]}`,
          labels: i % 3 === 0 ? ['backend'] : ['frontend', 'ux'],
          epic: i % 5 === 0 ? null : `e-${i % 6}`,
          due: i % 11 === 0 ? '2026-01-09' : null
        },
        `B-${i + 1}`
      );
    }
  }, ed.origin);
  startSprintNow(doc, ed, sprint.id);
  return doc;
}

const median = (xs: number[]) => round(percentile([...xs].sort((a, b) => a - b), 50));
const p95 = (xs: number[]) => round(percentile([...xs].sort((a, b) => a - b), 95));

/** In the page: dispatches a key on the focused card and resolves with the ms until `done()` holds in the DOM. */
async function keyToDom(page: Page, key: string, check: string, arg: unknown): Promise<number> {
  return page.evaluate(
    ([k, source, a]) =>
      new Promise<number>((resolve, reject) => {
        const done = new Function('arg', source) as (arg: unknown) => boolean;
        const target = document.activeElement as HTMLElement;
        const t0 = performance.now();
        const observer = new MutationObserver(() => {
          if (done(a)) {
            observer.disconnect();
            resolve(performance.now() - t0);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
        setTimeout(() => {
          observer.disconnect();
          reject(new Error(`no DOM change for ${k} within 5 s`));
        }, 5_000);
      }),
    [key, check, arg] as const
  );
}

const IN_COLUMN = `const el = document.querySelector('[data-card-id="' + arg.id + '"]');
  return !!el && !!el.closest('[data-status="' + arg.status + '"]') && (arg.moving === undefined || el.classList.contains('moving') === arg.moving);`;

export async function benchBoard(): Promise<Record<string, number>> {
  await ensureClientBuilt();
  const server = await startServer();
  const doc = boardPlan();
  await storeNewRoom(server.server.store, ROOM, 'plan', doc, 'bench');
  const encodedBytes = Y.encodeStateAsUpdate(doc).byteLength;
  const browser = await launchBrowser();
  const token = server.token(ROOM, 'editor', 'Bench Person');
  const url = `${server.url}/p/${ROOM}?view=board&token=${encodeURIComponent(token)}`;
  const out: Record<string, number> = { 'board.cards': CARDS, 'board.docBytes': encodedBytes };
  try {
    // --- first render, fresh context each time: cold (nobody in the room, so the server loads it
    // from its store first) and warm (another client keeps the room resident, the common case).
    // An init script timestamps the socket in the page, to split the time into loading the app,
    // waiting for the document, and rendering it.
    let page!: Page;
    const renders = async (label: string) => {
      const ready: number[] = [];
      const painted: number[] = [];
      const socketOpen: number[] = [];
      const docArrived: number[] = [];
      const render: number[] = [];
      for (let run = 0; run < RENDER_RUNS; run++) {
        if (label === 'cold') await new Promise((r) => setTimeout(r, 1_500)); // the test server unloads idle rooms after 500 ms
        const context = await newContext(browser);
        await context.addInitScript(() => {
          const Native = window.WebSocket;
          const w = window as unknown as { __ws: { open?: number; doc?: number } };
          w.__ws = {};
          window.WebSocket = class extends Native {
            constructor(url: string | URL, protocols?: string | string[]) {
              super(url, protocols);
              this.addEventListener('open', () => (w.__ws.open ??= performance.now()));
              this.addEventListener('message', (e: MessageEvent) => {
                const size = e.data instanceof ArrayBuffer ? e.data.byteLength : (e.data as { size?: number }).size ?? 0;
                if (size > 100_000) w.__ws.doc ??= performance.now();
              });
            }
          } as typeof WebSocket;
        });
        page = await context.newPage();
        await page.goto(url);
        await page.waitForFunction(() => performance.getEntriesByName('plenary:board:painted').length > 0, null, { timeout: 30_000 });
        const m = await page.evaluate(() => ({
          ready: performance.getEntriesByName('plenary:board:ready')[0].startTime,
          painted: performance.getEntriesByName('plenary:board:painted')[0].startTime,
          ws: (window as unknown as { __ws: { open?: number; doc?: number } }).__ws,
          cards: document.querySelectorAll('[data-card-id]').length,
          nodes: document.getElementsByTagName('*').length,
          columns: document.querySelectorAll('[data-cell]').length
        }));
        if (m.columns !== 5) throw new Error(`expected 5 columns, saw ${m.columns}`);
        ready.push(m.ready);
        painted.push(m.painted);
        socketOpen.push(m.ws.open ?? NaN);
        docArrived.push(m.ws.doc ?? NaN);
        render.push(m.ready - (m.ws.doc ?? NaN));
        out['board.renderedCards'] = m.cards;
        out['board.domElements'] = m.nodes;
        if (!(label === 'warm' && run === RENDER_RUNS - 1)) await context.close();
      }
      out[`board.firstRender.${label}Ms`] = median(ready)!;
      out[`board.firstPaint.${label}Ms`] = median(painted)!;
      out[`board.firstRender.${label}.socketOpenMs`] = median(socketOpen)!;
      out[`board.firstRender.${label}.documentArrivedMs`] = median(docArrived)!;
      out[`board.firstRender.${label}.documentToRenderMs`] = median(render)!;
    };
    await renders('cold');
    const keeper = connectClient(server.wsUrl, ROOM, server.token(ROOM, 'viewer', 'Keeper'));
    await waitForSync(keeper, 20_000);
    try {
      await renders('warm');
    } finally {
      keeper.destroy();
    }
    await waitForConnection(page, 'connected');

    // --- keyboard drag: pick up, step right (preview), drop
    const step: number[] = [];
    const dropMs: number[] = [];
    const columns = DEFAULT_STATUSES.map((s) => s.id);
    for (let i = 0; i < DRAG_RUNS; i++) {
      const from = columns[1 + (i % 2)]; // todo or doing
      const to = columns[2 + (i % 2)];
      const id = await page.evaluate((s) => document.querySelector<HTMLElement>(`[data-status="${s}"] [data-card-id]`)!.dataset.cardId!, from);
      await page.evaluate((cardId) => document.querySelector<HTMLElement>(`[data-card-id="${cardId}"]`)!.focus(), id);
      await keyToDom(page, ' ', IN_COLUMN, { id, status: from, moving: true });
      step.push(await keyToDom(page, 'ArrowRight', IN_COLUMN, { id, status: to, moving: true }));
      dropMs.push(await keyToDom(page, ' ', IN_COLUMN, { id, status: to, moving: false }));
      await page.waitForTimeout(30);
    }
    out['board.keyboardStepMs'] = median(step)!;
    out['board.keyboardDropMs'] = median(dropMs)!;
    out['board.keyboardDropP95Ms'] = p95(dropMs)!;

    // --- mouse: programmatic HTML drag and drop
    const mouse: number[] = [];
    for (let i = 0; i < DRAG_RUNS; i++) {
      const from = i % 2 ? 'review' : 'todo';
      const to = i % 2 ? 'todo' : 'review';
      mouse.push(
        await page.evaluate(
          ([f, t]) =>
            new Promise<number>((resolve, reject) => {
              const card = document.querySelector<HTMLElement>(`[data-status="${f}"] [data-card-id]`)!;
              const id = card.dataset.cardId!;
              const cell = document.querySelector<HTMLElement>(`[data-cell][data-status="${t}"]`)!;
              const first = cell.querySelector<HTMLElement>('[data-card-id]')!.getBoundingClientRect();
              const dt = new DataTransfer();
              card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: dt }));
              const at = { clientX: first.left + 10, clientY: first.top + 2 };
              cell.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt, ...at }));
              // Let the drop line render, as it would between pointer moves.
              requestAnimationFrame(() => {
                const t0 = performance.now();
                const observer = new MutationObserver(() => {
                  const el = document.querySelector(`[data-card-id="${id}"]`);
                  if (el?.closest(`[data-status="${t}"]`)) {
                    observer.disconnect();
                    resolve(performance.now() - t0);
                  }
                });
                observer.observe(document.body, { subtree: true, childList: true, attributes: true });
                cell.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt, ...at }));
                card.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: dt }));
                setTimeout(() => reject(new Error('drop not shown within 5 s')), 5_000);
              });
            }),
          [from, to] as const
        )
      );
      await page.waitForTimeout(30);
    }
    out['board.mouseDropMs'] = median(mouse)!;
    out['board.mouseDropP95Ms'] = p95(mouse)!;

    // --- remote edits from a Node client
    const client = connectClient(server.wsUrl, ROOM, server.token(ROOM, 'editor', 'Remote Bot'));
    try {
      await waitForSync(client, 20_000);
      const editor = createEditor('u-remote-bot', 'user');
      const rename: number[] = [];
      const move: number[] = [];
      for (let i = 0; i < REMOTE_RUNS; i++) {
        // A card the page renders (the first of the To do column), renamed, then moved to Review.
        const id = await page.evaluate(() => document.querySelector<HTMLElement>('[data-status="todo"] [data-card-id]')!.dataset.cardId!);
        const title = `Remote edit ${i} ${Math.random().toString(36).slice(2, 8)}`;
        await page.evaluate(
          ([cardId, text]) => {
            const w = window as unknown as { __seen?: number };
            delete w.__seen;
            const observer = new MutationObserver(() => {
              if (document.querySelector(`[data-card-id="${cardId}"]`)?.textContent?.includes(text)) {
                w.__seen = Date.now();
                observer.disconnect();
              }
            });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
          },
          [id, title] as const
        );
        const t0 = Date.now();
        cards.update(client.doc, editor, id, { title });
        const seen = await waitFor(() => page.evaluate(() => (window as unknown as { __seen?: number }).__seen), 'remote rename in the page', 5_000, 2);
        rename.push(seen - t0);

        await page.evaluate((cardId) => {
          const w = window as unknown as { __seen?: number };
          delete w.__seen;
          const observer = new MutationObserver(() => {
            if (document.querySelector(`[data-card-id="${cardId}"]`)?.closest('[data-status="review"]')) {
              w.__seen = Date.now();
              observer.disconnect();
            }
          });
          observer.observe(document.body, { subtree: true, childList: true });
        }, id);
        // To the top of Review, as a person dragging it there would (a card below the rendered
        // part of a long column is not in the DOM, so it could not be seen arriving).
        const top = cards.list(client.doc).filter((c) => c.status === 'review').sort(compareRank)[0];
        const rank = rankBetween(null, top?.rank ?? null);
        const t1 = Date.now();
        moveCard(client.doc, editor, id, { status: 'review', rank });
        const moved = await waitFor(() => page.evaluate(() => (window as unknown as { __seen?: number }).__seen), 'remote move in the page', 5_000, 2);
        move.push(moved - t1);
        await new Promise((r) => setTimeout(r, 30));
      }
      out['board.remoteRenameMs'] = median(rename)!;
      out['board.remoteRenameP95Ms'] = p95(rename)!;
      out['board.remoteMoveMs'] = median(move)!;
      out['board.remoteMoveP95Ms'] = p95(move)!;
    } finally {
      client.destroy();
    }
  } finally {
    await browser.close();
    await server.stop();
    doc.destroy();
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchBoard(), null, 2));
}
