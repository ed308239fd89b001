/**
 * Offline work is never refused or lost (issue 10), against the real server with stock
 * WebsocketProviders and a y-indexeddb-like local store (test/helpers/local-store.ts).
 *
 * The focused case is the one people hit: offline, a card is created and deleted again (its
 * nested fields, description and logs are then garbage-collected in the offline replica, so the
 * sync carries them only as collected structs and a delete range over them, from a client the
 * server has never seen) and a second card is created; the reconnect must be accepted and the
 * second card must land.
 *
 * The fuzz: several replicas (editor, facilitator, admin: every plan root but `poker` is theirs)
 * make random creates, edits, moves and deletes through the shared/doc accessors across every
 * root, while going offline (provider.disconnect()) and online again, and "reloading" (a new doc
 * and provider, the local store read before the socket opens, while the handshake is in flight,
 * or after the sync). At the end: no socket was closed by the server, every item someone created
 * and nobody deleted is on the server (a fresh client's view), the server holds exactly what
 * merging every replica's local store gives, and all replicas are equal (state vectors, plan
 * snapshots, every root's content).
 *
 * Reproduce a failing seed: OFFLINE_FUZZ_SEED=<seed>[,<seed>…] npx vitest run test/integration/offline-fuzz.test.ts
 * Longer runs: OFFLINE_FUZZ_SEEDS=<n> (seeds 1..n), OFFLINE_FUZZ_STEPS=<steps per seed>; the
 * server's reasons for a close: OFFLINE_FUZZ_LOG=info. A seed fixes the operations and pauses; how
 * they interleave with the server's replies can still differ from run to run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, addComment, cardDescription, cards, estimateCard, moveCard, moveCardsToSprint } from '../../shared/doc/cards.ts';
import { addDecision, decisions, updateDecision } from '../../shared/doc/decisions.ts';
import { addDependency, moveMilestone } from '../../shared/doc/dependency-rules.ts';
import { addCriterion, checkCriterion, readStage, removeCriterion, updateGate, updateStage } from '../../shared/doc/gates.ts';
import { addMember, members, setSprintCapacity } from '../../shared/doc/members.ts';
import { createEditor, type Editor } from '../../shared/doc/origin.ts';
import { updateMeta } from '../../shared/doc/plan.ts';
import { createRaidItem, raid, raidText, updateRaidItem } from '../../shared/doc/raid.ts';
import { snapshot } from '../../shared/doc/snapshot.ts';
import { addSprint, epics, sprints, updateSprint } from '../../shared/doc/sprints.ts';
import { endStandup, nextSpeaker, park, parking, startStandup } from '../../shared/doc/standup.ts';
import { addStatus, moveStatus, orderedStatuses, renameStatus, setWipLimit, statuses } from '../../shared/doc/statuses.ts';
import { dependencies, milestones, removeMilestone, takeBaseline, workstreams } from '../../shared/doc/timeline.ts';
import { createPrng } from '../../shared/prng.ts';
import type { Role } from '../../shared/protocol.ts';
import { PLAN_ROOT, STAGES } from '../../shared/schema.ts';
import { connectClient, waitFor, waitForSync, type TestClient } from '../helpers/clients.ts';
import { connectWithStore, LocalStore, type RestoreWhen } from '../helpers/local-store.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

type Close = { code: number; reason: string };

let server: TestServer;
const everyClient: TestClient[] = [];

beforeAll(async () => {
  // OFFLINE_FUZZ_LOG=info shows the server's reason (detail) for any close.
  server = await startServer({ env: { LOG_LEVEL: process.env.OFFLINE_FUZZ_LOG ?? 'warn' } });
});
afterAll(async () => {
  everyClient.forEach((c) => c.destroy());
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A replica: a stock provider on a Y.Doc, its local store, and every close the server sent it. */
type Replica = { name: string; role: Role; store: LocalStore; client: TestClient; closes: Close[]; editor: Editor; online: boolean; restored: boolean };

