/**
 * Why the server ended (or refused) a connection, in the person's words, what they can do about
 * it, and whether the client tries again by itself. One table, keyed by the protocol's own close
 * names (`CLOSE` in shared/protocol.ts), so a code added there does not compile until it is
 * explained here; plus the few refusals a browser only learns over HTTP (a refused upgrade looks
 * like a network failure to a browser socket, so /api/session is asked why).
 *
 * The retry rules:
 * 1. Only what a wait can fix is retried by itself, with exponential backoff and jitter (a server
 *    restarting or unloading a room, a connection cap, a rate limit, the network).
 * 2. Nothing is retried by discarding the person's unsent changes: a refusal caused by what this
 *    browser sent (a write the role may not make, an update the server cannot apply) stops, and
 *    the changes stay on this device, said so on screen.
 * 3. What only a person can fix (revoked, signed out, expired, wrong room) never retries: the
 *    notice says what to do (ask for a new invitation, open the link again, reload).
 *
 * Plain TypeScript: unit-tested without a browser (test/unit/refusals.test.ts).
 */
import { CLOSE, type CloseName } from '../../../../shared/protocol.ts';

/** What the notice offers besides the words. */
export type Remedy =
  /** Nothing to do: it reconnects by itself ("Try now" skips the wait). */
  | 'wait'
  /** Reload the page (a fresh client, a fresh Yjs client id; local changes are kept in IndexedDB). */
  | 'reload'
  /** Only a new invitation from the plan's admin helps. */
  | 'newInvitation'
  /** Open the invitation link again (a session that ended, not one that was taken away). */
  | 'rejoin'
  /** Close another tab or window of this plan. */
  | 'closeTab'
  /** Ask the plan's admin (a limit of the plan or of the person's role). */
  | 'askAdmin';

export type RetryPolicy = { kind: 'backoff'; firstMs: number; maxMs: number } | { kind: 'never' };

export type Explanation = {
  /** One sentence, plain language, for the person. */
  message: string;
  /** What they can do, one sentence. */
  action: string;
  remedy: Remedy;
  retry: RetryPolicy;
};

/** Refusals learned over HTTP (the browser cannot read a refused upgrade's status). */
export type HttpRefusal = 'unknownRoom' | 'badToken' | 'tooManyFromAddress' | 'unavailable' | 'network';

export type RefusalKey = CloseName | HttpRefusal;

/** A refusal as the connection holds it: which one, its explanation, the server's own words. */
export type Refusal = Explanation & { key: RefusalKey; code: number | null; detail: string };

const soon = (firstMs: number, maxMs: number): RetryPolicy => ({ kind: 'backoff', firstMs, maxMs });
const NEVER: RetryPolicy = { kind: 'never' };
const KEPT = 'Your unsaved changes stay on this device.';

export const CLOSE_EXPLAINED: Record<CloseName, Explanation> = {
  goingAway: { message: 'The server is restarting.', action: 'Plenary reconnects by itself in a moment.', remedy: 'wait', retry: soon(1_000, 15_000) },
  malformedFrame: { message: 'The server could not read something this page sent.', action: `Reload the page. ${KEPT}`, remedy: 'reload', retry: NEVER },
  tokenExpired: { message: 'Your access to this plan has expired.', action: 'Open your invitation link again, or ask the plan’s admin for a new one.', remedy: 'rejoin', retry: NEVER },
  forbidden: { message: 'This link does not open this plan.', action: 'Ask the plan’s admin for an invitation to it.', remedy: 'newInvitation', retry: NEVER },
  unknownMessageType: { message: 'This page is older or newer than the server.', action: `Reload the page to get the current version. ${KEPT}`, remedy: 'reload', retry: NEVER },
  forbiddenWrite: { message: 'Your role does not let you change that part of the plan, so the change was not saved.', action: `${KEPT} Ask the plan’s admin if you need that access.`, remedy: 'askAdmin', retry: NEVER },
  frameTooLarge: { message: 'A change was too large to send.', action: `${KEPT} Reload the page; if it happens again, ask the plan’s admin.`, remedy: 'reload', retry: NEVER },
  awarenessTooLarge: { message: 'Your presence information (name, cursor) was too large.', action: 'Reload the page.', remedy: 'reload', retry: NEVER },
  documentTooLarge: { message: 'This plan has reached its size limit, so the change was not saved.', action: `${KEPT} Ask the plan’s admin to archive or split the plan.`, remedy: 'askAdmin', retry: NEVER },
  invalidUpdate: { message: 'The server could not apply a change from this page.', action: `${KEPT} Reload the page; if it happens again, ask the plan’s admin.`, remedy: 'reload', retry: NEVER },
  messageRate: { message: 'This page sent changes faster than the server accepts.', action: 'Plenary reconnects by itself after a short pause.', remedy: 'wait', retry: soon(2_000, 30_000) },
  byteRate: { message: 'This page sent more data per second than the server accepts.', action: 'Plenary reconnects by itself after a short pause.', remedy: 'wait', retry: soon(2_000, 30_000) },
  awarenessRate: { message: 'Your cursor and presence updates came too fast.', action: 'Plenary reconnects by itself after a short pause.', remedy: 'wait', retry: soon(2_000, 30_000) },
  impersonation: { message: 'This page sent presence for someone else.', action: 'Reload the page.', remedy: 'reload', retry: NEVER },
  clientIdTaken: { message: 'This page’s editing identity belongs to another person on this plan.', action: `Reload the page to get a fresh one. ${KEPT}`, remedy: 'reload', retry: NEVER },
  revoked: { message: 'Your access to this plan was revoked by an admin.', action: 'If this is a mistake, ask the plan’s admin for a new invitation.', remedy: 'newInvitation', retry: NEVER },
  signedOut: { message: 'You signed out of this plan in this browser.', action: 'Open your invitation link again to come back.', remedy: 'rejoin', retry: NEVER },
  presenceInvalid: { message: 'Your presence information was malformed.', action: 'Reload the page.', remedy: 'reload', retry: NEVER },
  privateInvalid: { message: 'A vote or private card from this page was malformed.', action: 'Reload the page.', remedy: 'reload', retry: NEVER },
  tooManyConnections: { message: 'Too many open tabs for you on this server.', action: 'Close one; Plenary tries again by itself.', remedy: 'closeTab', retry: soon(5_000, 60_000) },
  privateRate: { message: 'Votes or private cards were sent too quickly.', action: 'Plenary reconnects by itself after a short pause.', remedy: 'wait', retry: soon(2_000, 30_000) },
  internal: { message: 'The server had a problem with this plan and reopened it.', action: 'Plenary reconnects by itself.', remedy: 'wait', retry: soon(500, 15_000) },
  loadFailed: { message: 'The server could not load this plan just now.', action: 'Plenary tries again by itself.', remedy: 'wait', retry: soon(2_000, 30_000) },
  slowConsumer: { message: 'The connection was too slow to keep up with this plan.', action: 'Plenary reconnects by itself.', remedy: 'wait', retry: soon(1_000, 30_000) }
};

