/**
 * JSON from a client, parsed within explicit bounds: nesting depth, number of keys and elements,
 * and string length. `JSON.parse` and `JSON.stringify` recurse, so a 24 KB presence state nested
 * 12,000 levels deep is enough to overflow the stack of whatever later encodes it (the awareness
 * flush timer, an extension's reply). A linear scan measures the text first, without recursion;
 * only text within bounds reaches `JSON.parse`.
 */
export type JsonBounds = { maxDepth: number; maxItems: number; maxString: number };

/** Why a client's JSON was refused: the caller turns it into its own close code. */
export class JsonBoundsError extends Error {
  override name = 'JsonBoundsError';
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const OPEN_ARRAY = 91;
const CLOSE_OBJECT = 125;
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;

/** Checks the bounds in one pass over the text (strings are skipped, not parsed). */
export function checkJsonBounds(text: string, bounds: JsonBounds): void {
  let depth = 0;
  let items = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
      if (i - start - 1 > bounds.maxString) throw new JsonBoundsError(`a string longer than ${bounds.maxString} characters`);
    } else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) {
      if (++depth > bounds.maxDepth) throw new JsonBoundsError(`nested deeper than ${bounds.maxDepth} levels`);
    } else if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) {
      depth--;
    } else if (ch === COMMA || ch === COLON) {
      // Every key has a colon and every further element a comma: together they bound the values.
      if (++items > bounds.maxItems) throw new JsonBoundsError(`more than ${bounds.maxItems} keys and elements`);
    }
  }
}

/** Parses client JSON within bounds; throws JsonBoundsError (bounds) or SyntaxError (not JSON). */
export function parseBoundedJson(text: string, bounds: JsonBounds): unknown {
  checkJsonBounds(text, bounds);
  return JSON.parse(text);
}