function newClient(room: string, role: Role, name: string, closes: Close[]): TestClient {
  const client = connectClient(server.wsUrl, room, server.token(room, role, name), { connect: false });
  everyClient.push(client);
  client.provider.on('connection-close', (event: { code: number; reason: string } | null) => {
    // null: closed on our side (provider.disconnect()); anything else came from the server.
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return client;
}

async function openReplica(room: string, role: Role, name: string): Promise<Replica> {
  const closes: Close[] = [];
  const store = new LocalStore();
  const client = newClient(room, role, name, closes);
  await connectWithStore(client, store, 'before-connect');
  await waitForSync(client);
  return { name, role, store, client, closes, editor: createEditor(`u-${name.toLowerCase()}`), online: true, restored: true };
}

/** A reload: the page and its doc go away; a new doc is filled from the local store. */
function reload(room: string, r: Replica, when: RestoreWhen): void {
  r.store.close();
  r.client.destroy();
  r.client = newClient(room, r.role, r.name, r.closes);
  if (!r.online) {
    r.store.load(r.client.doc);
    r.restored = true;
    return;
  }
  r.restored = false;
  void connectWithStore(r.client, r.store, when).then(() => (r.restored = true));
}

function goOnline(r: Replica): void {
  r.online = true;
  r.client.provider.connect();
}

function goOffline(r: Replica): void {
  r.online = false;
  r.client.provider.disconnect();
}

const serverCloses = (replicas: readonly Replica[]) => replicas.flatMap((r) => r.closes.map((c) => `${r.name} (${r.role}) closed ${c.code} ${c.reason}`));

/** Fails with the codes and reasons when the server closed any replica's socket. */
function expectNoServerClose(replicas: readonly Replica[]): void {
  const closes = serverCloses(replicas);
  if (closes.length) throw new Error(`the server closed a socket: ${closes.join('; ')}`);
}

/** The plain content of every plan root (a fresh Y.Doc lists only the types it was asked for). */
const rootsJson = (doc: Y.Doc) => Object.fromEntries(Object.values(PLAN_ROOT).map((root) => [root, doc.getMap(root).toJSON()]));

const stateVector = (doc: Y.Doc) => Object.fromEntries([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b));
const sameState = (a: Y.Doc, b: Y.Doc) => Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)));

/** Brings everyone online, waits for the replicas and a fresh client to converge, and checks it all. */
async function reconnectAndCheck(room: string, replicas: Replica[], survivors: Map<string, Set<string>>): Promise<void> {
  for (const r of replicas) if (!r.online) goOnline(r);
  const closed = () => serverCloses(replicas).length > 0;
  const states = () => replicas.map((r) => `${r.name}: online ${r.online}, connected ${r.client.provider.wsconnected}, synced ${r.client.provider.synced}, store read ${r.restored}`).join('; ');
  await waitFor(() => closed() || replicas.every((r) => r.client.provider.synced && r.restored), 'every replica synced', 15_000).catch((err: Error) => {
    throw new Error(`${err.message} (${states()})`);
  });
  expectNoServerClose(replicas);

  // What plain Yjs makes of everything anyone wrote: the merge of every local store.
  const oracle = new Y.Doc();
  for (const r of replicas) Y.applyUpdate(oracle, r.store.state());
  await waitFor(() => closed() || replicas.every((r) => sameState(r.client.doc, oracle)), 'replicas reach the merged state', 15_000);
  expectNoServerClose(replicas);

  const fresh = newClient(room, 'viewer', 'Fresh', []);
  fresh.provider.connect();
  await waitForSync(fresh);
  await waitFor(() => sameState(fresh.doc, oracle), 'the server holds the merged state', 5_000).catch(() => {});
  expect(stateVector(fresh.doc)).toEqual(stateVector(oracle));

  // Every item created (online or offline) and deleted by nobody is on the server.
  const missing: string[] = [];
  for (const [root, ids] of survivors) for (const id of ids) if (!fresh.doc.getMap(root).has(id)) missing.push(`${root}/${id}`);
  expect(missing).toEqual([]);

  const expected = { snapshot: snapshot(oracle), roots: rootsJson(oracle) };
  expect({ snapshot: snapshot(fresh.doc), roots: rootsJson(fresh.doc) }).toEqual(expected);
  for (const r of replicas) expect({ snapshot: snapshot(r.client.doc), roots: rootsJson(r.client.doc) }).toEqual(expected);
  expectNoServerClose(replicas);
  fresh.destroy();
  oracle.destroy();
}

// ---------------------------------------------------------------------------------------------
// The focused case

