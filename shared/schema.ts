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
  /** Y.Map<string, JSON> — PlanMeta fields, plus `meeting`: MeetingTimer (addition, steering). */
  meta: 'meta',
  /** Y.Map<memberId, Y.Map> — Member fields; `capacity` is a nested Y.Map<sprintId, number>. */
  members: 'members',
  /** Y.Map<statusId, Y.Map> — Status fields (the board's columns). */
  statuses: 'statuses',
  /** Y.Map<sprintId, Y.Map> — Sprint fields. */
  sprints: 'sprints',
  /** Y.Map<epicId, Y.Map> — Epic fields. */
  epics: 'epics',
  /** Y.Map<cardId, Y.Map> — Card fields; `description` Y.XmlText, `history`/`sprintHistory`/`estimates`/`comments` Y.Array. */
  cards: 'cards',
  /** Y.Map<raidId, Y.Map> — RaidItem fields; `description`/`response` Y.XmlText, `history` Y.Array<RaidChange>. */
  raid: 'raid',
  /** Y.Map<workstreamId, Y.Map> — Workstream fields. */
  workstreams: 'workstreams',
  /** Y.Map<milestoneId, Y.Map> — Milestone fields (milestones, phases, releases). */
  milestones: 'milestones',
  /** Y.Map<dependencyId, Y.Map> — Dependency fields (finish-to-start with lag). */
  dependencies: 'dependencies',
  /** Y.Map<memberId, Y.Map> — ResourcePerson fields (resource plan, issue 15); `weeks` Y.Map<weekStart, %>, `leave` Y.Map<leaveId, LeaveRange>. */
  resourcePeople: 'resourcePeople',
  /** Y.Map<poolId, Y.Map> — Pool fields; `changes` Y.Map<changeId, CapacityChange> (deliveries, decommissioning, maintenance). */
  pools: 'pools',
  /** Y.Map<bookingId, Y.Map> — Booking fields: demand on a person or a pool over a date range. */
  bookings: 'bookings',
  /**
   * Y.Map<string, JSON> — stage-gate configuration, flat keys (StageConfig; see GATE_KEYS below):
   * `<stage>/name` string, `<stage>/enabled` boolean, `<stage>/criterion/<criterionId>` a
   * { text, rank } object, or null for a removed criterion (defaults included).
   */
  stages: 'stages',
  /**
   * Y.Map<string, JSON> — one stage gate per milestone and stage, flat keys (Gate; GATE_KEYS):
   * `<milestoneId>/<stage>/status|approver|decidedOn|note` and
   * `<milestoneId>/<stage>/check/<criterionId>` boolean.
   */
  gates: 'gates',
  /** Y.Map<decisionId, Y.Map> — Decision fields. */
  decisions: 'decisions',
  /** Y.Map<retroRoom, Y.Map> — RetroLink fields: retros are documents of their own. */
  retros: 'retros',
  /** Y.Map<cardId, Y.Map> — planning poker rounds; written only by the server (ROOT_WRITERS). */
  poker: 'poker',
  /** Y.Map<string, JSON> — stand-up: active, mode ('person' | 'column'), order (ids), current
   *  (index), startedAt (server time), perSpeakerSec, spoken (ids). See client/src/lib/standup. */
  standup: 'standup',
  /** Y.Map<itemId, Y.Map> — the stand-up's parking lot: { text, by, at, done }. */
  parking: 'parking'
} as const;

/**
 * Top-level types of a retro document (room `<plan>/retro-<id>`, kind 'retro'). Accessors and record
 * types: shared/doc/retro.ts; rules: shared/retro/. Who may write each root: ROOT_WRITERS.retro.
 */
