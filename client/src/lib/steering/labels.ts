/** Words for the RAID enums and the 5 × 5 scales, in one place for every steering view. */
import type { DecisionStatus, RaidKind, RaidStatus } from '$shared/schema.ts';
import { formatDateTime } from '$shared/format/index.ts';

export const KINDS: RaidKind[] = ['risk', 'assumption', 'issue', 'dependency'];
export const STATUSES: RaidStatus[] = ['open', 'monitoring', 'mitigating', 'closed'];
export const DECISION_STATUSES: DecisionStatus[] = ['proposed', 'decided', 'superseded'];

export const KIND_LABEL: Record<RaidKind, string> = { risk: 'Risk', assumption: 'Assumption', issue: 'Issue', dependency: 'Dependency' };
export const STATUS_LABEL: Record<RaidStatus, string> = { open: 'Open', monitoring: 'Monitoring', mitigating: 'Mitigating', closed: 'Closed' };
export const DECISION_LABEL: Record<DecisionStatus, string> = { proposed: 'Proposed', decided: 'Decided', superseded: 'Superseded' };

/** Index = value − 1. */
export const LIKELIHOOD_WORDS = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'];
export const IMPACT_WORDS = ['Minimal', 'Minor', 'Moderate', 'Major', 'Severe'];

export function formatTime(t: number, timeZone: string): string {
  return formatDateTime(t, timeZone);
}
