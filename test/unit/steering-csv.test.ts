/** CSV writing [CSV1–CSV4] (shared/steering/csv.ts) and reading (shared/csv/parse.ts). */
import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseCsv } from '../../shared/csv/parse.ts';
import { csvCell, decisionsCsv, milestonesCsv, raidCsv, RAID_CSV_HEADER, toCsv } from '../../shared/steering/csv.ts';
import { member, raidItem } from './metrics/fixtures.ts';

describe('CSV writing', () => {
  it('[CSV1] cells starting with = + - @ tab or CR get a single-quote prefix', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+44 20 7946 0000')).toBe("'+44 20 7946 0000");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    // A CR first: prefixed, then quoted because it holds a line break.
    expect(csvCell('\r=cmd')).toBe(`"'\r=cmd"`);
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    // Only the first character matters.
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('Q3 - go/no-go')).toBe('Q3 - go/no-go');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
  });

  it('[CSV2] quotes cells holding the delimiter, quotes or line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b')).toBe('a;b');
  });

  it('[CSV3] CRLF line ends and a BOM (unless asked not to)', () => {
    const text = toCsv(['A', 'B'], [['1', '2']]);
    expect(text).toBe('\uFEFFA,B\r\n1,2\r\n');
    expect(toCsv(['A'], [], { bom: false })).toBe('A\r\n');
  });

  it('[CSV4] the RAID register names owners, scores and bands, and survives a round trip', () => {
    const members = [member('m-ada', { name: 'Ada Lovelace' })];
    const items = [
      raidItem('R-1', { title: '=cmd|"/c calc"!A1', owner: 'm-ada', likelihood: 4, impact: 5, residualLikelihood: 2, residualImpact: 2, links: ['ms-1', 'HEL-2'] }),
      raidItem('R-2', { title: 'Vendor, "late"\nagain', owner: 'm-gone', kind: 'issue' })
    ];
    const parsed = parseCsv(raidCsv(items, members));
    expect(parsed.error).toBeNull();
    const [head, a, b] = parsed.records.map((r) => r.cells);
    expect(head).toEqual([...RAID_CSV_HEADER]);
    const col = (name: string) => RAID_CSV_HEADER.indexOf(name as (typeof RAID_CSV_HEADER)[number]);
    expect(a[col('Title')]).toBe(`'=cmd|"/c calc"!A1`);
    expect(a[col('Owner')]).toBe('Ada Lovelace');
    expect([a[col('Score')], a[col('RAG')], a[col('Residual score')]]).toEqual(['20', 'Red', '4']);
    expect(a[col('Links')]).toBe('ms-1; HEL-2');
    expect(b[col('Title')]).toBe('Vendor, "late"\nagain');
    expect(b[col('Owner')]).toBe('m-gone');
    expect(b[col('Residual score')]).toBe('');
    expect(parsed.records[2].line).toBe(3);
  });

  it('[CSV1] decisions and milestones registers are escaped the same way', () => {
    const members = [member('m-1', { name: '@admin' })];
    const dec = decisionsCsv([{ id: 'D1', title: '+Buy', date: '2025-01-02', owner: 'm-1', rationale: '-cheaper', options: ['=A', 'B'], status: 'decided', links: [] }], members);
    expect(dec).toContain("'+Buy");
    expect(dec).toContain("'@admin");
    expect(dec).toContain("'-cheaper");
    expect(dec).toContain("'=A; B");
    const ms = milestonesCsv(
      [{ id: 'M1', name: '=GA', kind: 'milestone', workstream: null, start: '2025-02-01', end: '2025-02-05', baselineStart: null, baselineEnd: '2025-02-01', stage: 'build', owner: null }],
      [],
      []
    );
    const rows = parseCsv(ms).records;
    expect(rows[1].cells[1]).toBe("'=GA");
    expect(rows[1].cells[9]).toBe('4');
  });
});

describe('CSV reading', () => {
  it('handles a BOM, CRLF, quotes, doubled quotes and embedded newlines, with start lines', () => {
    const text = '\uFEFFkind,title,impact\r\nrisk,"Power, cooling",4\r\nissue,"He said ""no""\r\nthen left",3\r\n\r\nrisk,last,2';
    const { records, error, delimiter } = parseCsv(text);
    expect(error).toBeNull();
    expect(delimiter).toBe(',');
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 6]);
    expect(records[0].cells).toEqual(['kind', 'title', 'impact']);
    expect(records[1].cells).toEqual(['risk', 'Power, cooling', '4']);
    expect(records[2].cells).toEqual(['issue', 'He said "no"\r\nthen left', '3']);
    expect(records[3].cells).toEqual(['risk', 'last', '2']);
  });

  it('accepts LF and lone CR line ends, and empty cells', () => {
    expect(parseCsv('a,b\n1,\n,2\n').records.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['1', ''],
      ['', '2']
    ]);
    expect(parseCsv('a\rb\r').records.map((r) => [r.line, r.cells[0]])).toEqual([
      [1, 'a'],
      [2, 'b']
    ]);
  });

  it('guesses semicolon and tab delimiters from the first line', () => {
    expect(detectDelimiter('kind;title;"a,b"\n')).toBe(';');
    expect(detectDelimiter('kind\ttitle\n')).toBe('\t');
    expect(detectDelimiter('title\n')).toBe(',');
    expect(parseCsv('kind;title\nrisk;"x;y"').records[1].cells).toEqual(['risk', 'x;y']);
  });

  it('reports a quote that never closes, with its line', () => {
    const r = parseCsv('a,b\n1,2\n3,"open\nstill open');
    expect(r.error).toEqual({ line: 3, message: 'a quoted field is never closed' });
    expect(r.records).toHaveLength(2);
  });
});
