/** RAID items: risks, assumptions, issues, dependencies, each with rich-text description and response. */
import * as Y from 'yjs';
import { PLAN_ROOT, type RaidItem } from '../schema.ts';
import { defineCollection } from './collection.ts';
import { plainText } from './collection.ts';
import { int, isoDate, oneOf, str, strArray, strOrNull } from './fields.ts';
import type { Editor } from './origin.ts';

const score = (v: unknown) => (v === null || v === undefined ? null : int(v, 3, 1, 5));

export type RaidFields = Omit<RaidItem, 'id' | 'descriptionText' | 'responseText'>;

export const raid = defineCollection<RaidItem, Partial<RaidFields>>(PLAN_ROOT.raid, (id, m) => ({
  id,
  kind: oneOf(m.get('kind'), ['risk', 'assumption', 'issue', 'dependency'] as const, 'risk'),
  title: str(m.get('title'), 'Untitled').slice(0, 500),
  owner: strOrNull(m.get('owner')),
  status: oneOf(m.get('status'), ['open', 'monitoring', 'mitigating', 'closed'] as const, 'open'),
  raised: isoDate(m.get('raised')) ?? '1970-01-01',
  review: isoDate(m.get('review')),
  due: isoDate(m.get('due')),
  likelihood: int(m.get('likelihood'), 3, 1, 5),
  impact: int(m.get('impact'), 3, 1, 5),
  residualLikelihood: score(m.get('residualLikelihood')),
  residualImpact: score(m.get('residualImpact')),
  links: strArray(m.get('links')),
  descriptionText: plainText(m.get('description')),
  responseText: plainText(m.get('response'))
}));

export function addRaidItem(doc: Y.Doc, editor: Editor, fields: RaidFields, id?: string): string {
  return raid.add(doc, editor, fields, {
    id,
    nested: () => ({ description: new Y.XmlText(), response: new Y.XmlText(), history: new Y.Array() })
  });
}