export const HTTP_EXPLAINED: Record<HttpRefusal, Explanation> = {
  unknownRoom: { message: 'There is no plan at this address.', action: 'Check the link you were given.', remedy: 'askAdmin', retry: NEVER },
  badToken: { message: 'This link is not valid.', action: 'Open the invitation link you were given again, or ask the plan’s admin for a new one.', remedy: 'rejoin', retry: NEVER },
  tooManyFromAddress: { message: 'Too many connections come from your network address.', action: 'Close some tabs; Plenary tries again by itself.', remedy: 'closeTab', retry: soon(5_000, 60_000) },
  unavailable: { message: 'The server is not accepting connections right now.', action: 'Plenary tries again by itself.', remedy: 'wait', retry: soon(2_000, 30_000) },
  // Y-websocket's own loop is replaced by ours (connection.svelte.ts), so the network has a policy too.
  network: { message: 'The server cannot be reached.', action: 'Plenary reconnects by itself; your changes are kept on this device meanwhile.', remedy: 'wait', retry: soon(500, 10_000) }
};

export function explain(key: RefusalKey, detail = '', code: number | null = null): Refusal {
  const e = key in CLOSE_EXPLAINED ? CLOSE_EXPLAINED[key as CloseName] : HTTP_EXPLAINED[key as HttpRefusal];
  return { ...e, key, code, detail };
}

const BY_CODE = new Map<number, CloseName>(Object.entries(CLOSE).map(([name, c]) => [c.code, name as CloseName]));

/**
 * A socket's close, explained. Codes Plenary does not name (1006 abnormal closure, 1000, a proxy's
 * own) are the network: retried.
 */
export function explainClose(code: number, reason = ''): Refusal {
  const name = BY_CODE.get(code);
  return name ? explain(name, reason || CLOSE[name].reason, code) : explain('network', reason || `connection closed (${code})`, code);
}

/**
 * An /api/session refusal (status and the server's error name) explained, or null when it is not
 * a refusal (the session is fine, or the answer says nothing about the socket).
 */
export function explainHttp(status: number, error: string, message: string): Refusal | null {
  if (error === 'revoked') return explain('revoked', message);
  if (error === 'signedOut') return explain('signedOut', message);
  if (error === 'expired') return explain('tokenExpired', message);
  if (status === 403) return explain('forbidden', message);
  if (status === 404) return explain('unknownRoom', message);
  if (status === 401) return explain('badToken', message);
  if (status === 429) return explain('tooManyFromAddress', message);
  if (status === 503) return explain('unavailable', message);
  return null;
}

/**
 * Milliseconds before attempt `attempt` (0-based) of a policy: doubling from `firstMs` up to
 * `maxMs`, then spread ±20% so tabs refused together do not return together (`random` in [0, 1)).
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: number): number | null {
  if (policy.kind === 'never') return null;
  const base = Math.min(policy.firstMs * 2 ** Math.min(attempt, 30), policy.maxMs);
  return Math.round(base * (0.8 + 0.4 * random));
}
