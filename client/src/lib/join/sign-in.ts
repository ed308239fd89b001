/**
 * Signing in with the organisation's identity provider, from the browser's side: the words for
 * each named failure the server sends back (`?signIn=<code>` on the join page, `?error=<code>` on
 * /signed-in), and keeping the session a finished sign-in hands over, exactly as joining by name
 * keeps it (localStorage `plenary:person:<plan>`, through auth/personal.ts).
 */
import { takeSignIn } from '../api/access.ts';
import { storePersonalSession } from '../auth/personal.ts';
import { forgetTabToken } from '../auth/tokens.ts';

export const SIGN_IN_BUTTON = 'Sign in with your organisation';

const PROBLEMS: Record<string, string> = {
  oidcDenied: 'Signing in was cancelled, or your organisation’s sign-in page refused it. Try again, or ask your administrator.',
  oidcState: 'That sign-in could not be matched to this browser (it took too long, or was started elsewhere). Please try again.',
  oidcInvalid: 'Your organisation’s answer could not be verified. Try again; if it keeps happening, tell your administrator.',
  oidcUnavailable: 'Your organisation’s sign-in service cannot be reached right now. Try again in a moment.',
  revoked: 'Your access to this plan was revoked. Ask an admin of the plan to invite you again.',
  ssoDisabled: 'Signing in with an organisation account is not set up on this server.',
  noSignIn: 'No sign-in is waiting for this browser. Open your invitation link again.'
};

/** Words for a failure code; unknown codes still read as a failure, never as nothing. */
export function signInProblem(code: string | null): string | null {
  if (!code) return null;
  return PROBLEMS[code] ?? 'Signing in did not work. Please try again, or ask for a new invitation.';
}

/** Takes the finished sign-in from the server and keeps it; resolves with the page to open. */
export async function keepSignIn(): Promise<string> {
  const s = await takeSignIn();
  storePersonalSession(s.room, { token: s.token, person: s.person, exp: s.exp, planName: s.planName });
  // An old link token this tab holds for the plan would otherwise win over the new session.
  forgetTabToken(s.room);
  return s.next ?? `/p/${s.room}`;
}
