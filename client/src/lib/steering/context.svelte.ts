/**
 * What every steering view needs from the open plan, put together once per mounted view: the
 * document view (destroyed with the component), the actions once the session says who we are, and
 * the room's facilitator-mode controller (shared by all views of the room).
 */
import { onDestroy } from 'svelte';
import type { Editor } from '$shared/doc/origin.ts';
import type { OpenPlan } from '../plan/openPlan.svelte.ts';
import { createSteeringActions, type SteeringActions } from './actions.ts';
import { followFor, type Follow } from './follow.svelte.ts';
import { SteeringView } from './steeringView.svelte.ts';

const actionsByEditor = new WeakMap<Editor, SteeringActions>();

export type Steering = {
  readonly view: SteeringView;
  readonly follow: Follow;
  /** Null until the session is known, and for links that may not write. */
  readonly actions: SteeringActions | null;
  readonly canEdit: boolean;
  now(): number;
  /** Display name of a member or user id: members first, then people here, else the id. */
  nameOf(id: string | null): string;
};

/** Call during component initialisation. */
export function useSteering(plan: OpenPlan): Steering {
  const doc = plan.connection.room.doc;
  const view = new SteeringView(doc, plan.connection.now);
  onDestroy(() => view.destroy());
  const follow = followFor(plan.connection.room.provider.awareness, plan.connection.now);
  return {
    view,
    follow,
    get actions() {
      const editing = plan.editing;
      if (!editing || !plan.canEdit) return null;
      let a = actionsByEditor.get(editing.editor);
      if (!a) actionsByEditor.set(editing.editor, (a = createSteeringActions(doc, editing.editor)));
      return a;
    },
    get canEdit() {
      return plan.canEdit;
    },
    now: plan.connection.now,
    nameOf(id) {
      if (id === null) return 'Unassigned';
      const member = view.plan.members.find((m) => m.id === id);
      if (member) return member.name;
      const peer = plan.presence.peers.find((p) => p.id === id);
      return peer?.name ?? id;
    }
  };
}
