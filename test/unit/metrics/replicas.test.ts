import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, cards, estimateCard, moveCard } from '../../../shared/doc/cards.ts';
import { addMember } from '../../../shared/doc/members.ts';
import { createEditor, type Editor } from '../../../shared/doc/origin.ts';
import { createPlan } from '../../../shared/doc/plan.ts';
import { snapshot } from '../../../shared/doc/snapshot.ts';
import { sprints, startSprint } from '../../../shared/doc/sprints.ts';
import { computeMetrics, IncrementalMetrics } from '../../../shared/metrics/index.ts';
import type { Card } from '../../../shared/schema.ts';
import { at } from './fixtures.ts';

const BASE = at('2025-03-24 08:00');
const STATUSES = ['backlog', 'todo', 'doing', 'review', 'done'];

type Op =
  | { who: 0 | 1; kind: 'add'; status: string; points: number | null; sprint: boolean }
  | { who: 0 | 1; kind: 'move'; pick: number; status: string }
  | { who: 0 | 1; kind: 'estimate'; pick: number; points: number | null }
  | { who: 0 | 1; kind: 'sprint'; pick: number; sprint: string | null }
  | { who: 0 | 1; kind: 'links'; pick: number }
  | { who: 0 | 1; kind: 'delete'; pick: number }
  | { who: 0 | 1; kind: 'close' }
  | { who: 0 | 1; kind: 'sync' };

const who = fc.constantFrom(0 as const, 1 as const);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ who, kind: fc.constant('add' as const), status: fc.constantFrom(...STATUSES), points: fc.option(fc.constantFrom(1, 2, 3, 5, 0.5)), sprint: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ who, kind: fc.constant('move' as const), pick: fc.nat(), status: fc.constantFrom(...STATUSES) }) },
  { weight: 2, arbitrary: fc.record({ who, kind: fc.constant('estimate' as const), pick: fc.nat(), points: fc.option(fc.constantFrom(1, 3, 8, 0.25)) }) },
  { weight: 2, arbitrary: fc.record({ who, kind: fc.constant('sprint' as const), pick: fc.nat(), sprint: fc.option(fc.constantFrom('s1', 's2')) }) },
  { weight: 1, arbitrary: fc.record({ who, kind: fc.constant('links' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ who, kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ who, kind: fc.constant('close' as const) }) },
  { weight: 3, arbitrary: fc.record({ who, kind: fc.constant('sync' as const) }) }
);

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

/** Two replicas of one plan; replica 1's clock runs 7 minutes behind replica 0's (clocks that disagree). */
function replicas() {
  let tick = 0;
  const clock = (skew: number) => () => BASE + tick * 37 * 60_000 + skew;
  const editors: Editor[] = [createEditor('ana', 'user', clock(0)), createEditor('bo', 'user', clock(-7 * 60_000))];
  const docs = [new Y.Doc(), new Y.Doc()];
  docs[0].clientID = 1;
  docs[1].clientID = 2;
  const ed = editors[0];
  createPlan(docs[0], ed, { name: 'Replicas', timeZone: 'Europe/London' });
  addMember(docs[0], ed, { name: 'Ana', title: '', timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:00', defaultCapacity: 8 }, 'ana');
  sprints.add(docs[0], ed, { name: 'S1', goal: '', start: '2025-03-24', end: '2025-04-04', state: 'planned', commitment: null, closedAt: null }, { id: 's1' });
  sprints.add(docs[0], ed, { name: 'S2', goal: '', start: '2025-04-07', end: '2025-04-18', state: 'planned', commitment: null, closedAt: null }, { id: 's2' });
  for (let i = 0; i < 4; i++) addCard(docs[0], ed, { title: `c${i}`, status: 'todo', rank: `a${i}`, sprint: 's1', points: i + 1, assignee: 'ana' }, `seed${i}`);
  startSprint(docs[0], ed, 's1', [0, 1, 2, 3].map((i) => ({ id: `seed${i}`, points: i + 1 })));
  sync(docs[0], docs[1]);
  let n = 0;
  const apply = (op: Op) => {
    tick++;
    const doc = docs[op.who];
    const editor = editors[op.who];
    const ids = [...cards.root(doc).keys()].sort();
    const pick = (k: number) => (ids.length ? ids[k % ids.length] : null);
    switch (op.kind) {
      case 'add':
        addCard(doc, editor, { title: 'new', status: op.status, rank: 'm', points: op.points, sprint: op.sprint ? 's1' : null }, `r${op.who}-${n++}`);
        break;
      case 'move': {
        const id = pick(op.pick);
        if (id) moveCard(doc, editor, id, { status: op.status });
        break;
      }
      case 'estimate': {
        const id = pick(op.pick);
        if (id) estimateCard(doc, editor, id, op.points);
        break;
      }
      case 'sprint': {
        const id = pick(op.pick);
        if (id) moveCard(doc, editor, id, { sprint: op.sprint });
        break;
      }
      case 'links': {
        const id = pick(op.pick);
        if (id) cards.update(doc, editor, id, { links: ['ms1'] });
        break;
      }
      case 'delete': {
        const id = pick(op.pick);
        if (id) cards.remove(doc, editor, id);
        break;
      }
      case 'close':
        sprints.update(doc, editor, 's1', { state: 'closed', closedAt: editor.now() });
        break;
      case 'sync':
        sync(docs[op.who], docs[1 - op.who]);
        break;
    }
  };
  return { docs, apply, now: () => BASE + (tick + 2) * 37 * 60_000 };
}

/** Card ids touched by a transaction on the cards map, as a provider's observer would collect them. */
function watchCards(doc: Y.Doc): Set<string> {
  const changed = new Set<string>();
  const root = cards.root(doc);
  root.observeDeep((events) => {
    for (const e of events) {
      if (e.target === root) for (const key of e.changes.keys.keys()) changed.add(key);
      else changed.add(String(e.path[0]));
    }
  });
  return changed;
}

describe('metrics on converged replicas', () => {
  it('[G3, G4, G10] two replicas that exchanged every update compute equal metrics', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const { docs, apply, now } = replicas();
        for (const op of ops) apply(op);
        sync(docs[0], docs[1]);
        sync(docs[1], docs[0]);
        const options = { forecast: { trials: 200 } };
        const a = computeMetrics(snapshot(docs[0]), now(), options);
        const b = computeMetrics(snapshot(docs[1]), now(), options);
        expect(a).toEqual(b);
      }),
      { numRuns: 80 }
    );
  });

  it('[INC1, INC2] incremental metrics driven by Yjs events equal a full recomputation on the replica', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const { docs, apply, now } = replicas();
        const inc = new IncrementalMetrics(snapshot(docs[1]));
        const changed = watchCards(docs[1]);
        for (const op of ops) {
          apply(op);
          if (changed.size === 0 && op.kind !== 'close' && op.kind !== 'sync') continue;
          const plan = snapshot(docs[1]);
          inc.setPlan(plan);
          inc.update([...changed].map((id): [string, Card | null] => [id, cards.get(docs[1], id)]));
          changed.clear();
          expect(inc.metrics(now())).toEqual(computeMetrics(plan, now()));
        }
      }),
      { numRuns: 60 }
    );
  });
});
