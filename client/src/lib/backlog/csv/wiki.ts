/**
 * Jira descriptions into rich-text blocks, pure. Jira Cloud exports a description in its wiki
 * markup; older or hand-made files hold plain text. Plain text is a subset (each line a paragraph),
 * so one reader does both.
 *
 * [W1] Blocks: `h1.`…`h6.` headings (h4–h6 read as h3, the editor's smallest); `* `, `- ` bulleted
 *      and `# ` numbered list items (deeper levels `**`, `##` are flattened into the same list);
 *      `{code}` / `{noformat}` blocks become code-formatted lines; every other non-empty line is a
 *      paragraph (Jira's line breaks are kept as separate paragraphs).
 * [W2] Inline: `*bold*`, `_italic_`, `-strikethrough-`, `+underline+`, `{{code}}`, `[text|url]` and
 *      `[url]` links (http, https and mailto only; anything else stays text). Other markup
 *      (`{color}`, `{panel}`, tables, images) is kept as its text, never dropped.
 */
import { FORMAT, MAX_RICH_BLOCKS, MAX_RICH_CHARS, type RichBlock, type RichRun } from '$shared/doc/rich-text.ts';

const HEADING = /^h([1-6])\.\s+(.*)$/;
const ITEM = /^([*#-]+)\s+(.*)$/;
const FENCE = /^\{(code|noformat)(?::[^}]*)?\}(.*)$/;
const SAFE_URL = /^(https?:\/\/|mailto:)[^\s]+$/i;

// One alternation per inline form; delimiters must touch non-space text, as in Jira.
const INLINE = /\{\{(.+?)\}\}|\[([^\]|]*)\|([^\]]+)\]|\[((?:https?:\/\/|mailto:)[^\]\s]+)\]|(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)([^_]+?)(?<!\s)_(?![\w_])|(?<![\w-])-(?![\s-])([^-]+?)(?<![\s-])-(?![\w-])|(?<![\w+])\+(?!\s)([^+]+?)(?<!\s)\+(?![\w+])/g;

/** [W2] The runs of one line. */
export function inlineRuns(line: string, base = 0): RichRun[] {
  const runs: RichRun[] = [];
  const push = (text: string, format: number, url?: string) => {
    if (!text) return;
    const prev = runs.at(-1);
    if (!url && prev && !prev.url && prev.format === format) prev.text += text; // one run per format
    else runs.push(url ? { text, format, url } : { text, format });
  };
  let last = 0;
  for (const m of line.matchAll(INLINE)) {
    push(line.slice(last, m.index), base);
    last = m.index + m[0].length;
    if (m[1] !== undefined) push(m[1], base | FORMAT.code);
    else if (m[3] !== undefined) {
      const url = m[3].trim();
      if (SAFE_URL.test(url)) push(m[2] || url, base, url);
      else push(m[0], base);
    } else if (m[4] !== undefined) push(m[4], base, m[4]);
    else if (m[5] !== undefined) runs.push(...inlineRuns(m[5], base | FORMAT.bold));
    else if (m[6] !== undefined) runs.push(...inlineRuns(m[6], base | FORMAT.italic));
    else if (m[7] !== undefined) runs.push(...inlineRuns(m[7], base | FORMAT.strikethrough));
    else if (m[8] !== undefined) runs.push(...inlineRuns(m[8], base | FORMAT.underline));
  }
  push(line.slice(last), base);
  return runs;
}

/** [W1, W2] A description cell as blocks ([] for an empty one). */
export function wikiToBlocks(text: string): RichBlock[] {
  const blocks: RichBlock[] = [];
  let list: Extract<RichBlock, { kind: 'list' }> | null = null;
  let fence: string | null = null;
  for (const raw of text.slice(0, MAX_RICH_CHARS).split(/\r\n|\r|\n/)) {
    if (blocks.length >= MAX_RICH_BLOCKS) break;
    const line = raw.trimEnd();
    if (fence !== null) {
      const close = line.indexOf(`{${fence}}`);
      const body = close >= 0 ? line.slice(0, close) : line;
      if (body.trim()) blocks.push({ kind: 'paragraph', runs: [{ text: body, format: FORMAT.code }] });
      if (close >= 0) fence = null;
      continue;
    }
    const f = FENCE.exec(line.trim());
    if (f) {
      list = null;
      fence = f[1];
      const rest = f[2];
      const close = rest.indexOf(`{${fence}}`);
      const body = close >= 0 ? rest.slice(0, close) : rest;
      if (body.trim()) blocks.push({ kind: 'paragraph', runs: [{ text: body, format: FORMAT.code }] });
      if (close >= 0) fence = null;
      continue;
    }
    const t = line.trim();
    if (!t) {
      list = null;
      continue;
    }
    const h = HEADING.exec(t);
    if (h) {
      list = null;
      const level = Math.min(3, Number(h[1]));
      blocks.push({ kind: 'heading', tag: `h${level}` as 'h1' | 'h2' | 'h3', runs: inlineRuns(h[2]) });
      continue;
    }
    const item = ITEM.exec(t);
    if (item && (item[1][0] !== '-' || item[1].length === 1)) {
      const kind = item[1].at(-1) === '#' ? 'number' : 'bullet';
      if (!list || list.list !== kind) {
        list = { kind: 'list', list: kind, items: [] };
        blocks.push(list);
      }
      list.items.push(inlineRuns(item[2]));
      continue;
    }
    list = null;
    blocks.push({ kind: 'paragraph', runs: inlineRuns(t) });
  }
  return blocks;
}
