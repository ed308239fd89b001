/**
 * What the connection indicator says, derived from plain facts in one pure function, so the rules
 * are in one place:
 *
 * 1. A refusal wins: the server said no for a reason waiting cannot fix (refusals.ts: revoked,
 *    expired, a write the role may not make, …; a refused upgrade is learned through
 *    /api/session). Reconnecting cannot fix it, so we stop trying.
 * 2. The browser says it is offline → offline.
 * 3. The socket is open → connected; but held when the server said its storage is not answering:
 *    edits are kept (here and in the server's memory), not saved and not shown to others yet.
 * 4. Several attempts in a row failed before the socket opened and the server did not answer an
 *    HTTP probe either → offline (server unreachable; the connection keeps retrying).
 * 5. Otherwise: connecting before the first success, reconnecting after it.
 */
import type { Refusal } from './refusals.ts';

export type ConnectionState = 'connecting' | 'connected' | 'held' | 'reconnecting' | 'offline' | 'refused';

export type ConnectionFacts = {
  browserOnline: boolean;
  socketOpen: boolean;
  everConnected: boolean;
  /** The last HTTP probe could not reach the server, and no socket opened since. */
  unreachable: boolean;
  refusal: Refusal | null;
  /** The server's last durability notice on this socket said `held` (shared/protocol.ts STORE_NOTICE). */
  storeHeld: boolean;
};

/** Failed attempts before the client asks /api/session why. */
export const PROBE_AFTER_FAILURES = 3;

export function connectionState(f: ConnectionFacts): ConnectionState {
  if (f.refusal !== null) return 'refused';
  if (!f.browserOnline) return 'offline';
  if (f.socketOpen) return f.storeHeld ? 'held' : 'connected';
  if (f.unreachable) return 'offline';
  return f.everConnected ? 'reconnecting' : 'connecting';
}

/** The words the header shows: state and pending edits together, never colour alone. */
export function describeSaving(state: ConnectionState, pending: number, synced: boolean): string {
  const edits = `${pending} ${pending === 1 ? 'edit' : 'edits'} pending`;
  switch (state) {
    case 'refused':
      return pending > 0 ? `Not connected · ${edits}` : 'Not connected';
    case 'offline':
      return pending > 0 ? `Offline · ${edits}` : 'Offline';
    case 'connecting':
      return pending > 0 ? `Connecting · ${edits}` : 'Connecting…';
    case 'reconnecting':
      return pending > 0 ? `Reconnecting · ${edits}` : 'Reconnecting…';
    case 'held':
      // The edits are safe on this device; the server cannot save them until its storage is back.
      return pending > 0 ? `Not saved yet · ${edits} · server storage unavailable` : 'Server storage unavailable';
    case 'connected':
      if (!synced) return 'Syncing…';
      return pending > 0 ? 'Saving…' : 'All changes saved';
  }
}
