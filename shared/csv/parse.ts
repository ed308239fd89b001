/**
 * A CSV reader for registers exported from spreadsheets (RFC 4180 and what Excel and Google Sheets
 * really write): an optional UTF-8 byte-order mark, CRLF, LF or lone CR line ends, quoted fields with
 * "" for a quote and embedded line breaks, and a comma, semicolon or tab delimiter (guessed from the
 * first line when not given). Each record keeps the line it starts on, so validation messages can
 * point at the line a person sees in their editor. Pure; never throws.
 */

export type CsvRecord = { /** 1-based line of the file where the record starts. */ line: number; cells: string[] };

export type CsvParseResult = {
  records: CsvRecord[];
  delimiter: string;
  /** A quote that never closes: everything from its record on is unreadable. */
  error: { line: number; message: string } | null;
};

export const CSV_DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter that splits the first line (outside quotes) into the most cells; comma on a tie. */
export function detectDelimiter(text: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of CSV_DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') quoted = !quoted;
      else if (!quoted && (ch === '\n' || ch === '\r')) break;
      else if (!quoted && ch === d) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Parses CSV text. Blank lines (no cells, or one empty cell) are skipped. */
export function parseCsv(input: string, options: { delimiter?: string } = {}): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  /** The current cell began with a quote (text after its closing quote is kept, as spreadsheets do). */
  let quoteLine = 0;

  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
    cells = [];
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (ch === delimiter) endCell();
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) return { records, delimiter, error: { line: quoteLine, message: 'a quoted field is never closed' } };
  if (cell !== '' || cells.length > 0) endRecord();
  return { records, delimiter, error: null };
}
