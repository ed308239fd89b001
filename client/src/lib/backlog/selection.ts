/**
 * Multi-select in a list, pure: a click toggles one row and becomes the anchor; a Shift-click
 * selects every row from the anchor to the clicked one (in display order), as file managers do.
 */
export type Selection = { selected: ReadonlySet<string>; anchor: string | null };

export const EMPTY_SELECTION: Selection = { selected: new Set(), anchor: null };

export function clickRow(sel: Selection, order: readonly string[], id: string, shift: boolean): Selection {
  const selected = new Set(sel.selected);
  const a = sel.anchor === null ? -1 : order.indexOf(sel.anchor);
  const b = order.indexOf(id);
  if (shift && a >= 0 && b >= 0) {
    const [from, to] = a < b ? [a, b] : [b, a];
    for (let i = from; i <= to; i++) selected.add(order[i]);
    return { selected, anchor: sel.anchor };
  }
  if (selected.has(id)) selected.delete(id);
  else selected.add(id);
  return { selected, anchor: id };
}

/** Drops ids that are no longer in the list (moved away or deleted by someone). */
export function keepExisting(sel: Selection, ids: ReadonlySet<string>): Selection {
  const selected = [...sel.selected].filter((id) => ids.has(id));
  if (selected.length === sel.selected.size) return sel;
  return { selected: new Set(selected), anchor: sel.anchor !== null && ids.has(sel.anchor) ? sel.anchor : null };
}
