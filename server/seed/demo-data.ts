/**
 * The data of the seeded demo plan ("Project Helios — GPU cluster build-out"), as plain tables.
 * server/seed/demo-plan.ts turns these into a plan document. Dates are day offsets from the Monday
 * of the week the plan is built in (the "anchor"), so the demo always looks current.
 */
import type { DecisionStatus, MilestoneKind, RaidKind, RaidStatus, Rag, Stage } from '../../shared/schema.ts';

export const PLAN = {
  name: 'Project Helios — GPU cluster build-out',
  description:
    'Build-out of a 512-GPU training cluster in Hall B (power, cooling, racks, InfiniBand fabric), the sensor-data ' +
    'platform that watches it, a predictive-maintenance model trained on that telemetry, and SOC 2 readiness.',
  timeZone: 'Europe/London'
};

export const MEMBERS = [
  { key: 'eleanor', name: 'Eleanor Hartley', title: 'Programme director', timeZone: 'Europe/London', workStart: '08:30', workEnd: '17:30', defaultCapacity: 3 },
  { key: 'tom', name: 'Tom Okafor', title: 'HPC platform lead', timeZone: 'Europe/London', workStart: '09:00', workEnd: '17:30', defaultCapacity: 8 },
  { key: 'marcus', name: 'Marcus Bell', title: 'Data-centre facilities manager', timeZone: 'America/New_York', workStart: '07:30', workEnd: '16:00', defaultCapacity: 10 },
  { key: 'wei', name: 'Tan Wei Ling', title: 'Senior network engineer (InfiniBand)', timeZone: 'Asia/Singapore', workStart: '09:00', workEnd: '18:00', defaultCapacity: 10 },
  { key: 'diego', name: 'Diego Alvarez', title: 'Data platform engineer', timeZone: 'America/Los_Angeles', workStart: '08:00', workEnd: '16:30', defaultCapacity: 10 },
  { key: 'priya', name: 'Priya Raman', title: 'ML engineering lead', timeZone: 'Asia/Kolkata', workStart: '10:00', workEnd: '18:30', defaultCapacity: 8 },
  { key: 'arjun', name: 'Arjun Mehta', title: 'Data scientist', timeZone: 'Asia/Kolkata', workStart: '09:30', workEnd: '18:00', defaultCapacity: 8 },
  { key: 'anna', name: 'Anna Becker', title: 'Security & compliance lead', timeZone: 'Europe/Berlin', workStart: '08:00', workEnd: '16:30', defaultCapacity: 8 }
] as const;

export type MemberKey = (typeof MEMBERS)[number]['key'];

/** Days off per sprint (index 0..5); capacity is scaled down from defaultCapacity accordingly. */
export const DAYS_OFF: Partial<Record<MemberKey, number[]>> = {
  eleanor: [0, 0, 2, 0, 0, 0],
  tom: [0, 0, 0, 3, 0, 0],
  marcus: [0, 1, 0, 0, 3, 0],
  wei: [1, 0, 0, 0, 0, 2],
  diego: [0, 2, 0, 0, 0, 4],
  priya: [0, 0, 0, 2, 0, 0],
  arjun: [0, 0, 0, 2, 0, 1],
  anna: [0, 0, 5, 0, 0, 0]
};

/** Who moves a card from review to done (and reopens it), by assignee. */
export const REVIEWER: Record<MemberKey, MemberKey> = {
  eleanor: 'tom',
  tom: 'wei',
  marcus: 'tom',
  wei: 'tom',
  diego: 'arjun',
  priya: 'arjun',
  arjun: 'priya',
  anna: 'eleanor'
};

