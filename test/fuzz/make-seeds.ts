/**
 * Writes the room target's fixture (test/fuzz/fixtures/rooms.json) and the seed corpora
 * (test/fuzz/corpus/<target>/). Run again only when the document schema changes:
 *
 *   npx tsx test/fuzz/make-seeds.ts
 *
 * The fixture is made by the server's own code: createPlanRoom, three cards written through
 * Rooms.withRoom, and createRetroRoom (which links the retro from the plan), all in a memory store;
 * each room's stored log is then kept as one update. It is checked in, not rebuilt per run, so the
 * Yjs client ids in it are fixed and seeds that edit its items stay valid.
 *
 * Seeds are what stock clients send, built with the same y-protocols calls a WebsocketProvider
 * makes (sync step 1/2 from the replica, awareness updates of a real presence state), and the
 * private requests the poker and retro screens send, in the orders a session goes through.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { addCard, rankAtEnd } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { orderedStatuses } from '../../shared/doc/statuses.ts';
import { encodeAwareness, encodePrivate, encodeQueryAwareness, LIMITS, MESSAGE_AUTH, encodeSyncUpdate } from '../../shared/protocol.ts';
import { PLAN_ROOT } from '../../shared/schema.ts';
import { toCsv, RAID_CSV_HEADER } from '../../shared/steering/csv.ts';
import { TEMPLATES } from '../../shared/retro/templates.ts';
import { EXTENSIONS } from '../../server/extensions/index.ts';
import { createMetrics } from '../../server/observability/metrics.ts';
import { createMemoryStore } from '../../server/persistence/memory.ts';
import { createPlanRoom } from '../../server/plans.ts';
import { createRetroRoom } from '../../server/retros.ts';
import { Rooms } from '../../server/sync/rooms.ts';
import { OpWriter } from './room-ops.ts';

const here = import.meta.dirname;
const T0 = Date.UTC(2024, 2, 12, 9, 0, 0);

async function makeFixture() {
  const store = createMemoryStore();
  const log = pino({ level: 'silent' });
  const rooms = new Rooms({ store, limits: { ...LIMITS }, log, metrics: createMetrics(), roomIdleMs: 10, compactEntries: 1000, compactBytes: 1 << 24, retentionDays: 0, extensions: EXTENSIONS, now: () => T0 });
  const plan = await createPlanRoom(store, { name: 'Fuzz plan', room: 'fuzz-plan', timeZone: 'Europe/London' }, 'u-admin');
  await rooms.withRoom(plan, (doc) => {
    const editor = createEditor('u-admin', 'server', () => T0);
    const status = orderedStatuses(doc)[0].id;
    for (const [id, title] of [['card-a', 'Provision GPU nodes'], ['card-b', 'Burn-in tests'], ['card-c', 'Rack power audit']]) {
      addCard(doc, editor, { title, status, rank: rankAtEnd(doc), points: id === 'card-b' ? 3 : null }, id);
    }
  });
  const template = TEMPLATES[0];
  const { room: retro } = await createRetroRoom(store, plan, { title: 'Sprint 1 retro', template: template.id, columns: template.columns, anonymous: false, sprint: null }, 'u-admin', rooms);
  await rooms.shutdown();
  const out = [];
  for (const room of [plan, retro]) {
    const info = (await store.getRoom(room))!;
    const loaded = await store.load(room);
    const parts = [...(loaded.checkpoint ? [loaded.checkpoint.data] : []), ...loaded.updates.map((u) => u.data)];
    out.push({ ...info, data: Buffer.from(Y.mergeUpdates(parts)).toString('base64') });
  }
  return { rooms: out };
}

type Fixture = Awaited<ReturnType<typeof makeFixture>>;

function write(target: string, name: string, bytes: Uint8Array | string): void {
  const dir = path.join(here, 'corpus', target);
  fs.mkdirSync(dir, { recursive: true });
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  fs.writeFileSync(path.join(dir, `${name}-${createHash('sha1').update(data).digest('hex').slice(0, 8)}`), data);
}

/** A stock client: a replica (from its offline store), its awareness with a presence state. */
function client(fixtureUpdate: Uint8Array, clientID: number, user: { id: string; name: string }) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  Y.applyUpdate(doc, fixtureUpdate);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: { ...user, color: '#3b82f6', tz: 'Europe/London' }, card: null, cardMode: null });
  const frame = (fn: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder();
    fn(e);
    return encoding.toUint8Array(e);
  };
  return {
    doc,
    awareness,
    /** [0 sync][0 step1][sv], exactly as y-websocket writes it on connect. */
    step1: () => frame((e) => (encoding.writeVarUint(e, 0), syncProtocol.writeSyncStep1(e, doc))),
    /** The step 2 a client answers the server's step 1 with (server has the fixture: only the delete set). */
    step2: (serverSv: Uint8Array) => frame((e) => (encoding.writeVarUint(e, 0), syncProtocol.writeSyncStep2(e, doc, serverSv))),
    presence: () => encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])),
    presencePayload: () => awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
  };
}

