/**
 * Whole seconds until a moment, ticking while there is one: the "trying again in 4 s" of the
 * connection pill and notice. Call from a component's script (it owns an $effect there).
 */
export function secondsUntil(at: () => number | null): { readonly seconds: number | null } {
  let now = $state(Date.now());
  $effect(() => {
    if (at() === null) return;
    now = Date.now();
    const timer = setInterval(() => (now = Date.now()), 250);
    return () => clearInterval(timer);
  });
  return {
    get seconds() {
      const t = at();
      return t === null ? null : Math.max(0, Math.ceil((t - now) / 1000));
    }
  };
}
