/**
 * What a person can do on the timeline, bound to a document and an editor. Each action is one
 * accessor call (one transaction with this editor's origin) and returns what the screen should say
 * about it: the sentence for the live region, or the refusal to show.
 */
import type * as Y from 'yjs';
import { addDependency, applyRepair, moveMilestone } from '$shared/doc/dependency-rules.ts';
import { addCriterion, checkCriterion, removeCriterion, renameCriterion, updateGate, updateStage, type GatePatch, type StagePatch } from '$shared/doc/gates.ts';
import type { Editor } from '$shared/doc/origin.ts';
import { dependencies, milestones, removeMilestone, takeBaseline } from '$shared/doc/timeline.ts';
import { isoDate } from '$shared/doc/fields.ts';
import type { Push } from '$shared/planning/schedule.ts';
import type { Milestone, MilestoneKind, Stage } from '$shared/schema.ts';
import { describePushes, type Dates } from './drag.ts';
import { formatRange, plural } from './format.ts';

export type Outcome = { ok: true; message: string; id?: string; pushed?: Push[] } | { ok: false; message: string };

export type NewItem = { name: string; kind: MilestoneKind; workstream: string | null; start: string; end: string; stage: Stage; owner: string | null };

export type ItemPatch = Partial<Pick<Milestone, 'name' | 'kind' | 'workstream' | 'stage' | 'owner'>>;

export type TimelineActions = ReturnType<typeof createTimelineActions>;

export function createTimelineActions(doc: Y.Doc, editor: Editor) {
  const nameOf = (id: string) => milestones.get(doc, id)?.name ?? 'the item';
  return {
    create(init: NewItem): Outcome {
      const name = init.name.trim().slice(0, 200);
      if (!name) return { ok: false, message: 'Give the item a name.' };
      const start = isoDate(init.start);
      const end = init.kind === 'phase' ? isoDate(init.end) : start;
      if (!start || !end) return { ok: false, message: 'Dates must be real dates, YYYY-MM-DD.' };
      if (end < start) return { ok: false, message: 'The end cannot be before the start.' };
      const id = milestones.add(doc, editor, { ...init, name, start, end, baselineStart: null, baselineEnd: null });
      return { ok: true, id, message: `${kindWord(init.kind)} “${name}” added, ${formatRange(start, end)}.` };
    },

    update(id: string, patch: ItemPatch): Outcome {
      const item = milestones.get(doc, id);
      if (!item) return { ok: false, message: 'This item no longer exists.' };
      const clean: Partial<Milestone> = { ...patch };
      if (patch.name !== undefined) {
        clean.name = patch.name.trim().slice(0, 200);
        if (!clean.name) return { ok: false, message: 'The name cannot be empty.' };
      }
      // A milestone or release is one moment: turning a phase into one keeps its start.
      if (patch.kind && patch.kind !== 'phase' && item.start !== item.end) clean.end = item.start;
      milestones.update(doc, editor, id, clean);
      return { ok: true, message: `${clean.name ?? item.name} updated.` };
    },

    /** Moves or resizes, pushing successors that must move, in one transaction. */
    move(id: string, dates: Dates): Outcome {
      const name = nameOf(id);
      const r = moveMilestone(doc, editor, id, dates, { push: true });
      if (!r.ok) return { ok: false, message: r.reason };
      const pushes = describePushes(r.pushed);
      const list = r.pushed.length ? ` (${r.pushed.slice(0, 5).map((p) => nameOf(p.id)).join(', ')}${r.pushed.length > 5 ? ', …' : ''})` : '';
      return { ok: true, pushed: r.pushed, message: `${name} now ${formatRange(dates.start, dates.end)}${pushes ? `; ${pushes}${list}` : ''}.` };
    },

    link(from: string, to: string, lagDays = 0): Outcome {
      const r = addDependency(doc, editor, { from, to, lagDays });
      if (!r.ok) return { ok: false, message: r.reason };
      return { ok: true, id: r.id, message: `${nameOf(to)} now depends on ${nameOf(from)}${lagDays ? ` with ${plural(lagDays, 'day')} lag` : ''}.` };
    },

    unlink(depId: string): Outcome {
      const dep = dependencies.get(doc, depId);
      if (!dep || !dependencies.remove(doc, editor, depId)) return { ok: false, message: 'This dependency no longer exists.' };
      return { ok: true, message: `${nameOf(dep.to)} no longer depends on ${nameOf(dep.from)}.` };
    },

    setLag(depId: string, lagDays: number): Outcome {
      if (!Number.isInteger(lagDays) || Math.abs(lagDays) > 365) return { ok: false, message: 'The lag must be a whole number of days from -365 to 365.' };
      if (!dependencies.update(doc, editor, depId, { lagDays })) return { ok: false, message: 'This dependency no longer exists.' };
      return { ok: true, message: `Lag set to ${plural(lagDays, 'day')}.` };
    },

    remove(id: string): Outcome {
      const name = nameOf(id);
      return removeMilestone(doc, editor, id) ? { ok: true, message: `${name} deleted, with its dependencies.` } : { ok: false, message: 'This item no longer exists.' };
    },

    takeBaseline(): Outcome {
      const n = takeBaseline(doc, editor);
      return { ok: true, message: `Baseline taken: ${plural(n, 'item')} now measure slippage from today's plan.` };
    },

    repair(): Outcome {
      const proposal = applyRepair(doc, editor);
      if (!proposal.remove.length) return { ok: true, message: 'There was no loop to fix.' };
      return { ok: true, message: `Loop fixed: removed ${plural(proposal.remove.length, 'dependency', 'dependencies')}.` };
    },

    gate(milestone: string, stage: Stage, patch: GatePatch, today: string): boolean {
      return updateGate(doc, editor, milestone, stage, patch, today);
    },
    check(milestone: string, stage: Stage, criterion: string, done: boolean): boolean {
      return checkCriterion(doc, editor, milestone, stage, criterion, done);
    },
    stage(stage: Stage, patch: StagePatch): boolean {
      return updateStage(doc, editor, stage, patch);
    },
    addCriterion(stage: Stage, text: string): string | null {
      return addCriterion(doc, editor, stage, text);
    },
    renameCriterion(stage: Stage, id: string, text: string): boolean {
      return renameCriterion(doc, editor, stage, id, text);
    },
    removeCriterion(stage: Stage, id: string): boolean {
      return removeCriterion(doc, editor, stage, id);
    }
  };
}

export function kindWord(kind: MilestoneKind): string {
  return kind === 'phase' ? 'Phase' : kind === 'release' ? 'Release' : 'Milestone';
}
