/**
 * The large document of the initial-sync measurement: a plan (createPlan) with N cards (addCard),
 * built in one Y.Doc through the same typed accessors the app uses. Deterministic content apart
 * from the random card ids.
 */
import * as Y from 'yjs';
import { addCard } from '../../shared/doc/cards.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { createPlan } from '../../shared/doc/plan.ts';
import { initialRanks } from '../../shared/rank.ts';
import { DEFAULT_STATUSES } from '../../shared/schema.ts';

export function buildBigPlan(cardCount: number): Y.Doc {
  const doc = new Y.Doc();
  const editor = createEditor('bench', 'seed');
  createPlan(doc, editor, { name: `Bench plan with ${cardCount} cards` });
  const ranks = initialRanks(cardCount);
  const people = ['ana', 'bo', 'chen', 'dara', 'eli', 'femi', 'gus', 'hana'];
  doc.transact(() => {
    for (let i = 0; i < cardCount; i++) {
      addCard(doc, editor, {
        title: `Card ${i}: implement the ${i % 7 === 0 ? 'importer' : 'board'} change number ${i}`,
        status: DEFAULT_STATUSES[i % DEFAULT_STATUSES.length].id,
        rank: ranks[i],
        points: i % 4 === 0 ? null : (i % 8) + 1,
        assignee: people[i % people.length],
        labels: i % 3 === 0 ? ['backend'] : ['frontend', 'ux']
      });
    }
  }, editor.origin);
  return doc;
}