/** The payload of a sync frame (what the room ops take for step1/step2/update). */
const payloadOf = (frame: Uint8Array) => {
  const d = frame.subarray(2);
  // skip the varuint length
  let i = 0;
  while (d[i] & 0x80) i++;
  return d.subarray(i + 1);
};

function roomSeeds(fixture: Fixture): void {
  const planData = new Uint8Array(Buffer.from(fixture.rooms[0].data, 'base64'));
  const retroData = new Uint8Array(Buffer.from(fixture.rooms[1].data, 'base64'));
  const serverPlan = new Y.Doc();
  Y.applyUpdate(serverPlan, planData);
  const serverSv = Y.encodeStateVector(serverPlan);
  const roles = ['viewer', 'editor', 'facilitator', 'admin'];
  const clients = roles.map((r, i) => client(i < 4 ? planData : retroData, 1000 + i, { id: `u-${r}`, name: `Fuzz ${r}` }));
  const retroClients = roles.map((r, i) => client(retroData, 1004 + i, { id: `u-${r}`, name: `Fuzz ${r}` }));

  // 1. Everyone connects like a stock client: step 1, step 2, presence; then a tick.
  const hello = new OpWriter();
  for (let i = 0; i < 8; i++) {
    const c = i < 4 ? clients[i] : retroClients[i - 4];
    hello.step1(i, payloadOf(c.step1())).step2(i, payloadOf(c.step2(serverSv))).awareness(i, c.presencePayload());
  }
  hello.tick().queryAwareness(1).tick();
  write('room', 'handshake', hello.toBytes());

  // 2. An editor adds and edits cards (real updates from its replica and through the edit op).
  const editor = clients[1];
  const updates: Uint8Array[] = [];
  editor.doc.on('update', (u: Uint8Array) => updates.push(u));
  const ed = createEditor('u-editor', 'user', () => T0 + 60_000);
  const status = orderedStatuses(editor.doc)[1].id;
  addCard(editor.doc, ed, { title: 'Cable management', status, rank: rankAtEnd(editor.doc) });
  editor.doc.getMap<Y.Map<unknown>>(PLAN_ROOT.cards).get('card-a')!.set('title', 'Provision GPU nodes (rack 2)');
  const edits = new OpWriter().step1(1, payloadOf(editor.step1()));
  for (const u of updates) edits.update(1, u);
  edits.tick().edit(1, 0, 'Firmware update').edit(1, 1, 'Renamed').edit(2, 5, 'doing').edit(1, 4, 'Notes **bold**').tick().edit(3, 2, 'x').tick();
  write('room', 'edits', edits.toBytes());

  // 3. A poker round: open, votes, mine, reveal, accept.
  const poker = new OpWriter()
    .private(2, 'poker', { type: 'open', cardId: 'card-a', deck: [1, 2, 3, 5, 8, 13, '?'], req: 1 })
    .tick()
    .private(1, 'poker', { type: 'vote', cardId: 'card-a', round: 1, value: 3, name: 'Ed' })
    .private(3, 'poker', { type: 'vote', cardId: 'card-a', round: 1, value: 5 })
    .private(1, 'poker', { type: 'mine', cardId: 'card-a' })
    .private(0, 'poker', { type: 'vote', cardId: 'card-a', round: 1, value: 8 })
    .tick()
    .private(2, 'poker', { type: 'reveal', cardId: 'card-a', round: 1 })
    .tick()
    .private(2, 'poker', { type: 'accept', cardId: 'card-a', round: 1, value: 5 })
    .private(3, 'poker', { type: 'open', cardId: 'card-b', facilitatorVotes: false })
    .private(3, 'poker', { type: 'cancel', cardId: 'card-b', round: 1 })
    .tick();
  write('room', 'poker-round', poker.toBytes());

  // 4. A retro from writing to close.
  const device = 'devicekey0123456789';
  const r = (peer: number, payload: Record<string, unknown>) => retro.private(peer, 'retro', { device, name: 'Fuzz', ...payload });
  const retro = new OpWriter();
  r(5, { type: 'hello' });
  r(6, { type: 'phase', to: 'write' });
  r(5, { type: 'draft.add', column: 'start', text: 'Pair on reviews' });
  r(7, { type: 'draft.add', column: 'stop', text: 'Friday deploys' });
  r(6, { type: 'moderation' });
  r(6, { type: 'budget', votes: 3 });
  r(6, { type: 'timer', seconds: 300 });
  retro.tick();
  r(6, { type: 'phase', to: 'reveal' });
  r(6, { type: 'late', open: true });
  r(5, { type: 'draft.add', column: 'continue', text: 'Demos' });
  r(6, { type: 'flush' });
  r(6, { type: 'phase', to: 'group' });
  r(6, { type: 'breakouts', count: 2, members: {} });
  r(6, { type: 'merge' });
  r(6, { type: 'phase', to: 'vote' });
  r(5, { type: 'vote', topic: 'x', delta: 1 });
  r(7, { type: 'abstain', abstain: true });
  retro.tick();
  r(6, { type: 'phase', to: 'discuss' });
  r(6, { type: 'focus', topic: null });
  r(6, { type: 'phase', to: 'actions' });
  r(6, { type: 'phase', to: 'close' });
  retro.tick().tick();
  write('room', 'retro-session', retro.toBytes());

  // 5. What a role may not do: viewer writes, editor writes the server's poker root, presence of
  //    someone else, a participant moving the retro phase.
  const hostile = new OpWriter()
    .step1(0, payloadOf(clients[0].step1()))
    .edit(0, 0, 'viewer card')
    .edit(1, 3, 'card-a')
    .awareness(1, clients[2].presencePayload())
    .awareness(2, clients[2].presencePayload())
    .awareness(1, clients[2].presencePayload())
    .edit(5, 3, 'phase');
  hostile.private(5, 'retro', { type: 'phase', to: 'close' }).private(4, 'retro', { type: 'draft.add', column: 'start', text: 'v' });
  hostile.tick();
  write('room', 'hostile', hostile.toBytes());

  // 6. Presence comes and goes; connections drop and come back; odd frames.
  const c = clients[1];
  const before = c.presencePayload();
  c.awareness.setLocalStateField('card', 'card-a');
  const focused = c.presencePayload();
  c.awareness.setLocalState(null);
  const leaving = c.presencePayload();
  const auth = new Uint8Array([MESSAGE_AUTH, 0, 2, 0x68, 0x69]);
  const churn = new OpWriter()
    .awareness(1, before)
    .tick()
    .awareness(1, focused)
    .tick()
    .rejoin(1)
    .awareness(1, leaving)
    .raw(1, auth)
    .raw(2, encodeQueryAwareness())
    .raw(3, encodePrivate('nope', { type: 'x' }))
    .raw(3, encodeSyncUpdate(new Uint8Array([0, 0])))
    .tick();
  write('room', 'presence-churn', churn.toBytes());
}

