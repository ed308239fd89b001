/**
 * A person's board settings as stored in localStorage: sprint scope, swimlanes and filters. Pure;
 * the runes class that holds them live is prefs.svelte.ts.
 */
import { NO_FILTERS, type Filters, type LaneMode, type ScopeChoice } from './layout.ts';

export type BoardSettings = { scope: ScopeChoice; lanes: LaneMode; filters: Filters };

const DEFAULTS: BoardSettings = { scope: 'auto', lanes: 'none', filters: NO_FILTERS };
/** One entry per room: settings follow the plan, not the browser tab. */
export const settingsKey = (room: string) => `plenary:board:${room}`;

/** Settings read back from storage, validated (storage may hold anything); defaults otherwise. */
export function readSettings(raw: string | null): BoardSettings {
  try {
    const v = JSON.parse(raw ?? 'null') as Partial<BoardSettings> | null;
    if (!v || typeof v !== 'object') return DEFAULTS;
    const s = (x: unknown, max = 200) => (typeof x === 'string' ? x.slice(0, max) : '');
    const f = (v.filters ?? {}) as Partial<Filters>;
    return {
      scope: s(v.scope) || 'auto',
      lanes: v.lanes === 'assignee' || v.lanes === 'epic' ? v.lanes : 'none',
      filters: { assignee: s(f.assignee), label: s(f.label), epic: s(f.epic), text: s(f.text) }
    };
  } catch {
    return DEFAULTS;
  }
}

