/**
 * RAID history, bulk changes, re-scoring under concurrency, decisions and the meeting timer: the
 * steering accessors in shared/doc/raid.ts, decisions.ts and meeting.ts.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDecision, decisions, updateDecision } from '../../shared/doc/decisions.ts';
import { readMeetingTimer, writeMeetingTimer } from '../../shared/doc/meeting.ts';
import { createEditor, Origin, type Editor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { addRaidItem, createRaidItem, raid, raidHistories, raidHistory, rescoreRaidItem, updateRaidItem, updateRaidItems, type RaidFields } from '../../shared/doc/raid.ts';
import { formatCountdown, idleTimer, pauseTimer, resetTimer, setTimerDuration, startTimer, timerPhase, timerRemaining } from '../../shared/steering/timer.ts';

function clockEditor(actor: string, start = 1_700_000_000_000): Editor & { advance: (ms: number) => void } {
  let t = start;
  return { ...createEditor(actor, 'user', () => t), advance: (ms: number) => void (t += ms) };
}

const fields: RaidFields = {
  kind: 'risk',
  title: 'GPU deliveries slip',
  owner: null,
  status: 'open',
  raised: '2025-01-06',
  review: null,
  due: null,
  likelihood: 3,
  impact: 3,
  residualLikelihood: null,
  residualImpact: null,
  links: []
};

function planDoc(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  createPlan(doc, createEditor('server', 'server', () => 1), { name: 'Helios' });
  return doc;
}

function replica(of: Y.Doc, clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(of));
  return doc;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

describe('RAID history', () => {
  it('logs {at, actor, field, from, to} per changed field, in the same transaction as the change', () => {
    const doc = planDoc(1);
    const ed = clockEditor('ada');
    addRaidItem(doc, ed, fields, 'r1');
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    ed.advance(1000);
    expect(updateRaidItem(doc, ed, 'r1', { likelihood: 4, title: 'GPU deliveries slip', owner: 'm-ada', review: '2025-02-01' })).toBe(true);
    expect(transactions).toBe(1);
    expect(raid.get(doc, 'r1')).toMatchObject({ likelihood: 4, owner: 'm-ada', review: '2025-02-01' });
    // The unchanged title is not logged.
    expect(raidHistory(doc, 'r1')).toEqual([
      { at: 1_700_000_001_000, actor: 'ada', field: 'likelihood', from: 3, to: 4 },
      { at: 1_700_000_001_000, actor: 'ada', field: 'owner', from: null, to: 'm-ada' },
      { at: 1_700_000_001_000, actor: 'ada', field: 'review', from: null, to: '2025-02-01' }
    ]);
  });

  it('drops invalid values instead of writing them, and refuses a missing item', () => {
    const doc = planDoc(1);
    const ed = clockEditor('ada');
    addRaidItem(doc, ed, fields, 'r1');
    updateRaidItem(doc, ed, 'r1', { likelihood: 7, impact: 2.5, kind: 'rumour' as never, review: '2025-02-30', title: '  ' });
    expect(raid.get(doc, 'r1')).toMatchObject({ likelihood: 3, impact: 3, kind: 'risk', review: null, title: 'GPU deliveries slip' });
    expect(raidHistory(doc, 'r1')).toEqual([]);
    expect(updateRaidItem(doc, ed, 'nope', { likelihood: 2 })).toBe(false);
  });

  it('createRaidItem logs its creation; bulk changes are one transaction with an entry per item', () => {
    const doc = planDoc(1);
    const ed = clockEditor('ada');
    const a = createRaidItem(doc, ed, fields);
    const b = createRaidItem(doc, ed, { ...fields, status: 'closed' });
    expect(raidHistory(doc, a)).toEqual([{ at: 1_700_000_000_000, actor: 'ada', field: 'created', from: null, to: 'user' }]);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    expect(updateRaidItems(doc, ed, [a, b, 'gone'], { status: 'closed', owner: 'm-bo' })).toBe(2);
    expect(transactions).toBe(1);
    const h = raidHistories(doc);
    expect(h[a].map((c) => c.field)).toEqual(['created', 'owner', 'status']);
    expect(h[b].map((c) => c.field)).toEqual(['created', 'owner']);
  });

  it('two replicas re-scoring the same risk at once converge to one of the chosen scores and keep both entries', () => {
    for (const [idA, idB] of [
      [10, 20],
      [20, 10],
      [7, 900_001]
    ]) {
      const base = planDoc(1);
      addRaidItem(base, clockEditor('seed'), fields, 'r1');
      const a = replica(base, idA);
      const b = replica(base, idB);
      const ada = clockEditor('ada');
      const bo = clockEditor('bo');
      ada.advance(5000);
      bo.advance(5000);
      rescoreRaidItem(a, ada, 'r1', { likelihood: 5, impact: 3 });
      rescoreRaidItem(b, bo, 'r1', { likelihood: 3, impact: 1 });
      sync(a, b);
      const ra = raid.get(a, 'r1')!;
      const rb = raid.get(b, 'r1')!;
      expect([ra.likelihood, ra.impact]).toEqual([rb.likelihood, rb.impact]);
      // One person's whole score, never likelihood from one and impact from the other.
      expect([
        [5, 3],
        [3, 1]
      ]).toContainEqual([ra.likelihood, ra.impact]);
      for (const doc of [a, b]) {
        const h = raidHistory(doc, 'r1');
        expect(h).toHaveLength(2);
        expect(h.filter((c) => c.actor === 'ada').map((c) => [c.field, c.from, c.to])).toEqual([['likelihood', 3, 5]]);
        expect(h.filter((c) => c.actor === 'bo').map((c) => [c.field, c.from, c.to])).toEqual([['impact', 3, 1]]);
      }
      expect(raidHistory(a, 'r1')).toEqual(raidHistory(b, 'r1'));
    }
  });

  it('re-scores the residual pair, and refuses scores off the scale', () => {
    const doc = planDoc(1);
    const ed = clockEditor('ada');
    addRaidItem(doc, ed, fields, 'r1');
    expect(rescoreRaidItem(doc, ed, 'r1', { likelihood: 2, impact: 2 }, 'residual')).toBe(true);
    expect(raid.get(doc, 'r1')).toMatchObject({ likelihood: 3, impact: 3, residualLikelihood: 2, residualImpact: 2 });
    expect(rescoreRaidItem(doc, ed, 'r1', { likelihood: 0, impact: 2 })).toBe(false);
    expect(raidHistory(doc, 'r1').map((c) => [c.field, c.from, c.to])).toEqual([
      ['residualImpact', null, 2],
      ['residualLikelihood', null, 2]
    ]);
  });

  it('reads a history a hostile peer wrote garbage into without throwing', () => {
    const doc = planDoc(1);
    addRaidItem(doc, clockEditor('ada'), fields, 'r1');
    doc.transact(() => {
      const log = raid.item(doc, 'r1')!.get('history') as Y.Array<unknown>;
      log.push([null, 5, 'x', { nofield: true }, { field: 'impact', at: 'soon', from: 3, to: 4 }]);
    });
    expect(raidHistory(doc, 'r1')).toEqual([{ at: 0, actor: 'unknown', field: 'impact', from: 3, to: 4 }]);
  });
});

describe('decisions', () => {
  it('adds proposed decisions with defaults and edits only valid fields', () => {
    const doc = planDoc(1);
    const ed = clockEditor('ada');
    expect(addDecision(doc, ed, { title: '  ', date: '2025-01-01' })).toBeNull();
    const id = addDecision(doc, ed, { title: 'Buy a second feed', date: '2025-01-02' })!;
    expect(decisions.get(doc, id)).toEqual({ id, title: 'Buy a second feed', date: '2025-01-02', owner: null, rationale: '', options: [], status: 'proposed', links: [] });
    updateDecision(doc, ed, id, { status: 'decided', options: [' A ', '', 'B'], links: ['R-1', 'R-1', 'ms-1'], date: 'soon', owner: '' });
    expect(decisions.get(doc, id)).toMatchObject({ status: 'decided', options: ['A', 'B'], links: ['R-1', 'ms-1'], date: '2025-01-02', owner: null });
  });
});

describe('meeting timer', () => {
  it('counts down from server-corrected instants; pause keeps elapsed time; resume continues', () => {
    let t = idleTimer(10 * 60_000);
    expect(timerPhase(t)).toBe('idle');
    expect(timerRemaining(t, 123)).toBe(600_000);
    t = startTimer(t, 1_000_000);
    expect(timerPhase(t)).toBe('running');
    expect(timerRemaining(t, 1_060_000)).toBe(540_000);
    t = pauseTimer(t, 1_120_000);
    expect(timerRemaining(t, 9_999_999)).toBe(480_000);
    t = startTimer(t, 2_000_000);
    expect(timerRemaining(t, 2_000_000)).toBe(480_000);
    expect(timerRemaining(t, 2_540_000)).toBe(-60_000);
    expect(formatCountdown(-60_000)).toBe('−1:00');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(599_001)).toBe('10:00');
    expect(resetTimer(t)).toEqual(idleTimer(600_000));
    expect(setTimerDuration(t, 5).duration).toBe(60_000);
  });

  it('two people with different clocks see the same countdown', () => {
    // Both stamp with server-corrected time: Ada's laptop is 90 s fast, Bo's 40 s slow, and each
    // has learned its offset from the server's acks.
    const server = 5_000_000;
    const adaNow = () => server + 90_000 - 90_000;
    const boNow = () => server - 40_000 + 40_000;
    const doc = planDoc(1);
    writeMeetingTimer(doc, createEditor('ada', 'user', adaNow), startTimer(idleTimer(30 * 60_000), adaNow()));
    const other = replica(doc, 2);
    expect(timerRemaining(readMeetingTimer(other), boNow() + 60_000)).toBe(timerRemaining(readMeetingTimer(doc), adaNow() + 60_000));
  });

  it('is stored whole: concurrent start and pause converge to one whole timer', () => {
    const a = planDoc(1);
    writeMeetingTimer(a, createEditor('ada'), startTimer(idleTimer(), 1000));
    const b = replica(a, 2);
    writeMeetingTimer(a, createEditor('ada'), pauseTimer(readMeetingTimer(a), 5000));
    writeMeetingTimer(b, createEditor('bo'), resetTimer(readMeetingTimer(b)));
    sync(a, b);
    expect(readMeetingTimer(a)).toEqual(readMeetingTimer(b));
    expect([idleTimer(), { startedAt: 1000, duration: idleTimer().duration, pausedAt: 5000 }]).toContainEqual(readMeetingTimer(a));
  });

  it('reads garbage as an idle timer', () => {
    const doc = planDoc(1);
    doc.getMap('meta').set('meeting', { startedAt: 'x', duration: -5, pausedAt: 3 });
    expect(readMeetingTimer(doc)).toEqual({ startedAt: null, duration: 60_000, pausedAt: null });
    doc.getMap('meta').set('meeting', 'nope');
    expect(readMeetingTimer(doc)).toEqual(idleTimer());
  });
});

describe('import accessor', () => {
  it('imports every row in ONE transaction with an import origin, each logged as imported', () => {
    const doc = planDoc(1);
    const ed = clockEditor('ada');
    const seen: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push(tr.origin));
    const ids = raidImport(doc, ed);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Origin);
    expect((seen[0] as Origin).kind).toBe('import');
    expect((seen[0] as Origin).actor).toBe('ada');
    expect(ids.map((id) => raid.get(doc, id)!.title)).toEqual(['one', 'two']);
    expect(raidHistory(doc, ids[0])).toEqual([{ at: 1_700_000_000_000, actor: 'ada', field: 'created', from: null, to: 'import' }]);
  });
});

import { importRaidItems } from '../../shared/doc/raid.ts';
function raidImport(doc: Y.Doc, ed: Editor): string[] {
  return importRaidItems(doc, ed, [
    { ...fields, title: 'one' },
    { ...fields, title: 'two', kind: 'issue' }
  ]);
}