export const WORKSTREAMS: { id: string; name: string; owner: MemberKey; rag: Rag; ragComment: string }[] = [
  { id: 'ws-facility', name: 'Facility & power', owner: 'marcus', rag: 'amber', ragComment: 'Utility feed 2 energisation slipped three weeks (grid operator window); Hall B runs on feed 1 with generator cover. Rear-door heat exchangers rows A–C commissioned.' },
  { id: 'ws-cluster', name: 'Cluster build (GPU racks, InfiniBand fabric)', owner: 'tom', rag: 'red', ragComment: 'Link flaps on six spine ports during IB burn-in; optics RMA outstanding. Cluster acceptance rebaselined by two weeks; GA held by onboarding tenants in parallel.' },
  { id: 'ws-data', name: 'Data platform (sensor-data ingestion pipeline)', owner: 'diego', rag: 'green', ragComment: 'Telemetry pipeline in production at ~40k msg/s; feature store v1 live after backfill; load test to 100k msg/s in progress.' },
  { id: 'ws-ml', name: 'ML (predictive-maintenance model)', owner: 'priya', rag: 'amber', ragComment: 'Baseline model meets recall target (0.86) but precision is 0.64 against 0.75; label cleanup and threshold tuning with facilities ops before shadow mode.' },
  { id: 'ws-security', name: 'Security & compliance', owner: 'anna', rag: 'green', ragComment: 'SOC 2 evidence ~70% collected; pen test booked; leaver badge-access issue being fixed.' }
];

export type EpicKey = 'power' | 'hall' | 'racks' | 'fabric' | 'stack' | 'ingest' | 'features' | 'model' | 'mlops' | 'soc2' | 'access';

export const EPICS: { key: EpicKey; name: string; label: string }[] = [
  { key: 'hall', name: 'Hall B fit-out', label: 'facility' },
  { key: 'power', name: 'Power & cooling commissioning', label: 'facility' },
  { key: 'racks', name: 'GPU rack integration', label: 'gpu' },
  { key: 'fabric', name: 'InfiniBand fabric', label: 'network' },
  { key: 'stack', name: 'Cluster software stack', label: 'platform' },
  { key: 'ingest', name: 'Sensor telemetry ingestion', label: 'data' },
  { key: 'features', name: 'Feature store', label: 'data' },
  { key: 'model', name: 'Predictive-maintenance model', label: 'ml' },
  { key: 'mlops', name: 'MLOps & model monitoring', label: 'ml' },
  { key: 'soc2', name: 'SOC 2 readiness', label: 'security' },
  { key: 'access', name: 'Identity & physical access', label: 'security' }
];

export const SPRINTS: { name: string; goal: string }[] = [
  { name: 'Helios 1', goal: 'Hall B power path commissioned, rack layout frozen, telemetry ingestion approach chosen.' },
  { name: 'Helios 2', goal: 'First 16 racks powered; pod 1 leaf switches cabled; Kafka and schema registry live.' },
  { name: 'Helios 3', goal: 'Spine cabled and IB burn-in started; Slurm control plane up; SOC 2 controls mapped.' },
  { name: 'Helios 4', goal: 'NCCL all-reduce at 256 GPUs; feature store backfilled; baseline model evaluated.' },
  { name: 'Helios 5', goal: 'Cluster ready for acceptance at 512 GPUs; drift monitoring live; pen test scoped.' },
  { name: 'Helios 6', goal: 'Cluster acceptance sign-off; predictive-maintenance model in shadow mode.' }
];

/**
 * [title, epic, assignee, points, flags]. Flags, space-separated:
 *   carry    — started late, unfinished at sprint close: carried into the next sprint
 *   reopen   — done, reopened (done → doing), done again
 *   added    — created mid-sprint, after the commitment (scope change)
 *   descope  — taken out of the sprint back to the backlog mid-sprint
 *   regroom  — re-estimated at backlog grooming; grew — re-estimated mid-sprint
 *   due      — due at the end of its sprint; due=N — due N days after the anchor
 *   done | review | doing | todo — where a card of the active sprint has got to
 *   #label   — an extra label
 * Cards are numbered HEL-1… in table order (sprints first, then the backlog).
 */
export type CardRow = [title: string, epic: EpicKey | null, assignee: MemberKey, points: number | null, flags?: string];