export const RETRO_ROOT = {
  /** Y.Map<string, JSON> — RetroMeta: schemaVersion, kind 'retro', plan (room), title, template,
   *  anonymous (bool), sprint, previous (room of the retro whose actions are reviewed), createdAt, createdBy. */
  meta: 'meta',
  /** Y.Map<columnId, Y.Map> — { title, hint, rank }. */
  columns: 'columns',
  /** Y.Map<string, JSON> — RetroSession: phase, lateWriting, voteBudget, timer { startedAt (server
   *  time), durationMs } | null, focus (topic id) | null, breakouts { count, members } | null,
   *  revealedAt, votesClosedAt, closedAt. */
  session: 'session',
  /** Y.Map<cardId, Y.Map> — revealed cards { column, text, rank, author? }: inserted by the server at
   *  the reveal; `author` (display name) only in an attributed retro. Never a timestamp or user id. */
  cards: 'cards',
  /** Y.Map<cardId, groupId> — which group a card is in: one field per card, so concurrent drags converge. */
  placements: 'placements',
  /** Y.Map<groupId, Y.Map> — { title, column, rank, breakout }. */
  groups: 'groups',
  /** Y.Map<topicId, JSON> — vote results { total, by? } written when the vote closes; `by`
   *  (display name → dots) only in an attributed retro. */
  votes: 'votes',
  /** Y.Map<actionId, Y.Map> — { text, owner, due, topic, rank, createdAt, cardId (backlog card on the plan) }. */
  actions: 'actions',
  /** Y.Map<actionId, Y.Map> — the previous retro's actions, copied in at creation: { text, owner, due,
   *  cardId, cardStatus, cardDone, outcome ('pending' | 'done' | 'carried' | 'dropped'), rank }. */
  review: 'review'
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

/**
 * One sprint move of a card: append-only, in the card's `sprintHistory` Y.Array, written in the same
 * transaction as the move whenever a card's sprint changes (moveCard, placeCard, moveCardsToSprint,
 * closeSprint in shared/doc/). `from` / `to` are sprint ids, null for the backlog. A card created
 * in a sprint has no entry for that (its `createdAt` says when). Concurrent moves by two people are
 * both kept; the card's `sprint` converges to one of them (last writer wins).
 * Addition (board): the one field the board and sprint planning add to Card.
 */
export type SprintChange = { at: number; from: string | null; to: string | null; actor: string };

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
  /**
   * Sprint moves (addition, board). Always present on cards read through the accessors
   * (decodeCard); optional in the type so plain Card records built elsewhere stay valid.
   */
  sprintHistory?: SprintChange[];
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

/**
 * One field change of a RAID item: append-only, in the item's `history` Y.Array, written in the
 * same transaction as the change itself (shared/doc/raid.ts `updateRaidItem`). `field` is a
 * RaidFields key, or 'created' (from: null, to: 'user' | 'import') when the item was made through
 * `createRaidItem` / `importRaidItems`. Concurrent changes of one field by two people both stay in
 * the log; the field itself converges to one of them (last writer wins).
 * Addition (steering): RaidItem records do not carry this log; read it with `raidHistory`.
 */
export type RaidChange = { at: number; actor: string; field: string; from: unknown; to: unknown };

/**
 * The shared meeting timer, stored whole (one JSON value, so a start and a pause never mix) under
 * the `meeting` key of plan meta. Addition (steering), read and written by shared/doc/meeting.ts.
 * Times are server-corrected (every client stamps with its clock offset to the server), so every
 * countdown agrees whatever each laptop's clock says.
 * - not started: startedAt null, pausedAt null — the full `duration` remains;
 * - running: startedAt set, pausedAt null — remaining = duration − (now − startedAt);
 * - paused: both set — remaining = duration − (pausedAt − startedAt).
 */
export type MeetingTimer = { startedAt: number | null; duration: number; pausedAt: number | null };

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

/**
 * PDLC stage gates (additive, schema version unchanged: documents without these roots read the
 * defaults). A gate is the decision to let a milestone leave its stage: a checklist of the stage's
 * criteria, a status, who approved it and when.
 *
 * Both roots are Y.Maps of plain values under flat, composed keys rather than nested Y.Maps per
 * milestone or stage: a gate comes into being lazily, when someone first ticks a box, and two
 * people doing that at once would each create the nested map and Yjs would keep only one of them,
 * losing the other's tick. With flat keys every tick, status and approver is its own
 * last-writer-wins field, so concurrent edits to different fields of one gate all survive.
 *
 * Stage ids are the fixed STAGES (a milestone's `stage` field is one of them); what is configurable
 * per plan is each stage's name, whether it is offered for new items, and its criteria.
 */
export const GATE_STATUSES = ['not-started', 'in-review', 'passed', 'failed'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

export type GateCriterion = { id: string; text: string; rank: string };

export type StageConfig = {
  id: Stage;
  name: string;
  /** false: not offered for new items (items already in the stage keep it). */
  enabled: boolean;
  /** Ordered by rank, then id. */
  criteria: GateCriterion[];
};

export type Gate = {
  milestone: string;
  stage: Stage;
  status: GateStatus;
  /** Member id (or a name) of who passed or failed the gate. */
  approver: string | null;
  /** ISO date of the decision. */
  decidedOn: string | null;
  note: string;
  /** Ids of the criteria ticked, ascending. */
  checked: string[];
};

/** Composed keys of the `stages` and `gates` roots; ids never contain '/'. */
export const GATE_KEYS = {
  stageName: (stage: Stage) => `${stage}/name`,
  stageEnabled: (stage: Stage) => `${stage}/enabled`,
  criterion: (stage: Stage, criterion: string) => `${stage}/criterion/${criterion}`,
  gateField: (milestone: string, stage: Stage, field: 'status' | 'approver' | 'decidedOn' | 'note') => `${milestone}/${stage}/${field}`,
  gateCheck: (milestone: string, stage: Stage, criterion: string) => `${milestone}/${stage}/check/${criterion}`
} as const;

/** Criteria every plan starts with (ids are fixed, so a removal or an edit of one is one key). */
export const DEFAULT_GATE_CRITERIA: Record<Stage, string[]> = {
  discovery: ['Problem and outcomes agreed with the sponsor', 'Budget and team confirmed', 'Key risks logged in the RAID log'],
  design: ['Architecture reviewed', 'Security and compliance review done', 'Plan and estimates baselined'],
  build: ['Scope complete and code reviewed', 'Automated tests pass in CI', 'Runbooks drafted'],
  test: ['Acceptance criteria met', 'No open critical defects', 'Performance targets verified'],
  release: ['Go/no-go held with stakeholders', 'Rollback plan tested', 'Support and on-call ready'],
  operate: ['SLOs monitored and alerting', 'Handover to operations signed off', 'Lessons learned captured']
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
  // Retros (shared/doc/retro.ts): the phase, timer, budget, cards and vote results change only
  // through the retro extension (server/extensions/retro.ts), which checks the facilitator role and
  // keeps drafts and ballots private; the board's grouping, actions and review are open to editors.
  retro: { meta: 'server', columns: 'server', session: 'server', cards: 'server', votes: 'server', placements: 'editor', groups: 'editor', actions: 'editor', review: 'editor' }
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

/**
 * The resource plan (issue 15), additive: documents without these roots read as "no resources".
 * Rules that read these records: shared/resources/ and its rulebook shared/RESOURCES.md.
 *
 * Nested Y.Maps (per-week allocation, leave, capacity changes) rather than arrays in one field, so
 * two people adding leave or a delivery at once both keep theirs.
 */
export type LeaveRange = { id: string; start: string; end: string; note: string };

/** A plan member as a resource; `id` is the member's id (name and time zone come from Member). */
export type ResourcePerson = {
  id: string;
  skills: string[];
  team: string;
  /** Share of a full-time week given to the programme, 0..100 (part-time: 50, 80). */
  allocation: number;
  /** Length of a full working day in hours. */
  hoursPerDay: number;
  /** ISO Monday of a week → allocation % for that week (overrides `allocation`). */
  weeks: Record<string, number>;
  leave: LeaveRange[];
  /** The days this person works; null: the plan's working days. */
  workingDays: Weekday[] | null;
};

export const POOL_KINDS = ['gpu-node', 'cpu-node', 'storage-tb', 'network-port', 'rack-power-kw', 'lab-time', 'other'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

export const CAPACITY_CHANGE_KINDS = ['delivery', 'decommission', 'maintenance'] as const;
export type CapacityChangeKind = (typeof CAPACITY_CHANGE_KINDS)[number];

/**
 * A dated change of a pool's capacity: a delivery adds `units` from `date` on, a decommissioning
 * removes them from `date` on, a maintenance window takes them out from `date` to `end` inclusive.
 */
export type CapacityChange = { id: string; kind: CapacityChangeKind; date: string; end: string | null; units: number; note: string };

export type Pool = {
  id: string;
  name: string;
  kind: PoolKind;
  /** What one unit is, e.g. 'nodes', 'TB', 'ports', 'kW'. */
  unit: string;
  /** Units in service before any change. */
  capacity: number;
  changes: CapacityChange[];
  rank: string;
};

export const BOOKING_SOURCES = ['workstream', 'milestone', 'card'] as const;
export type BookingSource = (typeof BOOKING_SOURCES)[number];
export type BookingUnit = 'percent' | 'hours' | 'units';

/**
 * Demand on one resource. People are booked in `percent` of their working day or in `hours` over
 * the range; pools in `units`. A booking that `follows` a milestone moves with it: its dates are
 * stored together with the milestone's start when they were set (`anchor`), and readers shift them
 * by how far the milestone has moved since (shared/resources/dates.ts), so a timeline shift moves
 * every booking behind it without anyone rewriting them, and concurrent edits cannot half-move one.
 */
export type Booking = {
  id: string;
  resource: string;
  resourceKind: 'person' | 'pool';
  source: BookingSource;
  sourceId: string | null;
  title: string;
  /** ISO dates, inclusive, in the plan's time zone. */
  start: string;
  end: string;
  amount: number;
  unit: BookingUnit;
  follows: string | null;
  anchor: string | null;
};
