/**
 * The colour theme: follow the system, or a choice the person made, remembered in localStorage.
 * app.html applies a stored choice before first paint; this keeps the toggle and <html> in step.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'plenary:theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

class Theme {
  choice = $state<ThemeChoice>(stored());

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // Private mode without storage: the choice lasts for this page only, which is fine.
    }
    if (choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = choice;
  }

  next(): void {
    this.set(ORDER[(ORDER.indexOf(this.choice) + 1) % ORDER.length]);
  }
}

export const theme = new Theme();