export const SPRINT_CARDS: CardRow[][] = [
  [
    /* 1 */ ['Finalise Hall B rack layout and hot-aisle containment drawings', 'hall', 'marcus', 3, 'due'],
    /* 2 */ ['PDU commissioning — rows A & B', 'power', 'marcus', 5],
    /* 3 */ ['Busway tap-off box inspection and torque check', 'power', 'marcus', 2],
    /* 4 */ ['UPS battery string acceptance test', 'power', 'marcus', 3, 'regroom'],
    /* 5 */ ['Rack power-up plan and energisation sequence', 'racks', 'tom', 2],
    /* 6 */ ['Spike: sensor telemetry ingestion options (Kafka vs Kinesis)', 'ingest', 'diego', 3, '#spike'],
    /* 7 */ ['Kafka topic design for sensor telemetry', 'ingest', 'diego', 5, 'carry'],
    /* 8 */ ['Inventory historical maintenance tickets for labelling', 'model', 'arjun', 3],
    /* 9 */ ['Define failure modes and prediction horizon with facilities ops', 'model', 'priya', 2],
    /* 10 */ ['SOC 2 gap assessment: control inventory', 'soc2', 'anna', 5],
    /* 11 */ ['Physical access control zones for Hall B', 'access', 'anna', 3],
    /* 12 */ ['InfiniBand topology: rail-optimised fat-tree design', 'fabric', 'wei', 5],
    /* 13 */ ['Cable schedule and label plan for leaf/spine', 'fabric', 'wei', 3],
    /* 14 */ ['Bare-metal provisioning pipeline (PXE + Ironic) design', 'stack', 'tom', 3],
    /* 15 */ ['Replace failed static transfer switch in Hall B', 'power', 'marcus', 2, 'added #incident']
  ],
  [
    /* 16 */ ['Rack power-up: racks A01–A08', 'racks', 'marcus', 5, 'reopen'],
    /* 17 */ ['Rack power-up: racks A09–A16', 'racks', 'marcus', 5, 'carry'],
    /* 18 */ ['Leaf switch install and cabling — pod 1', 'fabric', 'wei', 8],
    /* 19 */ ['Subnet manager HA configuration (OpenSM)', 'fabric', 'wei', 3],
    /* 20 */ ['GPU node BIOS and BMC baseline configuration', 'racks', 'tom', 3],
    /* 21 */ ['Deploy Kafka cluster (3 brokers, rack-aware)', 'ingest', 'diego', 5],
    /* 22 */ ['Schema registry with Avro schemas for sensor events', 'ingest', 'diego', 3, 'regroom'],
    /* 23 */ ['MQTT-to-Kafka bridge for BMS sensors', 'ingest', 'diego', 5],
    /* 24 */ ['Label historical failures (chillers, CRAHs, PDUs)', 'model', 'arjun', 5],
    /* 25 */ ['Exploratory analysis of vibration and temperature telemetry', 'model', 'arjun', 3],
    /* 26 */ ['SOC 2 control mapping to Trust Services Criteria', 'soc2', 'anna', 5],
    /* 27 */ ['Vendor risk assessments: GPU OEM and colocation provider', 'soc2', 'anna', 3],
    /* 28 */ ['Steering committee status pack (monthly)', null, 'eleanor', 1, '#governance'],
    /* 29 */ ['Hotfix: DCIM not reporting PDU branch currents', 'power', 'marcus', 2, 'added #bug']
  ],
  [
    /* 30 */ ['Spine switch install and cabling — pods 1–2', 'fabric', 'wei', 8],
    /* 31 */ ['IB fabric burn-in: ibdiagnet sweeps and link BER checks', 'fabric', 'wei', 5, 'carry'],
    /* 32 */ ['Optics RMA process with switch vendor', 'fabric', 'wei', 2],
    /* 33 */ ['Slurm controller and accounting DB deployment', 'stack', 'tom', 5],
    /* 34 */ ['NVIDIA driver, CUDA and DCGM node image build', 'stack', 'tom', 3],
    /* 35 */ ['Rack power-up: racks B01–B08', 'racks', 'marcus', 5],
    /* 36 */ ['Rear-door heat exchanger commissioning — row A', 'power', 'marcus', 3],
    /* 37 */ ['Stream job: sensor normalisation and unit conversion', 'ingest', 'diego', 5],
    /* 38 */ ['Retention and tiering policy for raw telemetry', 'ingest', 'diego', 2, 'descope'],
    /* 39 */ ['Feature definitions: rolling vibration RMS, thermal deltas', 'features', 'arjun', 3],
    /* 40 */ ['Anomaly-detection baseline: isolation forest prototype', 'model', 'priya', 5, 'grew'],
    /* 41 */ ['Access reviews and joiner/mover/leaver process', 'access', 'anna', 3],
    /* 42 */ ['Encryption at rest for the telemetry store (KMS)', 'soc2', 'anna', 2],
    /* 43 */ ['Investigate link flaps on spine ports 17–22', 'fabric', 'wei', 3, 'added #incident']
  ],
  [
    /* 44 */ ['NCCL all-reduce benchmark at 256 GPUs', 'fabric', 'wei', 5, 'due #benchmark'],
    /* 45 */ ['HPL/HPCG acceptance benchmark dry run', 'stack', 'tom', 5, 'carry #benchmark'],
    /* 46 */ ['GPU health checks in Slurm prolog/epilog (DCGM diag)', 'stack', 'tom', 3],
    /* 47 */ ['Rack power-up: racks B09–B16', 'racks', 'marcus', 5],
    /* 48 */ ['Thermal load test at 35 kW per rack', 'power', 'marcus', 5, 'reopen'],
    /* 49 */ ['Feature store backfill (18 months of telemetry)', 'features', 'diego', 8, 'regroom'],
    /* 50 */ ['Feast registry and online store (Redis) setup', 'features', 'diego', 3],
    /* 51 */ ['Training dataset builder with point-in-time joins', 'features', 'arjun', 5],
    /* 52 */ ['Anomaly-detection baseline model: gradient-boosted trees', 'model', 'priya', 8, 'due'],
    /* 53 */ ['Model evaluation harness: precision/recall by asset class', 'model', 'arjun', 3],
    /* 54 */ ['SOC 2 evidence collection: change management', 'soc2', 'anna', 3],
    /* 55 */ ['Ship cluster node logs to the SIEM', 'soc2', 'anna', 5, 'grew'],
    /* 56 */ ['RAID review with steering committee', null, 'eleanor', 1, '#governance'],
    /* 57 */ ['Patch OpenSM routing-engine regression', 'fabric', 'wei', 2, 'added #bug'],
    /* 58 */ ['Backfill job OOM on wide partitions', 'features', 'diego', 2, 'added #bug']
  ],
  [
    /* 59 */ ['NCCL all-reduce benchmark at 512 GPUs', 'fabric', 'wei', 8, 'doing due #benchmark'],
    /* 60 */ ['IB fabric burn-in: pods 3–4', 'fabric', 'wei', 5, 'review'],
    /* 61 */ ['Cluster acceptance test plan sign-off', 'stack', 'eleanor', 2, 'done'],
    /* 62 */ ['Slurm partitions, QoS and fair-share for tenants', 'stack', 'tom', 5, 'doing'],
    /* 63 */ ['Node image CVE scan and CIS hardening', 'access', 'anna', 3, 'review'],
    /* 64 */ ['Rack power-up: racks C01–C08', 'racks', 'marcus', 5, 'done'],
    /* 65 */ ['Utility feed 2 energisation readiness checklist', 'power', 'marcus', 3, 'doing due'],
    /* 66 */ ['Drift monitoring for input features (PSI, KS tests)', 'mlops', 'priya', 5, 'doing'],
    /* 67 */ ['Model registry and promotion workflow (MLflow)', 'mlops', 'arjun', 3, 'done'],
    /* 68 */ ['Route anomaly alerts to CMMS work orders', 'mlops', 'diego', 5, 'todo'],
    /* 69 */ ['Telemetry pipeline load test at 100k msg/s', 'ingest', 'diego', 3, 'review'],
    /* 70 */ ['Pen-test scoping and rules of engagement', 'soc2', 'anna', 2, 'done'],
    /* 71 */ ['SOC 2 evidence collection: logical access', 'soc2', 'anna', 3, 'todo'],
    /* 72 */ ['Tune alert thresholds with facilities ops feedback', 'model', 'arjun', 3, 'todo grew'],
    /* 73 */ ['Replace 12 faulty QSFP optics on spine 2', 'fabric', 'wei', 2, 'added doing #incident']
  ],
  [
    /* 74 */ ['Cluster acceptance: HPL run and sign-off pack', 'stack', 'tom', 8, 'due'],
    /* 75 */ ['Tenant onboarding runbook and quotas', 'stack', 'tom', 3],
    /* 76 */ ['Shadow-mode deployment of the anomaly model', 'mlops', 'priya', 5],
    /* 77 */ ['Shadow-mode scorecard: model alerts vs technician findings', 'model', 'arjun', 3],
    /* 78 */ ['Utility feed 2 energisation and transfer test', 'power', 'marcus', 5, 'due'],
    /* 79 */ ['Rear-door heat exchanger commissioning — rows B & C', 'power', 'marcus', 3],
    /* 80 */ ['Feature store SLOs and on-call runbook', 'features', 'diego', 2],
    /* 81 */ ['Penetration test remediation window', 'soc2', 'anna', 5],
    /* 82 */ ['Steering committee go/no-go for cluster GA', null, 'eleanor', 1, 'due #governance'],
    /* 83 */ ['InfiniBand adaptive routing and congestion control tuning', 'fabric', 'wei', 3]
  ]
];

