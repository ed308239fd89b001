/**
 * The People panel's words (client/src/lib/people/format.ts): an invitation's state in text (never
 * colour alone), use counts, relative times, and audit entries as sentences.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry, Invitation } from '../../client/src/lib/api/access.ts';
import { ago, auditSentence, invitationStatus, uses } from '../../client/src/lib/people/format.ts';

const NOW = Date.UTC(2026, 11, 3, 12, 0);
const inv = (over: Partial<Invitation> = {}): Invitation => ({
  id: 'i1',
  role: 'editor',
  expiresAt: NOW + 86_400_000,
  maxUses: null,
  uses: 0,
  memberId: null,
  label: '',
  requireSignIn: false,
  createdBy: 'p_alan',
  createdAt: NOW - 1000,
  revokedAt: null,
  ...over
});
const entry = (action: string, detail: Record<string, unknown> = {}, subject = 'p_eddie'): AuditEntry => ({
  id: '1',
  at: NOW,
  actor: 'p_alan',
  actorName: 'Alan Admin',
  action,
  subject,
  detail
});
const names = (id: string) => ({ p_eddie: 'Eddie Editor', i1: 'Planning chat' })[id] ?? null;

describe('invitation state', () => {
  it('revoked wins over expired and used up; then expired; then used up; else active', () => {
    expect(invitationStatus(inv({ revokedAt: NOW - 1, expiresAt: NOW - 1, maxUses: 1, uses: 1 }), NOW)).toBe('revoked');
    expect(invitationStatus(inv({ expiresAt: NOW, maxUses: 1, uses: 1 }), NOW)).toBe('expired');
    expect(invitationStatus(inv({ maxUses: 2, uses: 2 }), NOW)).toBe('usedUp');
    expect(invitationStatus(inv({ maxUses: 2, uses: 1 }), NOW)).toBe('active');
  });

  it('uses say the limit, or that there is none', () => {
    expect(uses(inv({ uses: 3, maxUses: 10 }))).toBe('3 of 10');
    expect(uses(inv({ uses: 3 }))).toBe('3 (no limit)');
  });
});

describe('times', () => {
  it('reads as just now, minutes, hours, then a date; never for no time', () => {
    expect(ago(NOW - 20_000, NOW)).toBe('just now');
    expect(ago(NOW - 5 * 60_000, NOW)).toBe('5 min ago');
    expect(ago(NOW - 3 * 3_600_000, NOW)).toBe('3 hr ago');
    expect(ago(NOW - 3 * 86_400_000, NOW)).not.toMatch(/ago/);
    expect(ago(null, NOW)).toBe('never');
  });
});

describe('audit sentences', () => {
  it('say who did what to whom', () => {
    expect(auditSentence(entry('roleChanged', { from: 'editor', to: 'viewer' }), names)).toBe('Alan Admin changed Eddie Editor’s role from editor to viewer');
    expect(auditSentence(entry('revoked', { name: 'Eddie Editor' }), names)).toBe('Alan Admin revoked Eddie Editor’s access');
    expect(auditSentence(entry('invitationCreated', { role: 'editor', label: 'Planning chat' }, 'i1'), names)).toBe(
      'Alan Admin created an invitation for editors (“Planning chat”)'
    );
    expect(auditSentence(entry('invitationRevoked', {}, 'i1'), names)).toBe('Alan Admin revoked an invitation (“Planning chat”)');
    expect(auditSentence(entry('nameChanged', { from: 'Ed', to: 'Eddie Editor' }), names)).toBe('Alan Admin renamed Ed to Eddie Editor');
    expect(auditSentence({ ...entry('signedOut', { name: 'Eddie Editor' }), actorName: 'Eddie Editor', actor: 'p_eddie' }, names)).toBe('Eddie Editor signed out in one browser');
  });

  it('a join names the person who joined, and falls back to the actor', () => {
    expect(auditSentence({ ...entry('joined', { role: 'editor' }), actorName: 'Eddie Editor', actor: 'p_eddie' }, names)).toBe('Eddie Editor joined as editor');
    expect(auditSentence({ ...entry('joined', {}, 'p_unknown'), actorName: 'Newcomer' }, names)).toBe('Newcomer joined');
  });

  it('a sign-in join names the identity provider, and so does a returning sign-in', () => {
    expect(auditSentence({ ...entry('joined', { name: 'Ada Lovelace', role: 'editor', signedInWith: 'Acme ID' }), actorName: 'Ada Lovelace' }, names)).toBe('Ada Lovelace joined as editor, signed in with Acme ID');
    expect(auditSentence({ ...entry('signedIn', { name: 'Ada Lovelace', signedInWith: 'Acme ID' }), actorName: 'Ada Lovelace' }, names)).toBe('Ada Lovelace signed in again with Acme ID');
    expect(auditSentence(entry('invitationCreated', { role: 'viewer', requireSignIn: true }, 'i1'), names)).toBe('Alan Admin created an invitation for viewers, sign-in required');
  });

  it('an unknown action still reads, with the server as actor', () => {
    expect(auditSentence({ ...entry('somethingNew'), actor: 'server', actorName: '' }, names)).toBe('The server: somethingNew');
  });
});