function protocolSeeds(fixture: Fixture): void {
  const planData = new Uint8Array(Buffer.from(fixture.rooms[0].data, 'base64'));
  const c = client(planData, 1001, { id: 'u-editor', name: 'Fuzz editor' });
  const empty = client(new Uint8Array([0, 0]), 1002, { id: 'u-viewer', name: 'Fuzz viewer' });
  write('protocol', 'step1', c.step1());
  write('protocol', 'step1-empty', empty.step1());
  write('protocol', 'step2', empty.step2(Y.encodeStateVector(c.doc)));
  const updates: Uint8Array[] = [];
  c.doc.on('update', (u: Uint8Array) => updates.push(u));
  c.doc.getMap<Y.Map<unknown>>(PLAN_ROOT.cards).get('card-b')!.set('title', 'Burn-in tests, all racks');
  write('protocol', 'update', encodeSyncUpdate(updates[0]));
  write('protocol', 'awareness', c.presence());
  write('protocol', 'query-awareness', encodeQueryAwareness());
  write('protocol', 'auth', new Uint8Array([MESSAGE_AUTH, 0, 2, 0x68, 0x69]));
  write('protocol', 'private-poker', encodePrivate('poker', { type: 'vote', cardId: 'card-a', round: 1, value: 3, req: 'r1' }));
  write('protocol', 'private-retro', encodePrivate('retro', { type: 'draft.add', column: 'start', text: 'Pair on reviews', device: 'devicekey0123456789', name: 'Ada' }));
  write('protocol', 'private-nested', encodePrivate('retro', { type: 'breakouts', count: 2, members: { a: [1, [2, [3, { b: null }]]] } }));
}