export const BACKLOG_CARDS: CardRow[] = [
  /* 84 */ ['Phase 2: direct liquid cooling feasibility study', 'hall', 'marcus', 5, 'due=60'],
  /* 85 */ ['Spares stock plan for GPUs, optics and PSUs', 'racks', 'marcus', 2],
  /* 86 */ ['GPU burn-in automation with per-node health scoring', 'racks', 'tom', 8, 'regroom'],
  /* 87 */ ['Tenant isolation with InfiniBand partition keys (PKeys)', 'fabric', 'wei', 5],
  /* 88 */ ['Spike: checkpoint storage tier — parallel filesystem sizing', 'stack', 'tom', null, '#spike'],
  /* 89 */ ['Kubernetes inference cluster on shared GPU nodes', 'stack', 'tom', 13],
  /* 90 */ ['Schema compatibility checks in CI', 'ingest', 'diego', 2],
  /* 91 */ ['Dead-letter queue and replay tooling for telemetry', 'ingest', 'diego', 3],
  /* 92 */ ['Online feature latency benchmark (p99 < 20 ms)', 'features', 'diego', 3],
  /* 93 */ ['Spike: temporal CNN for vibration anomalies', 'model', 'priya', null, '#spike'],
  /* 94 */ ['Drift-triggered retraining pipeline', 'mlops', 'arjun', 8],
  /* 95 */ ['SHAP explanations in alerts for maintenance technicians', 'model', 'arjun', 5],
  /* 96 */ ['SOC 2 Type II continuous control monitoring', 'soc2', 'anna', 8, 'due=63'],
  /* 97 */ ['Disaster recovery plan for cluster control-plane services', 'soc2', 'tom', 5],
  /* 98 */ ['Secrets management with Vault for cluster services', 'access', 'anna', 5, 'regroom'],
  /* 99 */ ['Cost allocation and chargeback per tenant', null, 'eleanor', 3, '#finance'],
  /* 100 */ ['PUE and carbon reporting dashboard', 'hall', 'diego', 3]
];

