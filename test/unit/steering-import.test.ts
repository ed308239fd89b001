/** Importing a RAID register from CSV [IM1–IM7]: mapping, row validation, one transaction. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { importRaidItems, raid } from '../../shared/doc/raid.ts';
import { raidCsv } from '../../shared/steering/csv.ts';
import { guessMapping, parseIsoDate, previewRaidImport } from '../../shared/steering/import.ts';
import { member, raidItem } from './metrics/fixtures.ts';

const members = [member('m-ada', { name: 'Ada Lovelace' }), member('m-bo', { name: 'Bo Diddley' })];
const ctx = { members, today: '2025-03-10' };

describe('RAID import', () => {
  it('[IM1] maps headers by name and synonyms, each field once', () => {
    expect(guessMapping(['ID', 'Type', 'Risk title', 'Probability', 'Severity', 'Owner', 'Next review', 'Mitigation', 'Title'])).toEqual([
      null,
      'kind',
      'title',
      'likelihood',
      'impact',
      'owner',
      'review',
      'response',
      null
    ]);
    expect(guessMapping(['Residual likelihood', 'Residual Impact', 'Date raised', 'Due date', 'Links'])).toEqual(['residualLikelihood', 'residualImpact', 'raised', 'due', 'links']);
  });

  it('[IM2–IM6] validates row by row and reports problems by the line they start on', () => {
    const csv = [
      'Kind,Title,Owner,Status,Raised,Review,Likelihood,Impact,Residual likelihood,Residual impact,Links',
      'Risk,Grid feed late,Ada Lovelace,open,2025-01-04,2025-03-01,4,5,3,3,ms-power; D-1',
      'rumour,Unknown kind,,,,,3,3,,,',
      'issue,"Link flaps,\nspine 17–22",bo diddley,Mitigating,2025/2/7,,5,4,,,',
      'risk,Bad numbers,,,,,7,0,2,,',
      'dependency,Bad dates,Zed,closed,2025-02-30,next week,2,2,,,',
      'A,"Quoted ""assumption""",m-bo,done,,,,,,,',
      ',,,,,,,,,,'
    ].join('\r\n');
    const p = previewRaidImport(csv, ctx);
    expect(p.fileErrors).toEqual([]);
    // Line 4's quoted title holds a line break, so that record spans lines 4–5 and the next starts on 6.
    expect(p.good.map((g) => [g.line, g.fields.kind, g.fields.title, g.fields.owner, g.fields.status])).toEqual([
      [2, 'risk', 'Grid feed late', 'm-ada', 'open'],
      [4, 'issue', 'Link flaps, spine 17–22', 'm-bo', 'mitigating'],
      [8, 'assumption', 'Quoted "assumption"', 'm-bo', 'closed']
    ]);
    expect(p.good[0].fields).toMatchObject({ raised: '2025-01-04', review: '2025-03-01', likelihood: 4, impact: 5, residualLikelihood: 3, residualImpact: 3, links: ['ms-power', 'D-1'] });
    expect(p.good[1].fields.raised).toBe('2025-02-07');
    expect(p.good[2].fields).toMatchObject({ raised: '2025-03-10', likelihood: 3, impact: 3 });
    expect(p.good[2].warnings).toEqual(['likelihood empty, set to 3', 'impact empty, set to 3']);
    expect(p.bad.map((b) => [b.line, b.errors])).toEqual([
      [3, ['unknown kind “rumour” (use risk, assumption, issue or dependency)']],
      [
        6,
        [
          'likelihood “7” is not a whole number from 1 to 5',
          'impact “0” is not a whole number from 1 to 5',
          'residual likelihood and residual impact must both be given, or neither'
        ]
      ],
      [7, ['raised date “2025-02-30” is not a date (use YYYY-MM-DD)', 'review date “next week” is not a date (use YYYY-MM-DD)']],
      [9, ['title is empty']]
    ]);
    expect(p.bad[1].warnings).toEqual([]);
    expect(p.bad.find((b) => b.line === 7)!.warnings).toEqual(['owner “Zed” is not a member of this plan: left unassigned']);
  });

  it('[IM1] refuses a file with no title column, a field mapped twice, or no rows', () => {
    expect(previewRaidImport('Kind,Owner\nrisk,ada', ctx).fileErrors).toEqual(['no column is mapped to Title']);
    expect(previewRaidImport('Title,Name\na,b', ctx, ['title', 'title']).fileErrors).toEqual(['Title is mapped to more than one column']);
    expect(previewRaidImport('Title\n', ctx).fileErrors).toEqual(['the file has a header but no rows']);
    expect(previewRaidImport('', ctx).fileErrors).toEqual(['the file is empty']);
    expect(previewRaidImport('Title\n"open', ctx).fileErrors).toEqual(['line 2: a quoted field is never closed']);
  });

  it('[IM7] notes description and response columns as not imported, and ignored columns', () => {
    const p = previewRaidImport('Title,Description,Colour\nx,y,z', ctx);
    expect(p.notes).toEqual(['The description column is not imported: descriptions are rich text, edited in the plan.', 'Ignored columns: Colour.']);
    expect(p.good).toHaveLength(1);
  });

  it('[IM1] reads back our own RAID export', () => {
    const items = [raidItem('R-1', { title: '=SUM(A1)', owner: 'm-ada', likelihood: 4, impact: 2, review: '2025-04-01', residualLikelihood: 1, residualImpact: 2, links: ['x'] })];
    const p = previewRaidImport(raidCsv(items, members), ctx);
    expect(p.bad).toEqual([]);
    // The injection guard's quote stays: the title is shown as the text it was exported as.
    expect(p.good[0].fields).toMatchObject({ title: "'=SUM(A1)", owner: 'm-ada', likelihood: 4, impact: 2, review: '2025-04-01', residualLikelihood: 1, residualImpact: 2, links: ['x'] });
  });

  it('[IM5] dates must be real calendar dates', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2025-02-29')).toBeNull();
    expect(parseIsoDate('2025/1/5')).toBe('2025-01-05');
    expect(parseIsoDate('05/01/2025')).toBeNull();
  });

  it('[IM7] good rows arrive in one transaction; bad rows write nothing', () => {
    const doc = new Y.Doc();
    createPlan(doc, createEditor('s', 'server'), { name: 'p' });
    const before = raid.list(doc).length;
    const p = previewRaidImport('Title,Likelihood\nok one,2\nbad,9\nok two,5', ctx);
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    const ids = importRaidItems(doc, createEditor('ada'), p.good.map((g) => g.fields));
    expect(transactions).toBe(1);
    expect(ids).toHaveLength(2);
    expect(raid.list(doc).length - before).toBe(2);
    expect(raid.list(doc).map((r) => r.title).sort()).toEqual(['ok one', 'ok two']);
    expect(p.bad.map((b) => b.line)).toEqual([3]);
  });
});
