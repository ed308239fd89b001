/**
 * Edits a fuzzed peer makes on its own replica before sending them: valid Yjs updates (random bytes
 * almost never are), so the write policy, the shadow apply and the commit path see real writes to
 * every root, including the ones the peer's role may not touch (a modified client can send those).
 * Ordinary edits go through the typed accessors; the hostile ones write the Yjs types directly, as
 * a modified client would.
 */
import * as Y from 'yjs';
import { addCard, cards, moveCard, rankAtEnd } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { orderedStatuses } from '../../shared/doc/statuses.ts';
import { encodeSyncUpdate } from '../../shared/protocol.ts';
import { PLAN_ROOT, RETRO_ROOT } from '../../shared/schema.ts';

export const EDITS = 7;

/** Applies edit `what` with `text` to `doc`; returns the sync-update frame, or undefined if nothing changed. */
export function applyEdit(doc: Y.Doc, kind: string, what: number, text: string): Uint8Array | undefined {
  const roots = Object.values(kind === 'plan' ? PLAN_ROOT : RETRO_ROOT);
  const pick = <T>(list: readonly T[], n = text.length): T | undefined => list[n % Math.max(list.length, 1)];
  const editor = createEditor(`client-${doc.clientID}`, 'user', () => 1_700_000_000_000 + text.length);
  const updates: Uint8Array[] = [];
  const onUpdate = (u: Uint8Array) => void updates.push(u);
  doc.on('update', onUpdate);
  try {
    switch (what % EDITS) {
      case 0: {
        // A new card (plan), or a new entry in some root map (retro: a card the extension did not make).
        if (kind === 'plan') {
          const status = pick(orderedStatuses(doc))?.id ?? 'todo';
          addCard(doc, editor, { title: text, status, rank: rankAtEnd(doc) });
        } else doc.getMap(pick(roots)!).set(`k${text.length}`, { text });
        break;
      }
      case 1: {
        // An existing item's field, nested one level down (card title, column title, …).
        const map = doc.getMap<unknown>(pick(roots)!);
        const key = pick([...map.keys()]);
        const item = key === undefined ? undefined : map.get(key);
        if (item instanceof Y.Map) item.set(pick(['title', 'text', 'status', 'rank', 'name', 'phase']) ?? 'title', text);
        else if (key !== undefined) map.set(key, text);
        break;
      }
      case 2: {
        // Deleting something that exists.
        const map = doc.getMap<unknown>(pick(roots)!);
        const key = pick([...map.keys()]);
        if (key !== undefined) map.delete(key);
        break;
      }
      case 3: {
        // A top-level key written directly into any root (poker, session, votes: server-only roots).
        doc.getMap<unknown>(pick(roots, text.charCodeAt(0) || 0)!).set(text.slice(0, 32) || 'x', text.length % 2 ? text : { value: text });
        break;
      }
      case 4: {
        // Rich text: a card's description, edited and formatted.
        const card = pick(cards.list(doc));
        const description = card && doc.getMap<Y.Map<unknown>>(PLAN_ROOT.cards).get(card.id)?.get('description');
        if (description instanceof Y.XmlText) {
          description.insert(Math.min(text.length, description.length), text, text.length % 3 ? { bold: true } : undefined);
          if (description.length > 2) description.delete(0, 1);
        }
        break;
      }
      case 5: {
        // A move through the accessor, to a status or sprint that may not exist.
        const card = pick(cards.list(doc));
        if (card) moveCard(doc, editor, card.id, { status: pick(orderedStatuses(doc))?.id ?? text, sprint: text.length % 2 ? null : text });
        break;
      }
      default: {
        // A root of a type other than the schema's (an array named like a map root, or a new root).
        doc.getArray(text.slice(0, 16) || 'arr').push([text]);
      }
    }
  } catch {
    // The replica refused the edit (a type clash with the schema): nothing to send.
  } finally {
    doc.off('update', onUpdate);
  }
  if (updates.length === 0) return undefined;
  return encodeSyncUpdate(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));
}