/** Links from cards to RAID items and milestones. */
export const CARD_LINKS: Record<string, string[]> = {
  'HEL-7': ['A-1'],
  'HEL-24': ['A-3'],
  'HEL-29': ['R-7'],
  'HEL-31': ['R-2', 'ms-ib-fabric'],
  'HEL-41': ['I-3'],
  'HEL-43': ['I-1'],
  'HEL-44': ['ms-ib-fabric'],
  'HEL-48': ['R-4', 'ms-fac-cooling'],
  'HEL-49': ['I-2', 'ms-feature-store'],
  'HEL-52': ['ms-baseline-model'],
  'HEL-59': ['D-2', 'ms-cluster-accept'],
  'HEL-65': ['D-1', 'ms-fac-power'],
  'HEL-72': ['R-5'],
  'HEL-73': ['I-1', 'R-2'],
  'HEL-74': ['ms-cluster-accept'],
  'HEL-76': ['ms-shadow'],
  'HEL-78': ['D-1', 'ms-fac-power'],
  'HEL-81': ['ms-pentest'],
  'HEL-84': ['ms-expansion']
};

/** [id, name, kind, workstream, start, end, baselineStart, baselineEnd, stage, owner]; days from the anchor. */
export type MilestoneRow = [string, string, MilestoneKind, string | null, number, number, number | null, number | null, Stage, MemberKey];

