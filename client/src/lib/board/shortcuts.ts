/**
 * Keyboard shortcuts of the board and backlog, in one table (the help overlay lists it) and the
 * rule for when a plain key is a shortcut: never while typing in a field, never with Ctrl, Alt or
 * Meta (those belong to the browser), never while a modal dialog is open.
 */
/** `keys`: alternatives (shown with /), each a combination (shown with +). */
export type Shortcut = { keys: string[][]; what: string };

export const SHORTCUTS: { group: string; items: Shortcut[] }[] = [
  {
    group: 'Anywhere on the board or backlog',
    items: [
      { keys: [['?']], what: 'Show or hide this help' },
      { keys: [['n']], what: 'New card' },
      { keys: [['/']], what: 'Filter cards' },
      { keys: [['b']], what: 'Board view' },
      { keys: [['l']], what: 'Backlog and sprint planning view' },
      { keys: [['j'], ['k']], what: 'Next / previous card' },
      { keys: [['z']], what: 'Undo my last change' },
      { keys: [['Shift', 'z']], what: 'Redo' },
      { keys: [['Ctrl', 'z']], what: 'Undo (also Ctrl+Shift+Z or Ctrl+Y to redo)' }
    ]
  },
  {
    group: 'On a focused card',
    items: [
      { keys: [['Enter']], what: 'Open the card' },
      { keys: [['Space']], what: 'Pick the card up to move it' },
      { keys: [['p']], what: 'Planning poker for the card' },
      { keys: [['←'], ['→'], ['↑'], ['↓']], what: 'Without a card picked up: move focus between cards' }
    ]
  },
  {
    group: 'While moving a card',
    items: [
      { keys: [['←'], ['→']], what: 'Previous / next column' },
      { keys: [['↑'], ['↓']], what: 'Up / down in the column (in the backlog: across sprints too)' },
      { keys: [['Shift', '↑']], what: 'Lane above (board with swimlanes)' },
      { keys: [['Shift', '↓']], what: 'Lane below' },
      { keys: [['Space']], what: 'Drop here (Enter also drops)' },
      { keys: [['Esc']], what: 'Cancel: the card goes back' }
    ]
  }
];

const NOT_TEXT = ['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'];

/** True when keys typed at `target` are text (or choices) for that field, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NOT_TEXT.includes(target.type);
}

export type ShortcutAction = 'help' | 'new' | 'filter' | 'board' | 'backlog' | 'next' | 'prev' | 'undo' | 'redo';

/** The action a key press means, or null. `modal` tells whether a modal dialog is open. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'target'>, modal: boolean): ShortcutAction | null {
  if (modal) return null;
  if (e.ctrlKey || e.metaKey) {
    if (e.altKey) return null;
    const k = e.key.toLowerCase();
    if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (k === 'y') return 'redo';
    return null;
  }
  if (e.altKey || isTyping(e.target)) return null;
  switch (e.key) {
    case '?':
      return 'help';
    case 'n':
      return 'new';
    case '/':
      return 'filter';
    case 'b':
      return 'board';
    case 'l':
      return 'backlog';
    case 'j':
      return 'next';
    case 'k':
      return 'prev';
    case 'z':
      return 'undo';
    case 'Z':
      return 'redo';
    default:
      return null;
  }
}
