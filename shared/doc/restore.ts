/**
 * Restore from a past moment (issue 14): bring back a deleted card, RAID item, milestone or
 * decision, or an earlier text of a description, into the live plan as a NEW change by the person
 * restoring, never by rewriting history. `past` is a document rebuilt at the moment (GET /at); it
 * is only read. Each restore is one transaction on the live document with the restorer's editor,
 * so the write policy (roles) applies to it like to any other edit, and undo takes it back.
 *
 * An item comes back under its old id, so links other items still hold to it work again. Where
 * the plan moved on (its column or sprint was removed since), the item lands in the first column
 * or the backlog rather than pointing at something that is gone. Rich text is copied structure
 * and all (blocks, formatting), not just its plain text.
 */
import * as Y from 'yjs';
import { addCard, cardDescription, cards } from './cards.ts';
import { addDecision, decisions } from './decisions.ts';
import type { Editor } from './origin.ts';
import { createRaidItem, raid, raidText } from './raid.ts';
import { sprints } from './sprints.ts';
import { orderedStatuses } from './statuses.ts';
import { milestones } from './timeline.ts';

export type RestoreResult = 'restored' | 'exists' | 'missing';

/** A deep, unintegrated copy of a Yjs rich-text subtree (XmlText blocks, Y.Map embeds, attributes). */
function copyType(src: unknown): unknown {
  if (src instanceof Y.XmlText) {
    const out = new Y.XmlText();
    for (const [k, v] of Object.entries(src.getAttributes())) out.setAttribute(k, v as string);
    out.applyDelta(copiedDelta(src));
    return out;
  }
  if (src instanceof Y.Map) {
    const out = new Y.Map<unknown>();
    for (const [k, v] of src.entries()) out.set(k, copyType(v));
    return out;
  }
  return src;
}

/** The delta of `src` with every embedded type copied, ready to apply to another text. */
const copiedDelta = (src: Y.XmlText) => (src.toDelta() as { insert: unknown; attributes?: object }[]).map((op) => ({ ...op, insert: copyType(op.insert) }));

/** Replaces `live`'s content with a copy of `past`'s in place (editors bound to `live` stay bound). */
function replaceRichText(live: Y.XmlText, past: Y.XmlText): void {
  if (live.length > 0) live.delete(0, live.length);
  for (const k of Object.keys(live.getAttributes())) live.removeAttribute(k);
  for (const [k, v] of Object.entries(past.getAttributes())) live.setAttribute(k, v as string);
  live.applyDelta(copiedDelta(past));
}

/** A deleted card back as it was at the moment, with its description. */
export function restoreCard(live: Y.Doc, editor: Editor, past: Y.Doc, id: string): RestoreResult {
  const card = cards.get(past, id);
  if (!card) return 'missing';
  if (cards.item(live, id)) return 'exists';
  const columns = orderedStatuses(live);
  const status = columns.some((s) => s.id === card.status) ? card.status : (columns[0]?.id ?? card.status);
  const sprint = card.sprint !== null && sprints.get(live, card.sprint) ? card.sprint : null;
  live.transact(() => {
    const { title, rank, points, assignee, labels, epic, due, links } = card;
    addCard(live, editor, { title, status, sprint, rank, points, assignee, labels, epic, due, links }, id);
    const from = cardDescription(past, id);
    const to = cardDescription(live, id);
    if (from && to) replaceRichText(to, from);
  }, editor.origin);
  return 'restored';
}

/** A deleted RAID item back as it was, with its description and response. */
export function restoreRaidItem(live: Y.Doc, editor: Editor, past: Y.Doc, id: string): RestoreResult {
  const item = raid.get(past, id);
  if (!item) return 'missing';
  if (raid.item(live, id)) return 'exists';
  live.transact(() => {
    const { id: _id, descriptionText: _d, responseText: _r, ...fields } = item;
    createRaidItem(live, editor, { ...fields, links: [...fields.links] }, id);
    for (const key of ['description', 'response'] as const) {
      const from = raidText(past, id, key);
      const to = raidText(live, id, key);
      if (from && to) replaceRichText(to, from);
    }
  }, editor.origin);
  return 'restored';
}

/** A deleted milestone (phase, release) back as it was. */
export function restoreMilestone(live: Y.Doc, editor: Editor, past: Y.Doc, id: string): RestoreResult {
  const m = milestones.get(past, id);
  if (!m) return 'missing';
  if (milestones.item(live, id)) return 'exists';
  const { id: _id, ...fields } = m;
  milestones.add(live, editor, fields, { id });
  return 'restored';
}

/** A deleted decision back as it was. */
export function restoreDecision(live: Y.Doc, editor: Editor, past: Y.Doc, id: string): RestoreResult {
  const d = decisions.get(past, id);
  if (!d) return 'missing';
  if (decisions.item(live, id)) return 'exists';
  const { id: _id, ...fields } = d;
  addDecision(live, editor, { ...fields, options: [...fields.options], links: [...fields.links] }, id);
  return 'restored';
}

export type RichTextRef = { item: 'card'; id: string } | { item: 'raid'; id: string; key: 'description' | 'response' };

/** An earlier text of a description (or a RAID response) over the live one; 'missing' if either side is gone. */
export function restoreText(live: Y.Doc, editor: Editor, past: Y.Doc, ref: RichTextRef): RestoreResult {
  const pick = (doc: Y.Doc) => (ref.item === 'card' ? cardDescription(doc, ref.id) : raidText(doc, ref.id, ref.key));
  const from = pick(past);
  const to = pick(live);
  if (!from || !to) return 'missing';
  live.transact(() => replaceRichText(to, from), editor.origin);
  return 'restored';
}
