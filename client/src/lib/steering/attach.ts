/**
 * Facilitator focus tracking: while presenting, a click or keyboard focus inside an element marked
 * `data-follow-target` publishes that target, so followers see the same section. An attachment
 * ({@attach followFocus(follow, 'meeting')}) on a view's root element.
 */
import type { Follow } from './follow.svelte.ts';

export function followFocus(follow: Follow, view: string) {
  return (node: HTMLElement) => {
    const publish = (e: Event) => {
      if (!follow.presenting) return;
      const el = (e.target as HTMLElement | null)?.closest?.('[data-follow-target]');
      if (el && node.contains(el)) follow.focus(view, el.getAttribute('data-follow-target'));
    };
    node.addEventListener('focusin', publish);
    node.addEventListener('pointerdown', publish);
    return () => {
      node.removeEventListener('focusin', publish);
      node.removeEventListener('pointerdown', publish);
    };
  };
}