describe('offline: a card created and deleted again, and a second card', () => {
  type Variant = { label: string; reconnect: (room: string, r: Replica) => void };
  const variants: Variant[] = [
    { label: 'the same page reconnects', reconnect: (_room, r) => goOnline(r) },
    {
      label: 'the page is reloaded offline, then reconnects',
      reconnect: (room, r) => {
        reload(room, r, 'before-connect');
        goOnline(r);
      }
    },
    ...(['before-connect', 'on-open', 'after-sync'] as const).map((when) => ({
      label: `the page is reloaded online, the store read ${when}`,
      reconnect: (room: string, r: Replica) => {
        r.online = true;
        reload(room, r, when);
      }
    }))
  ];

  for (const role of ['editor', 'admin'] as const) {
    it.each(variants)(`as ${role}: $label — accepted, the second card lands, the first stays gone`, async ({ reconnect }) => {
      const room = await server.createPlan('Offline create and delete');
      const ana = await openReplica(room, 'editor', 'Ana');
      const bo = await openReplica(room, role, 'Bo');
      const kept = addCard(ana.client.doc, ana.editor, { title: 'on the server before', status: 'todo', rank: 'a' });
      await waitFor(() => cards.item(bo.client.doc, kept), 'bo has the card');

      goOffline(bo);
      const doc = bo.client.doc;
      const doomed = addCard(doc, bo.editor, { title: 'created offline, deleted offline', status: 'todo', rank: 'b' });
      cardDescription(doc, doomed)!.insert(0, 'a few words');
      addComment(doc, bo.editor, doomed, 'a comment');
      moveCard(doc, bo.editor, doomed, { status: 'doing' });
      cards.remove(doc, bo.editor, doomed);
      const second = addCard(doc, bo.editor, { title: 'second card, created offline', status: 'todo', rank: 'c' });
      // The offline replica has collected the deleted card's insides: the sync carries GC structs.
      expect(cards.root(doc).has(doomed)).toBe(false);

      reconnect(room, bo);
      await waitFor(() => bo.closes.length > 0 || cards.get(ana.client.doc, second), "the second card reaches Ana (or Bo's socket is closed)");
      expectNoServerClose([bo]);
      await reconnectAndCheck(room, [ana, bo], new Map([['cards', new Set([kept, second])]]));
      expect(cards.list(ana.client.doc).map((c) => c.title).sort()).toEqual(['on the server before', 'second card, created offline']);
    });
  }

  it('a card of the server edited offline and then deleted offline: accepted, other offline work lands', async () => {
    const room = await server.createPlan('Offline edit then delete');
    const ana = await openReplica(room, 'editor', 'Ana');
    const bo = await openReplica(room, 'editor', 'Bo');
    const target = addCard(ana.client.doc, ana.editor, { title: 'shared card', status: 'todo', rank: 'a' });
    await waitFor(() => cards.item(bo.client.doc, target), 'bo has the card');

    goOffline(bo);
    const doc = bo.client.doc;
    cards.update(doc, bo.editor, target, { title: 'renamed offline', labels: ['x'] });
    cardDescription(doc, target)!.insert(0, 'offline notes');
    estimateCard(doc, bo.editor, target, 3);
    cards.remove(doc, bo.editor, target);
    const other = addCard(doc, bo.editor, { title: 'other offline card', status: 'todo', rank: 'b' });

    goOnline(bo);
    await waitFor(() => bo.closes.length > 0 || cards.get(ana.client.doc, other), 'the other card reaches Ana (or a close)');
    expectNoServerClose([bo]);
    await reconnectAndCheck(room, [ana, bo], new Map([['cards', new Set([other])]]));
    expect(cards.get(ana.client.doc, target)).toBeNull();
  });
});