export const MILESTONES: MilestoneRow[] = [
  ['ms-kickoff', 'Programme kickoff', 'milestone', null, -77, -77, -77, -77, 'discovery', 'eleanor'],
  ['ms-fac-design', 'Hall B power & cooling design', 'phase', 'ws-facility', -77, -53, -77, -53, 'design', 'marcus'],
  ['ms-soc2-gap', 'SOC 2 gap assessment', 'phase', 'ws-security', -74, -46, -74, -53, 'discovery', 'anna'],
  ['ms-racks-phase', 'GPU rack installation (64 racks)', 'phase', 'ws-cluster', -63, 11, -63, -3, 'build', 'tom'],
  ['ms-ingest-mvp', 'Telemetry ingestion MVP', 'release', 'ws-data', -39, -39, -39, -39, 'release', 'diego'],
  ['ms-ib-fabric', 'InfiniBand fabric build & burn-in', 'phase', 'ws-cluster', -35, 18, -35, 4, 'test', 'wei'],
  ['ms-feature-store', 'Feature store v1', 'release', 'ws-data', -11, -11, -18, -18, 'release', 'diego'],
  ['ms-fac-cooling', 'Rear-door heat exchangers commissioned (rows A–C)', 'milestone', 'ws-facility', -10, -10, -17, -17, 'test', 'marcus'],
  ['ms-data-prod', 'Data platform production hardening', 'phase', 'ws-data', -7, 32, -7, 32, 'build', 'diego'],
  ['ms-baseline-model', 'Anomaly-detection baseline accepted', 'milestone', 'ws-ml', -4, -4, -4, -4, 'test', 'priya'],
  ['ms-fac-power', 'Utility feed 2 energised', 'milestone', 'ws-facility', 9, 9, -12, -12, 'build', 'marcus'],
  ['ms-shadow', 'Predictive maintenance in shadow mode', 'phase', 'ws-ml', 14, 53, 7, 46, 'test', 'priya'],
  ['ms-pentest', 'External penetration test', 'milestone', 'ws-security', 22, 22, 22, 22, 'test', 'anna'],
  ['ms-cluster-accept', 'Cluster acceptance (512 GPUs)', 'milestone', 'ws-cluster', 25, 25, 11, 11, 'test', 'tom'],
  ['ms-cluster-ga', 'Cluster GA — first tenants onboarded', 'release', 'ws-cluster', 39, 39, 25, 25, 'release', 'tom'],
  ['ms-soc2-type1', 'SOC 2 Type I report issued', 'milestone', 'ws-security', 60, 60, 60, 60, 'release', 'anna'],
  ['ms-soc2-type2', 'SOC 2 Type II observation window', 'phase', 'ws-security', 63, 193, 63, 193, 'operate', 'anna'],
  ['ms-pm-release', 'Predictive maintenance v1 release', 'release', 'ws-ml', 74, 74, 60, 60, 'release', 'priya'],
  ['ms-ml-operate', 'Model operations & retraining cadence', 'phase', 'ws-ml', 77, 193, null, null, 'operate', 'arjun'],
  ['ms-expansion', 'Phase 2 expansion: +1,024 liquid-cooled GPUs', 'phase', 'ws-cluster', 91, 193, null, null, 'design', 'marcus']
];

/** Finish-to-start: [from (predecessor), to (successor), lag days]. Acyclic: every edge goes forward in time. */
export const DEPENDENCIES: [string, string, number][] = [
  ['ms-kickoff', 'ms-fac-design', 0],
  ['ms-fac-design', 'ms-fac-cooling', 14],
  ['ms-fac-design', 'ms-fac-power', 30],
  ['ms-racks-phase', 'ms-cluster-accept', 5],
  ['ms-ib-fabric', 'ms-cluster-accept', 3],
  ['ms-fac-power', 'ms-cluster-accept', 10],
  ['ms-cluster-accept', 'ms-cluster-ga', 10],
  ['ms-pentest', 'ms-cluster-ga', 7],
  ['ms-ingest-mvp', 'ms-feature-store', 14],
  ['ms-feature-store', 'ms-baseline-model', 5],
  ['ms-baseline-model', 'ms-shadow', 5],
  ['ms-shadow', 'ms-pm-release', 7],
  ['ms-cluster-accept', 'ms-pm-release', 14],
  ['ms-data-prod', 'ms-pm-release', 0],
  ['ms-pm-release', 'ms-ml-operate', 0],
  ['ms-soc2-gap', 'ms-pentest', 30],
  ['ms-pentest', 'ms-soc2-type1', 14],
  ['ms-soc2-type1', 'ms-soc2-type2', 0],
  ['ms-cluster-ga', 'ms-expansion', 30]
];

