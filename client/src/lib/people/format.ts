/** Words for the People panel: invitation states, times, audit sentences. Pure functions. */
import type { AuditEntry, Invitation } from '../api/access.ts';
import { formatDate, formatDateTime, formatRelative, dateInZone, viewerZone } from '../../../../shared/format/index.ts';

export type InvitationStatus = 'active' | 'expired' | 'usedUp' | 'revoked';

export const STATUS_TEXT: Record<InvitationStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  usedUp: 'Used up',
  revoked: 'Revoked'
};

export function invitationStatus(inv: Invitation, now: number): InvitationStatus {
  if (inv.revokedAt !== null) return 'revoked';
  if (inv.expiresAt <= now) return 'expired';
  if (inv.maxUses !== null && inv.uses >= inv.maxUses) return 'usedUp';
  return 'active';
}

export function uses(inv: Invitation): string {
  return inv.maxUses === null ? `${inv.uses} (no limit)` : `${inv.uses} of ${inv.maxUses}`;
}

/** Invitations and sessions belong to no plan clock: the viewer's zone, named. */
export function dateTime(ms: number): string {
  return formatDateTime(ms, viewerZone());
}

/** "just now", "5 min ago", "3 h ago", then the date. */
export function ago(ms: number | null, now: number): string {
  if (ms === null || ms <= 0) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 86_400) return formatRelative(ms, now, viewerZone());
  return formatDate(dateInZone(ms, viewerZone()));
}

const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * One audit entry as a sentence. `nameOf` finds a person's current name by id; the entry's own
 * detail (the name at the time) is preferred where the server recorded it.
 */
export function auditSentence(e: AuditEntry, nameOf: (id: string) => string | null): string {
  const who = e.actorName || (e.actor === 'server' ? 'The server' : 'Someone');
  const d = e.detail;
  const subject = text(d.name) ?? text(d.personName) ?? nameOf(e.subject) ?? 'someone';
  const role = text(d.role);
  switch (e.action) {
    case 'joined':
      return `${text(d.name) ?? nameOf(e.subject) ?? who} joined${role ? ` as ${role}` : ''}${text(d.via) || text(d.label) ? ` through “${text(d.via) ?? text(d.label)}”` : ''}${text(d.signedInWith) ? `, signed in with ${text(d.signedInWith)}` : ''}`;
    case 'signedIn':
      return `${text(d.name) ?? nameOf(e.subject) ?? who} signed in again${text(d.signedInWith) ? ` with ${text(d.signedInWith)}` : ''}`;
    case 'roleChanged': {
      const from = text(d.from);
      const to = text(d.to) ?? role;
      return `${who} changed ${subject}’s role${from ? ` from ${from}` : ''}${to ? ` to ${to}` : ''}`;
    }
    case 'revoked':
      return `${who} revoked ${subject}’s access`;
    case 'signedOut':
      return `${who} signed out in one browser`;
    case 'nameChanged':
      return `${who} renamed ${text(d.from) ?? 'a person'} to ${text(d.to) ?? subject}`;
    case 'invitationCreated':
      return `${who} created an invitation${role ? ` for ${role}s` : ''}${text(d.label) ? ` (“${text(d.label)}”)` : ''}${d.requireSignIn === true ? ', sign-in required' : ''}`;
    case 'invitationRevoked': {
      const label = text(d.label) ?? nameOf(e.subject);
      return `${who} revoked an invitation${label ? ` (“${label}”)` : ''}`;
    }
    default:
      return `${who}: ${e.action}`;
  }
}