describe('offline: an edit made while the page loads', () => {
  // The page's first edit comes before the socket is open (so the provider does not send it: the
  // sync step 2 will carry it), and the stored state read during the handshake overwrites it. The
  // store's update then deletes an item of the page's own client that the server has not seen yet.
  it('is not refused when the stored state read during the handshake overwrites it', async () => {
    const room = await server.createPlan('Edit while loading');
    const ana = await openReplica(room, 'editor', 'Ana');
    const bo = await openReplica(room, 'editor', 'Bo');
    updateMeta(bo.client.doc, bo.editor, { description: 'written before the reload' });
    await waitFor(() => ana.client.doc.getMap(PLAN_ROOT.meta).get('description') === 'written before the reload', 'ana has it');

    bo.store.close();
    bo.client.destroy();
    // Of concurrent map writes the lowest client id loses: a page whose id is below every client in
    // the store, so the stored value wins over the one typed while loading.
    const lowest = Math.min(...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(bo.store.state())).keys());
    for (;;) {
      bo.client = newClient(room, bo.role, bo.name, bo.closes);
      if (bo.client.doc.clientID < lowest) break;
      bo.client.destroy();
    }
    bo.restored = false;
    const restored = connectWithStore(bo.client, bo.store, 'on-open').then(() => (bo.restored = true));
    updateMeta(bo.client.doc, bo.editor, { description: 'typed while the page loads' });
    const card = addCard(bo.client.doc, bo.editor, { title: 'added while the page loads', status: 'todo', rank: 'a' });
    await restored;

    await waitFor(() => bo.closes.length > 0 || cards.get(ana.client.doc, card), 'the card reaches Ana (or a close)');
    expectNoServerClose([bo]);
    await reconnectAndCheck(room, [ana, bo], new Map([['cards', new Set([card])]]));
  });
});

// ---------------------------------------------------------------------------------------------
// The seeded fuzz

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = createPrng(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  maybe<T>(items: readonly T[]): T | undefined {
    return items.length ? this.pick(items) : undefined;
  }
  day(): string {
    return `2030-0${1 + this.int(9)}-${String(1 + this.int(28)).padStart(2, '0')}`;
  }
  word(): string {
    return this.pick(['rack', 'cable', 'switch', 'power', 'cooling', 'firmware', 'audit', 'spare', 'vendor', 'burn-in']);
  }
}

/** Top-level collections (Y.Map<id, Y.Map>) whose items the fuzz tracks for survival. */
const COLLECTIONS = [
  PLAN_ROOT.cards,
  PLAN_ROOT.members,
  PLAN_ROOT.statuses,
  PLAN_ROOT.sprints,
  PLAN_ROOT.epics,
  PLAN_ROOT.raid,
  PLAN_ROOT.workstreams,
  PLAN_ROOT.milestones,
  PLAN_ROOT.dependencies,
  PLAN_ROOT.decisions,
  PLAN_ROOT.parking
];

const ids = (doc: Y.Doc, root: string) => [...doc.getMap(root).keys()];

/** Edits a rich text (Lexical's shape: runs of text and nested paragraph XmlTexts), inside one transaction. */
function editText(rng: Rng, doc: Y.Doc, editor: Editor, text: Y.XmlText | null): string | null {
  if (!text) return null;
  const len = text.length;
  doc.transact(() => {
    const what = rng.int(4);
    if (what === 0 || len === 0) text.insert(rng.int(len + 1), `${rng.word()} `);
    else if (what === 1) {
      const at = rng.int(len);
      text.delete(at, Math.min(len - at, 1 + rng.int(6)));
    } else if (what === 2) text.format(rng.int(len), 1 + rng.int(4), { bold: rng.chance(0.5) ? true : null });
    else {
      const paragraph = new Y.XmlText();
      text.insertEmbed(rng.int(len + 1), paragraph);
      paragraph.insert(0, rng.word());
    }
  }, editor.origin);
  return `text edit (${len} → ${text.length})`;
}

type Op = (rng: Rng, doc: Y.Doc, editor: Editor) => string | null;

const anyId = (rng: Rng, doc: Y.Doc, root: string) => rng.maybe(ids(doc, root));
const statusId = (rng: Rng, doc: Y.Doc) => rng.maybe(orderedStatuses(doc).map((s) => s.id)) ?? 'backlog';