function csvSeeds(): void {
  const jira = [
    'Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Updated,Resolved,Sprint,Sprint,Labels,Labels,Custom field (Story Points)',
    'Provision GPU nodes,PLN-12,10012,Story,In Progress,High,Ada Lovelace,Grace Hopper,12/Mar/24 10:15 AM,13/Mar/24 9:02 AM,,Sprint 1,Sprint 2,infra,gpu,5',
    '"Burn-in tests, all racks",PLN-13,10013,Task,Done,Medium,Grace Hopper,Ada Lovelace,01/Mar/24 4:30 PM,11/Mar/24 11:00 AM,11/Mar/24 11:00 AM,Sprint 1,,qa,,3',
    '"Rack ""B"" power audit\nsee attached",PLN-14,10014,Bug,To Do,Low,,Ada Lovelace,2024-03-05T08:00:00.000+0100,2024-03-06,,,,,,"2,5"',
    'Cable management,PLN-15,10015,Story,Backlog,Lowest,Someone Else,Ada Lovelace,05/Mar/2024 08:00,,,Sprint 9,,,,'
  ].join('\r\n');
  write('csv', 'jira-export', jira + '\r\n');
  write('csv', 'jira-semicolon-bom', '\uFEFF' + jira.replace(/,/g, ';') + '\n');
  const raid = toCsv(RAID_CSV_HEADER, [
    ['R-1', 'risk', 'GPU delivery slips', 'Ada Lovelace', 'open', '2024-03-01', '2024-03-15', '2024-04-01', 4, 5, 20, 'Red', 2, 3, 6, 'card-a; card-b', 'Vendor backlog', 'Second supplier'],
    ['I-2', 'issue', '=cmd|"/c calc"!A1', 'grace', 'mitigating', '2024/3/2', '', '', 3, 3, 9, 'Amber', '', '', '', '', '', ''],
    ['D-3', 'dependency', 'Power upgrade\r\nfrom facilities', 'Nobody', 'closed', '2024-02-30', '', '', 'high', 6, '', '', 1, '', '', '', '', '']
  ]);
  write('csv', 'raid-register', raid);
  write('csv', 'raid-minimal', 'Title,Kind,Likelihood,Impact\nVendor lock-in,risk,2,4\n,assumption,,\nLate hardware,r,5.0,5\n');
  write('csv', 'sheets-tabs-cr', 'Summary\tStatus\tStory Points\rA\tDone\t1\rB\tReview\t1000\rC\tQA\t-1\r');
  write('csv', 'unclosed-quote', 'Summary,Status\n"never closed,Done\n');
}

const fixture = await makeFixture();
fs.mkdirSync(path.join(here, 'fixtures'), { recursive: true });
fs.writeFileSync(path.join(here, 'fixtures', 'rooms.json'), JSON.stringify(fixture, null, 1) + '\n');
for (const target of ['room', 'protocol', 'csv']) fs.rmSync(path.join(here, 'corpus', target), { recursive: true, force: true });
roomSeeds(fixture);
protocolSeeds(fixture);
csvSeeds();
console.log('fixture rooms:', fixture.rooms.map((r) => `${r.room} (${r.kind}, ${Buffer.from(r.data, 'base64').length} bytes)`).join(', '));
for (const target of ['room', 'protocol', 'csv']) console.log(target, fs.readdirSync(path.join(here, 'corpus', target)).length, 'seeds');
// The server's rooms leave unref'd-or-not housekeeping timers behind; the files are written.
process.exit(0);
