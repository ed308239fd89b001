/**
 * A person's own board settings — sprint scope, swimlanes and filters — kept per room in
 * localStorage, never in the shared document: everyone looks at the same plan through their own
 * lens. Values read back are validated, since storage may hold anything.
 */
import { NO_FILTERS, type Filters, type LaneMode, type ScopeChoice } from './layout.ts';
import { readSettings, settingsKey } from './settings.ts';

export class BoardPrefs {
  scope = $state<ScopeChoice>('auto');
  lanes = $state<LaneMode>('none');
  filters = $state.raw<Filters>(NO_FILTERS);

  constructor(private readonly room: string) {
    let raw: string | null = null;
    try {
      raw = localStorage.getItem(settingsKey(room));
    } catch {
      // No storage: settings hold for this page only.
    }
    const s = readSettings(raw);
    this.scope = s.scope;
    this.lanes = s.lanes;
    this.filters = s.filters;
  }

  setScope(scope: ScopeChoice): void {
    this.scope = scope;
    this.#save();
  }

  setLanes(lanes: LaneMode): void {
    this.lanes = lanes;
    this.#save();
  }

  setFilter<K extends keyof Filters>(name: K, value: Filters[K]): void {
    this.filters = { ...this.filters, [name]: value };
    this.#save();
  }

  clearFilters(): void {
    this.filters = NO_FILTERS;
    this.#save();
  }

  #save(): void {
    try {
      localStorage.setItem(settingsKey(this.room), JSON.stringify({ scope: this.scope, lanes: this.lanes, filters: this.filters }));
    } catch {
      // Full or unavailable storage: the setting still holds for this page.
    }
  }
}