export type RaidRow = {
  id: string;
  kind: RaidKind;
  title: string;
  owner: MemberKey;
  status: RaidStatus;
  /** Days from the anchor. */
  raised: number;
  review: number | null;
  due?: number;
  l: number;
  i: number;
  residual?: [number, number];
  links: string[];
};

export const RAID: RaidRow[] = [
  { id: 'R-1', kind: 'risk', title: 'GPU server deliveries slip (OEM allocation constrained)', owner: 'tom', status: 'mitigating', raised: -70, review: 8, l: 4, i: 5, residual: [3, 4], links: ['ms-racks-phase', 'ms-cluster-accept'] },
  { id: 'R-2', kind: 'risk', title: 'InfiniBand optics failure rate above 1% during burn-in', owner: 'wei', status: 'mitigating', raised: -30, review: 9, l: 4, i: 4, residual: [2, 3], links: ['ms-ib-fabric', 'HEL-31', 'HEL-73'] },
  { id: 'R-3', kind: 'risk', title: 'Grid operator delays energisation of utility feed 2', owner: 'marcus', status: 'open', raised: -60, review: -12, due: 9, l: 3, i: 5, residual: [3, 3], links: ['ms-fac-power'] },
  { id: 'R-4', kind: 'risk', title: 'Rear-door heat exchangers cannot hold 40 kW/rack sustained', owner: 'marcus', status: 'monitoring', raised: -50, review: 11, l: 2, i: 5, residual: [1, 4], links: ['ms-fac-cooling', 'HEL-48'] },
  { id: 'R-5', kind: 'risk', title: 'False positives from the model erode technician trust', owner: 'priya', status: 'monitoring', raised: -25, review: 7, l: 3, i: 3, residual: [2, 2], links: ['ms-shadow', 'HEL-72'] },
  { id: 'R-6', kind: 'risk', title: 'Key-person dependency on a single InfiniBand engineer', owner: 'eleanor', status: 'open', raised: -40, review: -19, l: 3, i: 4, links: ['ms-ib-fabric'] },
  { id: 'R-7', kind: 'risk', title: 'PDU firmware incompatible with DCIM polling', owner: 'marcus', status: 'closed', raised: -70, review: null, l: 3, i: 3, residual: [1, 1], links: ['HEL-29'] },
  { id: 'A-1', kind: 'assumption', title: 'Sensor gateways publish at most 1 Hz per channel', owner: 'diego', status: 'monitoring', raised: -66, review: 14, l: 2, i: 3, links: ['HEL-7', 'ms-ingest-mvp'] },
  { id: 'A-2', kind: 'assumption', title: 'Corporate SOC 2 controls extend to the new site', owner: 'anna', status: 'open', raised: -74, review: 7, l: 3, i: 4, links: ['ms-soc2-type1'] },
  { id: 'A-3', kind: 'assumption', title: '18 months of labelled failures are enough for a baseline model', owner: 'arjun', status: 'closed', raised: -60, review: null, l: 3, i: 3, residual: [1, 3], links: ['ms-baseline-model', 'HEL-24'] },
  { id: 'I-1', kind: 'issue', title: 'Link flaps on spine ports 17–22 during burn-in', owner: 'wei', status: 'mitigating', raised: -20, review: 7, due: 11, l: 5, i: 4, links: ['HEL-43', 'HEL-73', 'ms-ib-fabric'] },
  { id: 'I-2', kind: 'issue', title: 'Kafka consumer lag spikes during the feature-store backfill', owner: 'diego', status: 'closed', raised: -17, review: null, l: 4, i: 2, residual: [1, 2], links: ['HEL-49', 'HEL-58'] },
  { id: 'I-3', kind: 'issue', title: 'Badge access not revoked by the HR leaver process', owner: 'anna', status: 'mitigating', raised: -38, review: 8, due: 18, l: 4, i: 3, residual: [2, 3], links: ['HEL-41'] },
  { id: 'D-1', kind: 'dependency', title: 'Grid operator energisation window for feed 2', owner: 'marcus', status: 'open', raised: -63, review: 8, due: 9, l: 3, i: 5, links: ['ms-fac-power', 'HEL-65', 'HEL-78'] },
  { id: 'D-2', kind: 'dependency', title: 'OEM firmware release with the NCCL hang fix', owner: 'tom', status: 'monitoring', raised: -15, review: 10, l: 3, i: 3, links: ['HEL-59', 'ms-cluster-accept'] },
  { id: 'D-3', kind: 'dependency', title: 'Corporate IAM to provision SSO groups for cluster tenants', owner: 'anna', status: 'open', raised: -10, review: 10, due: 32, l: 2, i: 3, links: ['ms-cluster-ga', 'HEL-75'] },
  { id: 'D-4', kind: 'dependency', title: 'Facilities ops technicians log findings during shadow mode', owner: 'priya', status: 'open', raised: -5, review: 14, l: 2, i: 3, links: ['ms-shadow', 'HEL-77'] }
];