/** Every root a plan editor may write, through its accessors; weights favour cards. */
const OPS: [number, string, Op][] = [
  [6, 'add card', (rng, doc, e) => addCard(doc, e, { title: `${rng.word()} ${rng.int(1000)}`, status: statusId(rng, doc), rank: `m${rng.int(1000)}`, points: rng.chance(0.3) ? rng.pick([1, 2, 3, 5, 8]) : null })],
  [3, 'add card, edit it, delete it', (rng, doc, e) => {
    const id = addCard(doc, e, { title: 'short-lived', status: statusId(rng, doc), rank: 'z' });
    editText(rng, doc, e, cardDescription(doc, id));
    if (rng.chance(0.5)) addComment(doc, e, id, rng.word());
    if (rng.chance(0.5)) moveCard(doc, e, id, { status: statusId(rng, doc) });
    cards.remove(doc, e, id);
    return id;
  }],
  [3, 'edit card', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.cards);
    return id && cards.update(doc, e, id, rng.chance(0.5) ? { title: `${rng.word()} ${rng.int(100)}` } : { labels: [rng.word()], due: rng.day() }) ? id : null;
  }],
  [4, 'move card', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.cards);
    const sprint = rng.chance(0.3) ? (anyId(rng, doc, PLAN_ROOT.sprints) ?? null) : undefined;
    return id && moveCard(doc, e, id, { status: statusId(rng, doc), rank: `m${rng.int(1000)}`, sprint }) ? id : null;
  }],
  [1, 'estimate card', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.cards);
    return id && estimateCard(doc, e, id, rng.pick([null, 1, 2, 3, 5, 8, 13])) ? id : null;
  }],
  [2, 'comment card', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.cards);
    return id ? addComment(doc, e, id, `${rng.word()} ${rng.word()}`) : null;
  }],
  [4, 'edit card description', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.cards);
    return id ? editText(rng, doc, e, cardDescription(doc, id)) : null;
  }],
  [3, 'delete card', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.cards);
    return id && cards.remove(doc, e, id) ? id : null;
  }],
  [1, 'cards to sprint', (rng, doc, e) => {
    const sprint = anyId(rng, doc, PLAN_ROOT.sprints);
    const some = ids(doc, PLAN_ROOT.cards).filter(() => rng.chance(0.3));
    return sprint && some.length ? `${moveCardsToSprint(doc, e, some, sprint)} cards` : null;
  }],
  [2, 'add sprint', (rng, doc, e) => {
    const start = rng.day();
    const res = addSprint(doc, e, { name: `Sprint ${rng.int(100)}`, goal: rng.word(), start, end: start });
    return res.ok ? res.id : null;
  }],
  [1, 'edit sprint', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.sprints);
    return id && updateSprint(doc, e, id, { goal: `${rng.word()} ${rng.word()}` }).ok ? id : null;
  }],
  [1, 'delete sprint', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.sprints);
    return id && sprints.remove(doc, e, id) ? id : null;
  }],
  [2, 'add member', (rng, doc, e) =>
    addMember(doc, e, { name: `${rng.word()} person`, title: 'SRE', timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:00', defaultCapacity: rng.int(10) })],
  [2, 'member capacity', (rng, doc, e) => {
    const member = anyId(rng, doc, PLAN_ROOT.members);
    const sprint = anyId(rng, doc, PLAN_ROOT.sprints) ?? 'no-sprint';
    return member && setSprintCapacity(doc, e, member, sprint, rng.chance(0.5) ? { capacity: rng.int(10) } : { daysOff: rng.int(5) }) ? member : null;
  }],
  [1, 'delete member', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.members);
    return id && members.remove(doc, e, id) ? id : null;
  }],
  [1, 'add status', (rng, doc, e) => addStatus(doc, e, { name: `${rng.word()} column`, category: rng.pick(['todo', 'doing', 'done'] as const) }, rng.int(6))],
  [1, 'edit status', (rng, doc, e) => {
    const id = statusId(rng, doc);
    const what = rng.int(3);
    const done = what === 0 ? renameStatus(doc, e, id, `${rng.word()} column`) : what === 1 ? setWipLimit(doc, e, id, rng.chance(0.5) ? null : 1 + rng.int(5)) : moveStatus(doc, e, id, rng.int(6));
    return done ? id : null;
  }],
  [1, 'delete status', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.statuses);
    return id && statuses.remove(doc, e, id) ? id : null;
  }],
  [1, 'add epic', (rng, doc, e) => epics.add(doc, e, { name: `${rng.word()} epic`, rank: `e${rng.int(100)}` })],
  [1, 'edit or delete epic', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.epics);
    if (!id) return null;
    return (rng.chance(0.5) ? epics.update(doc, e, id, { name: `${rng.word()} epic` }) : epics.remove(doc, e, id)) ? id : null;
  }],
  [2, 'add RAID item', (rng, doc, e) =>
    createRaidItem(doc, e, {
      kind: rng.pick(['risk', 'assumption', 'issue', 'dependency'] as const),
      title: `${rng.word()} risk`,
      owner: null,
      status: 'open',
      raised: rng.day(),
      review: null,
      due: null,
      likelihood: 1 + rng.int(5),
      impact: 1 + rng.int(5),
      residualLikelihood: null,
      residualImpact: null,
      links: []
    })],
  [2, 'edit RAID item', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.raid);
    if (!id) return null;
    if (rng.chance(0.5)) return editText(rng, doc, e, raidText(doc, id, rng.pick(['description', 'response'] as const)));
    return updateRaidItem(doc, e, id, rng.chance(0.5) ? { status: rng.pick(['open', 'monitoring', 'mitigating', 'closed'] as const) } : { likelihood: 1 + rng.int(5) }) ? id : null;
  }],
  [1, 'delete RAID item', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.raid);
    return id && raid.remove(doc, e, id) ? id : null;
  }],
  [1, 'add workstream', (rng, doc, e) => workstreams.add(doc, e, { name: `${rng.word()} stream`, rank: `w${rng.int(100)}`, owner: null, rag: 'green', ragComment: '' })],
  [1, 'edit or delete workstream', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.workstreams);
    if (!id) return null;
    return (rng.chance(0.6) ? workstreams.update(doc, e, id, { rag: rng.pick(['red', 'amber', 'green'] as const), ragComment: rng.word() }) : workstreams.remove(doc, e, id)) ? id : null;
  }],
  [2, 'add milestone', (rng, doc, e) => {
    const start = rng.day();
    const kind = rng.pick(['milestone', 'phase', 'release'] as const);
    return milestones.add(doc, e, { name: `${rng.word()} gate`, kind, workstream: anyId(rng, doc, PLAN_ROOT.workstreams) ?? null, start, end: start, baselineStart: null, baselineEnd: null, stage: rng.pick(STAGES), owner: null });
  }],
  [2, 'move milestone', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.milestones);
    const day = rng.day();
    return id && moveMilestone(doc, e, id, { start: day, end: day }, { push: rng.chance(0.5) }).ok ? id : null;
  }],
  [1, 'baseline', (_rng, doc, e) => `${takeBaseline(doc, e)} baselined`],
  [1, 'delete milestone', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.milestones);
    return id && removeMilestone(doc, e, id) ? id : null;
  }],
  [2, 'add dependency', (rng, doc, e) => {
    const from = anyId(rng, doc, PLAN_ROOT.milestones);
    const to = anyId(rng, doc, PLAN_ROOT.milestones);
    if (!from || !to || from === to) return null;
    const res = addDependency(doc, e, { from, to, lagDays: rng.int(5) });
    return res.ok ? res.id : null;
  }],
  [1, 'delete dependency', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.dependencies);
    return id && dependencies.remove(doc, e, id) ? id : null;
  }],
  [1, 'add decision', (rng, doc, e) => addDecision(doc, e, { title: `${rng.word()} decision`, date: rng.day() })],
  [1, 'edit or delete decision', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.decisions);
    if (!id) return null;
    return (rng.chance(0.6) ? updateDecision(doc, e, id, { status: rng.pick(['proposed', 'decided', 'superseded'] as const), options: [rng.word()] }) : decisions.remove(doc, e, id)) ? id : null;
  }],
  [1, 'edit plan', (rng, doc, e) => {
    updateMeta(doc, e, rng.chance(0.5) ? { description: `${rng.word()} ${rng.word()}` } : { name: `Plan ${rng.word()}` });
    return 'meta';
  }],
  [2, 'edit stage gate', (rng, doc, e) => {
    const stage = rng.pick(STAGES);
    const what = rng.int(4);
    if (what === 0) return updateStage(doc, e, stage, { name: `${rng.word()} stage`, enabled: rng.chance(0.8) }) ? stage : null;
    if (what === 1) return addCriterion(doc, e, stage, `${rng.word()} done`);
    const milestone = anyId(rng, doc, PLAN_ROOT.milestones);
    const criterion = rng.maybe(readStage(doc, stage).criteria.map((c) => c.id));
    if (what === 2) return criterion && removeCriterion(doc, e, stage, criterion) ? criterion : null;
    if (!milestone) return null;
    if (criterion && rng.chance(0.5)) return checkCriterion(doc, e, milestone, stage, criterion, rng.chance(0.7)) ? milestone : null;
    return updateGate(doc, e, milestone, stage, { status: rng.pick(['not-started', 'in-review', 'passed', 'failed'] as const), note: rng.word() }, '2030-01-01') ? milestone : null;
  }],
  [1, 'stand-up', (rng, doc, e) => {
    const what = rng.int(3);
    if (what === 0) startStandup(doc, e, 'person', ids(doc, PLAN_ROOT.members), 60 + rng.int(120));
    else if (what === 1) nextSpeaker(doc, e);
    else endStandup(doc, e);
    return `stand-up ${what}`;
  }],
  [2, 'parking lot', (rng, doc, e) => {
    const id = anyId(rng, doc, PLAN_ROOT.parking);
    if (!id || rng.chance(0.5)) return park(doc, e, `${rng.word()} later`, e.actor);
    return (rng.chance(0.5) ? parking.update(doc, e, id, { done: true }) : parking.remove(doc, e, id)) ? id : null;
  }]
];
const TOTAL_WEIGHT = OPS.reduce((n, [w]) => n + w, 0);

