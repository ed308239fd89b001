/**
 * @mentions in comments, as pure functions. A comment's text keeps the name as written
 * ("@Ada Lovelace, can you…"), so it reads well anywhere; the comment also stores the member ids it
 * names (`mentions`). Rendering finds each mentioned member's "@Name" in the text and shows it as
 * a mention; a mention whose member was renamed since stays readable as plain text.
 */
export type MentionMember = { id: string; name: string };

export const MAX_QUERY = 40;

/** The "@query" being typed at the caret, if any: where its "@" is and what follows it. */
export function mentionQuery(text: string, caret: number): { at: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && !/\s|[(["'“‘]/.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY || /[\n@]/.test(query) || /^\s/.test(query)) return null;
  return { at, query };
}

/** Members whose name matches the query: names starting with it first, then any word starting with it. */
export function matchMembers<M extends MentionMember>(members: readonly M[], query: string, limit = 8): M[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return members.slice(0, limit);
  const starts = members.filter((m) => m.name.toLocaleLowerCase().startsWith(q));
  const words = members.filter((m) => !starts.includes(m) && m.name.toLocaleLowerCase().split(/\s+/).some((w) => w.startsWith(q)));
  return [...starts, ...words].slice(0, limit);
}

/** Replaces "@query" (from `at` to the caret) with "@Name " and says where the caret goes. */
export function insertMention(text: string, at: number, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const rest = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, at) + inserted + rest, caret: at + inserted.length };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type Segment = { text: string } | { mention: string; name: string };

/**
 * Splits a comment into text and "@Name" mentions of the given members. At each "@" the longest
 * name wins, so "@Ada Lovelace" is Ada Lovelace even when someone is called just "Ada"; a name must
 * end at a non-letter, and an "@" inside a word (an email address) is not a mention.
 */
export function segments(text: string, ids: readonly string[] | null, members: readonly MentionMember[]): Segment[] {
  const named = members.filter((m) => (ids === null || ids.includes(m.id)) && m.name).sort((a, b) => b.name.length - a.name.length);
  if (named.length === 0) return [{ text }];
  const pattern = new RegExp(`@(${named.map((m) => escape(m.name)).join('|')})(?![\\p{L}\\p{N}_])`, 'gu');
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index ?? 0;
    if (start > 0 && /[\p{L}\p{N}_]/u.test(text[start - 1])) continue;
    const member = named.find((m) => m.name === match[1])!;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ mention: member.id, name: member.name });
    last = start + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** Ids of the members the text names with "@Name" (see `segments`), each once. */
export function mentionedIds(text: string, members: readonly MentionMember[]): string[] {
  const ids = segments(text, null, members).flatMap((s) => ('mention' in s ? [s.mention] : []));
  return [...new Set(ids)];
}
