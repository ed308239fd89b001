/**
 * The plan document schema, in one file: every top-level Yjs type of a plan (and of a retro, which
 * is a document of its own linked from the plan), every field with its type, and the upgrade steps.
 *
 * Only the typed accessors in shared/doc/ read or write these types. Why the shapes are what they are:
 *
 * - Collections are `Y.Map<id, Y.Map>` keyed by a random id, never `Y.Array`: a concurrent "move"
 *   in a Y.Array is delete + insert and duplicates the item, while a field set in a Y.Map is
 *   last-writer-wins. So a card's place (status, sprint, rank) is three fields and a card is always in
 *   exactly one place. Order comes from a fractional `rank` string (shared/rank.ts).
 * - Deleting an item removes its Y.Map from the collection; edits a peer makes inside the removed
 *   map at the same time are discarded by Yjs, so nothing comes back half-alive.
 * - Append-only logs (a card's status history, estimate changes) are `Y.Array<plain object>`: pushes
 *   from several replicas all survive, in a converged order.
 * - Rich text (descriptions, mitigations) is a `Y.XmlText` that Lexical binds to. It is created
 *   together with its item, by the one party that creates the item, so two replicas never race to
 *   create it.
 * - Scalar fields hold plain JSON values. A peer may write anything, so readers validate every value
 *   (shared/doc/fields.ts) and fall back to the default listed here.
 */

export const SCHEMA_VERSION = 1;

/** Top-level types of a plan document: name → Yjs type. */
export const PLAN_ROOT = {
  /** Y.Map<string, JSON> — PlanMeta fields. */
  meta: 'meta',
  /** Y.Map<memberId, Y.Map> — Member fields; `capacity` is a nested Y.Map<sprintId, number>. */
  members: 'members',
  /** Y.Map<statusId, Y.Map> — Status fields (the board's columns). */
  statuses: 'statuses',
  /** Y.Map<sprintId, Y.Map> — Sprint fields. */
  sprints: 'sprints',
  /** Y.Map<epicId, Y.Map> — Epic fields. */
  epics: 'epics',
  /** Y.Map<cardId, Y.Map> — Card fields; `description` Y.XmlText, `history`/`estimates`/`comments` Y.Array. */
  cards: 'cards',
  /** Y.Map<raidId, Y.Map> — RaidItem fields; `description`/`response` Y.XmlText, `history` Y.Array. */
  raid: 'raid',
  /** Y.Map<workstreamId, Y.Map> — Workstream fields. */
  workstreams: 'workstreams',
  /** Y.Map<milestoneId, Y.Map> — Milestone fields (milestones, phases, releases). */
  milestones: 'milestones',
  /** Y.Map<dependencyId, Y.Map> — Dependency fields (finish-to-start with lag). */
  dependencies: 'dependencies',
  /** Y.Map<decisionId, Y.Map> — Decision fields. */
  decisions: 'decisions',
  /** Y.Map<retroRoom, Y.Map> — RetroLink fields: retros are documents of their own. */
  retros: 'retros',
  /** Y.Map<cardId, Y.Map> — planning poker rounds; written only by the server (ROOT_WRITERS). */
  poker: 'poker'
} as const;

/** Top-level types of a retro document (issue: retrospectives builds on these). */
export const RETRO_ROOT = {
  /** Y.Map<string, JSON> — RetroMeta fields. */
  meta: 'meta',
  /** Y.Map<columnId, Y.Map> — { title, rank }. */
  columns: 'columns',
  /** Y.Map<cardId, Y.Map> — revealed retro cards { column, text, group, rank }. */
  cards: 'cards',
  /** Y.Map<groupId, Y.Map> — { title, column, rank }. */
  groups: 'groups',
  /** Y.Map<actionId, Y.Map> — { text, owner, due, status, cardId }. */
  actions: 'actions'
} as const;

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6; // 0 = Sunday, as Date#getDay

export type PlanMeta = {
  schemaVersion: number;
  kind: 'plan';
  name: string;
  description: string;
  /** IANA zone in which sprint days are counted, e.g. 'Europe/London'. */
  timeZone: string;
  workingDays: Weekday[];
  /** Unit of estimates and capacity. */
  estimateUnit: 'points' | 'hours';
  createdAt: number;
};

export type Member = {
  id: string;
  name: string;
  /** Job title, e.g. 'SRE lead'. Not the access role, which lives in tokens. */
  title: string;
  timeZone: string;
  /** Local working hours, 'HH:MM'. */
  workStart: string;
  workEnd: string;
  /** Capacity per sprint when the sprint has no entry of its own. */
  defaultCapacity: number;
  /** sprintId → capacity in the plan's estimate unit (days off already taken off). */
  capacity: Record<string, number>;
  /** sprintId → days off in that sprint. */
  daysOff: Record<string, number>;
};

export type StatusCategory = 'todo' | 'doing' | 'done';

export type Status = {
  id: string;
  name: string;
  category: StatusCategory;
  rank: string;
  /** null: no limit. */
  wipLimit: number | null;
};

export type SprintState = 'planned' | 'active' | 'closed';

