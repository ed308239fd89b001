/** Retro templates: the columns a new retro starts with. Custom retros name their own columns. */
export type TemplateColumn = { id: string; title: string; hint: string };
export type RetroTemplate = { id: string; name: string; columns: TemplateColumn[] };

export const TEMPLATES: readonly RetroTemplate[] = [
  {
    id: 'start-stop-continue',
    name: 'Start / Stop / Continue',
    columns: [
      { id: 'start', title: 'Start', hint: 'What should we begin doing?' },
      { id: 'stop', title: 'Stop', hint: 'What is not helping us?' },
      { id: 'continue', title: 'Continue', hint: 'What works and should stay?' }
    ]
  },
  {
    id: 'mad-sad-glad',
    name: 'Mad / Sad / Glad',
    columns: [
      { id: 'mad', title: 'Mad', hint: 'What drove you crazy?' },
      { id: 'sad', title: 'Sad', hint: 'What disappointed you?' },
      { id: 'glad', title: 'Glad', hint: 'What made you happy?' }
    ]
  },
  {
    id: '4ls',
    name: '4Ls',
    columns: [
      { id: 'liked', title: 'Liked', hint: 'What did you enjoy?' },
      { id: 'learned', title: 'Learned', hint: 'What did you learn?' },
      { id: 'lacked', title: 'Lacked', hint: 'What was missing?' },
      { id: 'longed', title: 'Longed for', hint: 'What did you wish for?' }
    ]
  },
  {
    id: 'sailboat',
    name: 'Sailboat',
    columns: [
      { id: 'wind', title: 'Wind', hint: 'What pushed us forward?' },
      { id: 'anchors', title: 'Anchors', hint: 'What held us back?' },
      { id: 'rocks', title: 'Rocks', hint: 'What risks lie ahead?' },
      { id: 'island', title: 'Island', hint: 'Where do we want to get to?' }
    ]
  }
];

export const CUSTOM_TEMPLATE = 'custom';
export const MAX_COLUMNS = 8;

export function findTemplate(id: string): RetroTemplate | null {
  return TEMPLATES.find((t) => t.id === id) ?? null;
}

/**
 * The columns of a new retro: a template's, or custom titles (1 to MAX_COLUMNS, each ≤ 60
 * characters, given ids c1, c2, …). A string is the reason it was refused.
 */
export function columnsFor(template: string, custom: unknown = []): TemplateColumn[] | string {
  if (template !== CUSTOM_TEMPLATE) return findTemplate(template)?.columns.map((c) => ({ ...c })) ?? `unknown template: ${template}`;
  if (!Array.isArray(custom)) return 'custom columns must be a list of titles';
  const titles = custom.filter((t): t is string => typeof t === 'string').map((t) => t.replace(/\s+/g, ' ').trim().slice(0, 60)).filter(Boolean);
  if (titles.length === 0) return 'a custom retro needs at least one column';
  if (titles.length > MAX_COLUMNS) return `at most ${MAX_COLUMNS} columns`;
  return titles.map((title, i) => ({ id: `c${i + 1}`, title, hint: '' }));
}

/** What a new retro is made of, checked (for the API). */
export type RetroInit = {
  title: string;
  template: string;
  columns: TemplateColumn[];
  anonymous: boolean;
  sprint: string | null;
};

export function readRetroInit(body: Record<string, unknown>): RetroInit | string {
  const title = typeof body.title === 'string' ? body.title.replace(/\s+/g, ' ').trim().slice(0, 120) : '';
  if (!title) return 'a retro needs a title';
  const template = typeof body.template === 'string' ? body.template : 'start-stop-continue';
  const columns = columnsFor(template, body.columns);
  if (typeof columns === 'string') return columns;
  if (body.anonymous !== undefined && typeof body.anonymous !== 'boolean') return 'anonymous must be true or false';
  const sprint = typeof body.sprint === 'string' && body.sprint ? body.sprint.slice(0, 64) : null;
  return { title, template, columns, anonymous: body.anonymous !== false, sprint };
}
