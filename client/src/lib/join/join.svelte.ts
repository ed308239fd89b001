/**
 * Joining a plan through an invitation: read it, let the person say who they are (a name, or one
 * of the plan's members), accept, and keep the personal session in this browser. If this browser
 * already is a person of the plan, accepting sends that session so the server answers with the
 * same person: opening the link again never makes a second one.
 */
import { ApiError } from '../api/http.ts';
import { serverConfig } from '../api/config.ts';
import { acceptInvitation, invitationProblem, previewInvitation, type InvitationPreview, type InvitationProblem } from '../api/access.ts';
import { personalSession, storePersonalSession, type PersonalSession } from '../auth/personal.ts';
import { forgetTabToken } from '../auth/tokens.ts';
import { cleanName, storedName } from '../presence/identity.ts';

export const PROBLEM_TEXT: Record<InvitationProblem, { title: string; help: string }> = {
  unknown: { title: 'This invitation does not exist', help: 'Check that you copied the whole link, or ask for a new one.' },
  expired: { title: 'This invitation has expired', help: 'Ask the person who invited you for a new link.' },
  usedUp: { title: 'This invitation has been used up', help: 'It could be used a limited number of times. Ask for a new link.' },
  revoked: { title: 'This invitation was revoked', help: 'An admin withdrew it. Ask for a new link if you still need access.' },
  signIn: { title: 'This invitation needs you to sign in', help: 'It asks for your organisation’s account, but sign-in is not set up on this server. Ask the person who invited you.' },
  other: { title: 'This invitation cannot be used', help: 'Ask the person who invited you for a new link.' }
};

export type JoinState =
  | { step: 'loading' }
  | { step: 'problem'; problem: InvitationProblem; detail: string }
  | { step: 'unreachable' }
  | { step: 'ready'; preview: InvitationPreview; existing: PersonalSession | null };

export class Join {
  state = $state.raw<JoinState>({ step: 'loading' });
  name = $state(storedName() ?? '');
  /** '' = a new person with the typed name; otherwise a member id ("I am …"). */
  memberId = $state('');
  /** The person chose to join as someone else than the one this browser already is. */
  asSomeoneElse = $state(false);
  busy = $state(false);
  error = $state('');
  /** The organisation's identity provider, when this server offers sign-in with it. */
  sso = $state.raw<{ name: string } | null>(null);

  constructor(readonly code: string) {}

  async load(): Promise<void> {
    this.state = { step: 'loading' };
    try {
      const [preview, config] = await Promise.all([previewInvitation(this.code), serverConfig()]);
      this.sso = config.sso;
      this.state = { step: 'ready', preview, existing: personalSession(preview.plan.room) };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.state = err.unreachable ? { step: 'unreachable' } : { step: 'problem', problem: invitationProblem(err), detail: err.message };
    }
  }

  /** Accepts; resolves with the plan to open, or null when it failed (the reason is in `error` / `state`). */
  async accept(): Promise<string | null> {
    const s = this.state;
    if (s.step !== 'ready' || this.busy) return null;
    const { preview } = s;
    const reuse = s.existing && !this.asSomeoneElse ? s.existing : null;
    const choice = preview.member
      ? { memberId: preview.member.id }
      : reuse
        ? {}
        : this.memberId
          ? { memberId: this.memberId }
          : { name: cleanName(this.name) };
    if (!preview.member && !reuse && !this.memberId && !choice.name) {
      this.error = 'Please enter your name, so the others know who you are.';
      return null;
    }
    this.busy = true;
    this.error = '';
    try {
      const accepted = await acceptInvitation(this.code, choice, reuse?.token ?? null);
      const room = accepted.room || preview.plan.room;
      storePersonalSession(room, { token: accepted.token, person: accepted.person, exp: accepted.exp, planName: preview.plan.name });
      // An old link token this tab holds for the plan would otherwise win over the new session.
      forgetTabToken(room);
      return room;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.unreachable) this.error = 'The server cannot be reached. Check your connection and try again.';
      else if (err.status === 400 || err.status === 409) this.error = err.message;
      else this.state = { step: 'problem', problem: invitationProblem(err), detail: err.message };
      return null;
    } finally {
      this.busy = false;
    }
  }
}