export type DecisionRow = { id: string; title: string; date: number; owner: MemberKey; status: DecisionStatus; rationale: string; options: string[]; links: string[] };

export const DECISIONS: DecisionRow[] = [
  { id: 'DEC-1', title: 'Rail-optimised fat-tree for the InfiniBand fabric', date: -70, owner: 'wei', status: 'decided', rationale: 'All-reduce traffic stays on one rail per GPU index; non-blocking at 512 GPUs with room for phase 2 without recabling the leaves.', options: ['Rail-optimised fat-tree (non-blocking)', '2:1 oversubscribed fat-tree', 'Dragonfly+'], links: ['ms-ib-fabric'] },
  { id: 'DEC-2', title: 'Managed Kafka for sensor telemetry', date: -66, owner: 'diego', status: 'decided', rationale: 'Replay and compacted topics for asset state; the team already runs Kafka; Kinesis shard limits would need re-partitioning at 100k msg/s.', options: ['Managed Kafka', 'Kinesis Data Streams', 'MQTT broker straight to object storage'], links: ['ms-ingest-mvp', 'A-1'] },
  { id: 'DEC-3', title: 'Slurm for training, Kubernetes for inference', date: -56, owner: 'tom', status: 'decided', rationale: 'Gang scheduling and topology-aware placement are mature in Slurm; inference services need Kubernetes autoscaling. Shared node images keep drivers aligned.', options: ['Slurm only', 'Kubernetes only (Volcano/Kueue)', 'Slurm for training, Kubernetes for inference'], links: ['ms-cluster-ga'] },
  { id: 'DEC-4', title: 'Feast with a Parquet offline store', date: -45, owner: 'diego', status: 'superseded', rationale: 'Cheapest to run; superseded when point-in-time joins over 18 months of telemetry proved too slow (see DEC-6).', options: ['Feast + Parquet', 'Feast + Delta Lake', 'Build our own'], links: ['ms-feature-store'] },
  { id: 'DEC-5', title: 'Gradient-boosted trees before deep sequence models', date: -32, owner: 'priya', status: 'decided', rationale: 'Tabular window features are explainable to technicians and train in minutes; a temporal CNN stays a spike until labels improve.', options: ['Gradient-boosted trees', 'Isolation forest only', 'Temporal CNN / LSTM'], links: ['ms-baseline-model', 'A-3'] },
  { id: 'DEC-6', title: 'Feast with a Delta Lake offline store', date: -24, owner: 'diego', status: 'decided', rationale: 'Z-ordered Delta tables cut the backfill point-in-time join from 9 h to 40 min; time travel gives reproducible training sets.', options: ['Feast + Delta Lake', 'Feast + Parquet (status quo)', 'Managed feature store'], links: ['ms-feature-store', 'I-2'] },
  { id: 'DEC-7', title: 'Rebaseline cluster acceptance by two weeks', date: -4, owner: 'eleanor', status: 'decided', rationale: 'Optics RMA and spine link flaps leave no margin; GA keeps its slack by onboarding pilot tenants during acceptance.', options: ['Rebaseline acceptance +2 weeks', 'Accept at 384 GPUs and add pods later', 'Hold date, add weekend shifts'], links: ['ms-cluster-accept', 'I-1', 'R-2'] },
  { id: 'DEC-8', title: 'Direct liquid cooling for phase 2 racks', date: -3, owner: 'marcus', status: 'proposed', rationale: 'Next-generation GPUs exceed 60 kW/rack, beyond rear-door heat exchangers; needs a CDU loop and floor loading survey.', options: ['Direct liquid cooling (CDU per row)', 'Rear-door heat exchangers at lower density', 'Immersion cooling'], links: ['ms-expansion', 'R-4'] }
];
