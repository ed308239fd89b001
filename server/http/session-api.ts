/**
 * Signing out of a plan in one browser: `POST /api/session/sign-out` with the personal session as
 * the bearer token. The registry ends that session at once (the token is refused from then on with
 * 401 `signedOut`), its sockets close with CLOSE.signedOut on every server, and the audit list says
 * so. The person keeps their access: their other browsers go on, and an invitation link opened
 * again lets them back in. Signing out twice is fine (200 again); operator tokens, which have no
 * session, cannot sign out (400) and simply expire.
 */
import type { Hono } from 'hono';
import type { People } from '../auth/people.ts';
import { verifyToken } from '../auth/token.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import { bearer } from './access.ts';
import { HttpError } from './errors.ts';

export type SessionApiDeps = { secret: string; store: PlenaryStore; people: People; now?: () => number };

export function mountSessionApi(app: Hono, deps: SessionApiDeps): void {
  const now = deps.now ?? Date.now;
  app.post('/api/session/sign-out', async (c) => {
    // Verified, not resolved: a session already signed out (or a revoked person) may sign out again.
    const v = verifyToken(deps.secret, bearer(c.req.header('authorization'), c.req.query('token')));
    if (!v.ok) throw new HttpError(401, v.failure, 'a valid session token is required');
    const { sid, sub } = v.claims;
    if (sid === undefined) throw new HttpError(400, 'notPersonal', 'only a personal session can sign out; this token expires by itself');
    const before = await deps.store.getSession(sid);
    if (!before || before.personId !== sub) throw new HttpError(401, 'revoked', 'no such session');
    const after = await deps.people.signOut(sid);
    if (before.revokedAt === null) {
      const name = (await deps.store.getPerson(sub))?.name ?? v.claims.name;
      await deps.store.addAudit({ plan: before.plan, at: now(), actor: sub, actorName: name, action: 'signedOut', subject: sub, detail: { name, session: sid } });
    }
    return c.json({ signedOut: true, at: after?.revokedAt ?? null });
  });
}
