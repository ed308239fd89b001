/**
 * A Svelte action: calls `onvisible` when the element scrolls into view (within 200 px), e.g. to
 * render the next page of a long column as a person scrolls it.
 */
export function visible(node: HTMLElement, onvisible: () => void) {
  let callback = onvisible;
  const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && callback(), { rootMargin: '200px' });
  observer.observe(node);
  return {
    update(next: () => void) {
      callback = next;
    },
    destroy() {
      observer.disconnect();
    }
  };
}
