/** The connection indicator's rules (client/src/lib/sync/status.ts), including the store being away. */
import { describe, expect, it } from 'vitest';
import { connectionState, describeSaving, type ConnectionFacts } from '../../client/src/lib/sync/status.ts';

const facts = (over: Partial<ConnectionFacts> = {}): ConnectionFacts => ({
  browserOnline: true, socketOpen: true, everConnected: true, unreachable: false, refusal: null, storeHeld: false, ...over
});

describe('connection status', () => {
  it('[3] an open socket is connected, or held while the server says its storage is not answering', () => {
    expect(connectionState(facts())).toBe('connected');
    expect(connectionState(facts({ storeHeld: true }))).toBe('held');
  });

  it('held says the edits are not saved yet, and how many, in words', () => {
    expect(describeSaving('held', 3, true)).toBe('Not saved yet · 3 edits pending · server storage unavailable');
    expect(describeSaving('held', 0, true)).toBe('Server storage unavailable');
    expect(describeSaving('connected', 0, true)).toBe('All changes saved');
  });

  it('[2] offline wins over a held notice, and a closed socket is not held', () => {
    expect(connectionState(facts({ storeHeld: true, browserOnline: false }))).toBe('offline');
    expect(connectionState(facts({ storeHeld: true, socketOpen: false }))).toBe('reconnecting');
  });
});