function pickOp(rng: Rng): [string, Op] {
  let x = rng.int(TOTAL_WEIGHT);
  for (const [w, name, op] of OPS) {
    if (x < w) return [name, op];
    x -= w;
  }
  throw new Error('unreachable');
}

const ROLES: Role[] = ['editor', 'facilitator', 'admin'];
const TIMINGS: RestoreWhen[] = ['before-connect', 'on-open', 'after-sync'];

async function fuzz(seed: number, steps: number): Promise<void> {
  const rng = new Rng(seed);
  const room = await server.createPlan(`Offline fuzz ${seed}`);
  const count = 3 + rng.int(2);
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) replicas.push(await openReplica(room, i < ROLES.length ? ROLES[i] : rng.pick(ROLES), `P${i}`));
  const created = new Map<string, Set<string>>(COLLECTIONS.map((c) => [c, new Set<string>()]));
  const removed = new Map<string, Set<string>>(COLLECTIONS.map((c) => [c, new Set<string>()]));
  const log: string[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const r = rng.pick(replicas);
      const x = rng.float();
      if (x < 0.1) {
        if (r.online) goOffline(r);
        else goOnline(r);
        log.push(`${step} ${r.name} ${r.online ? 'online' : 'offline'}`);
      } else if (x < 0.15) {
        const when = rng.pick(TIMINGS);
        reload(room, r, when);
        log.push(`${step} ${r.name} reload (${r.online ? `store read ${when}` : 'offline'})`);
      } else if (x < 0.25) {
        await sleep(rng.int(30));
        log.push(`${step} pause`);
      } else {
        const [name, op] = pickOp(rng);
        const doc = r.client.doc;
        const before = new Map(COLLECTIONS.map((c) => [c, new Set(ids(doc, c))]));
        const what = op(rng, doc, r.editor);
        for (const c of COLLECTIONS) {
          const now = new Set(ids(doc, c));
          for (const id of now) if (!before.get(c)!.has(id)) created.get(c)!.add(id);
          for (const id of before.get(c)!) if (!now.has(id)) removed.get(c)!.add(id);
        }
        log.push(`${step} ${r.name}${r.online ? '' : ' (offline)'} ${name}${what ? `: ${what}` : ' (nothing to do)'}`);
      }
      // Let online traffic flow now and then, so offline work meets a moving document.
      if (step % 8 === 7) await sleep(5);
      if (serverCloses(replicas).length) break;
    }
    const survivors = new Map([...created].map(([c, set]) => [c, new Set([...set].filter((id) => !removed.get(c)!.has(id)))]));
    await reconnectAndCheck(room, replicas, survivors);
  } catch (err) {
    const tail = log.slice(-25).join('\n  ');
    throw new Error(`offline fuzz, seed ${seed} (reproduce: OFFLINE_FUZZ_SEED=${seed}): ${(err as Error).message}\nlast steps:\n  ${tail}`, { cause: err });
  } finally {
    for (const r of replicas) {
      r.store.close();
      r.client.destroy();
    }
  }
}

const STEPS = Number(process.env.OFFLINE_FUZZ_STEPS ?? 60);
const SEEDS = process.env.OFFLINE_FUZZ_SEED
  ? process.env.OFFLINE_FUZZ_SEED.split(',').map(Number)
  : Array.from({ length: Number(process.env.OFFLINE_FUZZ_SEEDS ?? 8) }, (_, i) => i + 1);

describe('seeded fuzz of offline sessions', () => {
  it.each(SEEDS)('seed %i: no refusal, nothing lost, every replica converges', async (seed) => {
    await fuzz(seed, STEPS);
  }, 30_000);
});