export type Commitment = {
  /** Server-corrected time the sprint started. */
  at: number;
  cards: { id: string; points: number | null }[];
};

export type Sprint = {
  id: string;
  name: string;
  goal: string;
  /** ISO dates 'YYYY-MM-DD' in the plan's time zone. */
  start: string;
  end: string;
  state: SprintState;
  /** Recorded once when the sprint starts. */
  commitment: Commitment | null;
  closedAt: number | null;
};

export type Epic = { id: string; name: string; rank: string };

/** One status change of a card: append-only. `from` is null when the card was created. */
export type StatusChange = { at: number; from: string | null; to: string; actor: string };

/** A comment on a card: append-only; `mentions` are member ids named with @ in the text. */
export type Comment = { id: string; at: number; actor: string; text: string; mentions: string[] };

/** One estimate change of a card: append-only. */
export type EstimateChange = { at: number; from: number | null; to: number | null; actor: string };

export type Card = {
  id: string;
  title: string;
  status: string;
  /** null: in the backlog. */
  sprint: string | null;
  rank: string;
  points: number | null;
  assignee: string | null;
  labels: string[];
  epic: string | null;
  /** ISO date or null. */
  due: string | null;
  /** Ids of RAID items and milestones this card is linked to. */
  links: string[];
  createdAt: number;
  createdBy: string;
  /** Plain-text rendering of the Y.XmlText description (the editor binds to the XmlText itself). */
  descriptionText: string;
  history: StatusChange[];
  estimates: EstimateChange[];
  comments: Comment[];
};

export type RaidKind = 'risk' | 'assumption' | 'issue' | 'dependency';
export type RaidStatus = 'open' | 'monitoring' | 'mitigating' | 'closed';

export type RaidItem = {
  id: string;
  kind: RaidKind;
  title: string;
  owner: string | null;
  status: RaidStatus;
  /** ISO dates. */
  raised: string;
  review: string | null;
  due: string | null;
  /** 1..5, inherent. */
  likelihood: number;
  impact: number;
  /** 1..5 after mitigation, null until assessed. */
  residualLikelihood: number | null;
  residualImpact: number | null;
  links: string[];
  descriptionText: string;
  responseText: string;
};

export type Rag = 'red' | 'amber' | 'green';

export type Workstream = {
  id: string;
  name: string;
  rank: string;
  owner: string | null;
  rag: Rag;
  ragComment: string;
};

export type MilestoneKind = 'milestone' | 'phase' | 'release';
export const STAGES = ['discovery', 'design', 'build', 'test', 'release', 'operate'] as const;
export type Stage = (typeof STAGES)[number];

export type Milestone = {
  id: string;
  name: string;
  kind: MilestoneKind;
  workstream: string | null;
  /** ISO dates; a milestone has start === end. */
  start: string;
  end: string;
  baselineStart: string | null;
  baselineEnd: string | null;
  stage: Stage;
  owner: string | null;
};

export type Dependency = {
  id: string;
  /** Predecessor id (must finish first). */
  from: string;
  /** Successor id. */
  to: string;
  type: 'FS';
  lagDays: number;
};

export type DecisionStatus = 'proposed' | 'decided' | 'superseded';

export type Decision = {
  id: string;
  title: string;
  date: string;
  owner: string | null;
  rationale: string;
  options: string[];
  status: DecisionStatus;
  links: string[];
};

export type RetroLink = { room: string; title: string; createdAt: number; sprint: string | null };

/** An immutable plain view of a whole plan; metrics and exports read this, never Yjs. */
export type PlanSnapshot = {
  meta: PlanMeta;
  members: Member[];
  statuses: Status[];
  sprints: Sprint[];
  epics: Epic[];
  cards: Card[];
  raid: RaidItem[];
  workstreams: Workstream[];
  milestones: Milestone[];
  dependencies: Dependency[];
  decisions: Decision[];
  retros: RetroLink[];
};

/** Who may write a top-level type: a minimum role, or only the server (on a client's request). */
export type Writer = 'viewer' | 'editor' | 'facilitator' | 'admin' | 'server';

/**
 * Write restrictions per room kind, enforced by the server on every incoming update; roots not
 * listed are open to editors and above. A restricted root is changed by the server itself when a
 * client with the right role asks over a private message (see shared/protocol.ts), so secrets such
 * as poker votes never pass through the shared document before they are revealed.
 */
export const ROOT_WRITERS: Record<string, Record<string, Writer>> = {
  plan: { poker: 'server' },
  retro: {}
};

/** Columns of a new plan. */
export const DEFAULT_STATUSES: Omit<Status, 'rank'>[] = [
  { id: 'backlog', name: 'Backlog', category: 'todo', wipLimit: null },
  { id: 'todo', name: 'To do', category: 'todo', wipLimit: null },
  { id: 'doing', name: 'In progress', category: 'doing', wipLimit: 4 },
  { id: 'review', name: 'Review', category: 'doing', wipLimit: 3 },
  { id: 'done', name: 'Done', category: 'done', wipLimit: null }
];

export const DEFAULT_WORKING_DAYS: Weekday[] = [1, 2, 3, 4, 5];
