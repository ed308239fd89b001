/**
 * What a person can do in the steering views, bound to a document and an editor. Each action is one
 * accessor call, so one transaction tagged with this editor's origin.
 */
import type * as Y from 'yjs';
import { addDecision, decisions, updateDecision, type DecisionPatch } from '$shared/doc/decisions.ts';
import { writeMeetingTimer } from '$shared/doc/meeting.ts';
import type { Editor } from '$shared/doc/origin.ts';
import { createRaidItem, importRaidItems, raid, rescoreRaidItem, updateRaidItem, updateRaidItems, type RaidPatch, type Score } from '$shared/doc/raid.ts';
import { workstreams } from '$shared/doc/timeline.ts';
import type { MeetingTimer, RaidKind, Rag } from '$shared/schema.ts';
import type { ImportedRaid } from '$shared/steering/import.ts';

export type SteeringActions = ReturnType<typeof createSteeringActions>;

export function createSteeringActions(doc: Y.Doc, editor: Editor) {
  return {
    editor,
    addRaid(kind: RaidKind, title: string, raised: string): string | null {
      const clean = title.trim().slice(0, 500);
      if (!clean) return null;
      return createRaidItem(doc, editor, {
        kind,
        title: clean,
        owner: null,
        status: 'open',
        raised,
        review: null,
        due: null,
        likelihood: 3,
        impact: 3,
        residualLikelihood: null,
        residualImpact: null,
        links: []
      });
    },
    updateRaid: (id: string, patch: RaidPatch) => updateRaidItem(doc, editor, id, patch),
    bulkRaid: (ids: readonly string[], patch: RaidPatch) => updateRaidItems(doc, editor, ids, patch),
    rescore: (id: string, score: Score, which: 'inherent' | 'residual') => rescoreRaidItem(doc, editor, id, score, which),
    removeRaid: (id: string) => raid.remove(doc, editor, id),
    importRaid: (rows: readonly ImportedRaid[]) => importRaidItems(doc, editor, rows),
    addDecision: (title: string, date: string) => addDecision(doc, editor, { title, date }),
    updateDecision: (id: string, patch: DecisionPatch) => updateDecision(doc, editor, id, patch),
    removeDecision: (id: string) => decisions.remove(doc, editor, id),
    setRag: (id: string, rag: Rag, comment: string) => workstreams.update(doc, editor, id, { rag, ragComment: comment.trim().slice(0, 2000) }),
    setTimer: (timer: MeetingTimer) => writeMeetingTimer(doc, editor, timer)
  };
}
