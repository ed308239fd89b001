/**
 * The client's refusal table (client/src/lib/sync/refusals.ts): every close code of the protocol is
 * explained, the retry rules hold per code, and the backoff grows, caps and spreads.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE, type CloseName } from '../../shared/protocol.ts';
import { CLOSE_EXPLAINED, explainClose, explainHttp, HTTP_EXPLAINED, retryDelay } from '../../client/src/lib/sync/refusals.ts';

const names = Object.keys(CLOSE) as CloseName[];

describe('refusal table', () => {
  it('explains every CLOSE code of shared/protocol.ts, and nothing else', () => {
    expect(Object.keys(CLOSE_EXPLAINED).sort()).toEqual([...names].sort());
    for (const name of names) {
      const e = CLOSE_EXPLAINED[name];
      expect(e.message, name).toMatch(/^[A-Z].*\.$/);
      expect(e.action, name).toMatch(/^[A-Z].*\.$/);
      // Never the protocol's own words: the person gets a sentence, not a log line.
      expect(e.message.toLowerCase(), name).not.toBe(CLOSE[name].reason.toLowerCase());
    }
  });

  it('finds each code by number, with the server’s words as the detail', () => {
    for (const name of names) {
      const r = explainClose(CLOSE[name].code, CLOSE[name].reason);
      expect(r.key).toBe(name);
      expect(r.code).toBe(CLOSE[name].code);
      expect(r.detail).toBe(CLOSE[name].reason);
    }
  });

  it('treats codes Plenary does not name (1006, 1000, a proxy’s) as the network, retried', () => {
    for (const code of [1000, 1006, 1011, 4000, 4999]) {
      const r = explainClose(code);
      expect(r.key).toBe('network');
      expect(r.retry.kind).toBe('backoff');
    }
  });

  const retried: CloseName[] = ['goingAway', 'internal', 'loadFailed', 'slowConsumer', 'tooManyConnections', 'privateRate', 'messageRate', 'byteRate', 'awarenessRate'];
  it.each(retried)('%s is retried with backoff', (name) => {
    expect(CLOSE_EXPLAINED[name].retry.kind).toBe('backoff');
  });

  // Retrying these would resend the same refused change (a loop) or cannot work at all.
  const stopped: CloseName[] = ['revoked', 'signedOut', 'tokenExpired', 'forbidden', 'forbiddenWrite', 'invalidUpdate', 'clientIdTaken', 'documentTooLarge', 'frameTooLarge'];
  it.each(stopped)('%s is never retried by itself', (name) => {
    expect(CLOSE_EXPLAINED[name].retry.kind).toBe('never');
  });

  it('says the person’s unsaved changes stay when the refusal was about what they sent', () => {
    for (const name of ['forbiddenWrite', 'invalidUpdate', 'clientIdTaken', 'documentTooLarge', 'frameTooLarge'] as const) {
      expect(CLOSE_EXPLAINED[name].action, name).toContain('stay on this device');
    }
  });

  it('offers the right way back for sessions that ended', () => {
    expect(CLOSE_EXPLAINED.revoked.message).toBe('Your access to this plan was revoked by an admin.');
    expect(CLOSE_EXPLAINED.revoked.remedy).toBe('newInvitation');
    expect(CLOSE_EXPLAINED.tokenExpired.remedy).toBe('rejoin');
    expect(CLOSE_EXPLAINED.signedOut.remedy).toBe('rejoin');
    expect(CLOSE_EXPLAINED.tooManyConnections.message).toBe('Too many open tabs for you on this server.');
    expect(CLOSE_EXPLAINED.tooManyConnections.remedy).toBe('closeTab');
  });

  it('reads /api/session refusals: revoked, expired, wrong room, unknown room, bad token, 429, 503', () => {
    expect(explainHttp(401, 'revoked', 'm')?.key).toBe('revoked');
    expect(explainHttp(401, 'signedOut', 'm')?.key).toBe('signedOut');
    expect(explainHttp(401, 'expired', 'm')?.key).toBe('tokenExpired');
    expect(explainHttp(403, 'wrongRoom', 'm')?.key).toBe('forbidden');
    expect(explainHttp(404, 'unknownRoom', 'm')?.key).toBe('unknownRoom');
    expect(explainHttp(401, 'badSignature', 'm')?.key).toBe('badToken');
    const busy = explainHttp(429, 'tooManyConnectionsFromAddress', 'too many');
    expect(busy?.key).toBe('tooManyFromAddress');
    expect(busy?.retry.kind).toBe('backoff');
    expect(busy?.detail).toBe('too many');
    expect(explainHttp(503, 'shuttingDown', 'm')?.retry.kind).toBe('backoff');
    expect(explainHttp(500, 'internal', 'm')).toBeNull();
    expect(Object.keys(HTTP_EXPLAINED)).toContain('network');
  });
});

describe('retryDelay', () => {
  const policy = { kind: 'backoff', firstMs: 1_000, maxMs: 15_000 } as const;

  it('doubles from the first delay and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => retryDelay(policy, n, 0.5))).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it('spreads each delay by ±20% so refused tabs do not return together', () => {
    expect(retryDelay(policy, 1, 0)).toBe(1_600);
    expect(retryDelay(policy, 1, 0.999999)).toBe(2_400);
  });

  it('gives no delay for a policy that never retries', () => {
    expect(retryDelay({ kind: 'never' }, 0, 0.5)).toBeNull();
  });
});
