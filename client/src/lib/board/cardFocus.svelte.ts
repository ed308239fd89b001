/**
 * Focus, presence and opening of cards in a list of focusable cards (the board and the backlog):
 * which card has focus (our presence says we are viewing it), which card is open in the detail
 * panel (we are editing it), and the live-region announcements of keyboard moves. Both views
 * delegate their focus and click events here, so the rules exist once.
 */
import { tick } from 'svelte';
import type { CardPresence } from './cardPresence.svelte.ts';

export class CardFocus {
  activeId = $state<string | null>(null);
  openId = $state<string | null>(null);
  announcement = $state('');
  #flip = false;

  /**
   * `moving`: the id of the card in hand during a keyboard move (clicks do not open it, focus
   * leaving it cancels the move through `cancelMove`).
   */
  constructor(
    private readonly presence: CardPresence,
    private readonly moving: () => string | null,
    private readonly cancelMove: () => void
  ) {}

  announce(text: string): void {
    // Alternate a trailing no-break space so the same words twice are announced twice.
    this.#flip = !this.#flip;
    this.announcement = text + (this.#flip ? '\u00a0' : '');
  }

  async focusCard(id: string): Promise<void> {
    await tick();
    const el = document.querySelector<HTMLElement>(`[data-card-id="${CSS.escape(id)}"]`);
    if (!el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  openCard(id: string): void {
    this.openId = id;
    this.presence.set({ id, mode: 'editing' });
  }

  closeCard = (): void => {
    const id = this.openId;
    this.openId = null;
    this.presence.set(null);
    if (id) void this.focusCard(id);
  };

  onfocusin = (e: FocusEvent): void => {
    const id = (e.target as HTMLElement).dataset?.cardId;
    if (!id) return;
    this.activeId = id;
    if (!this.openId) this.presence.set({ id, mode: 'viewing' });
  };

  onfocusout = (e: FocusEvent): void => {
    const next = e.relatedTarget as HTMLElement | null;
    if (!this.openId && !next?.dataset?.cardId) this.presence.set(null);
  };

  onclick = (e: MouseEvent): void => {
    const el = (e.target as HTMLElement).closest?.<HTMLElement>('[data-card-id]');
    if (el && !this.moving()) this.openCard(el.dataset.cardId!);
  };

  /** Focus going anywhere but the card in hand cancels a keyboard move. */
  windowFocusIn = (e: FocusEvent): void => {
    const moving = this.moving();
    if (moving && (e.target as HTMLElement).dataset?.cardId !== moving) this.cancelMove();
  };
}
