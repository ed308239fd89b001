/**
 * Where tokens live in the browser. A link's `?token=` is moved into sessionStorage (per tab, per
 * room) and taken out of the address bar, so copying the address never shares someone's access by
 * accident. An admin token is also remembered in localStorage so the landing page can offer
 * "New plan"; that is the one token kept beyond the tab, and only admins' tokens are.
 */
import type { Session } from '../api/plenary.ts';
import { readSession } from '../api/plenary.ts';

const tokenKey = (room: string) => `plenary:token:${room}`;
const sessionKey = (room: string) => `plenary:session:${room}`;
const ADMIN_KEY = 'plenary:admin-token';

function read(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

function write(storage: Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // Storage disabled: the token still works for this page, it just is not remembered.
  }
}

/**
 * The token for a room: a fresh one from the URL wins (and is stored), else the one this tab
 * stored before. Returns the URL without the token when it had one, for the caller to put in
 * the address bar.
 */
export function takeToken(room: string, url: URL): { token: string | null; cleanUrl: URL | null } {
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    if (fromUrl !== read(sessionStorage, tokenKey(room))) write(sessionStorage, sessionKey(room), null);
    write(sessionStorage, tokenKey(room), fromUrl);
    const clean = new URL(url);
    clean.searchParams.delete('token');
    return { token: fromUrl, cleanUrl: clean };
  }
  return { token: read(sessionStorage, tokenKey(room)), cleanUrl: null };
}

/**
 * Forgets this tab's link token for a room (and its cached session): after accepting an
 * invitation the personal session must win over an old `?token=` link opened in the same tab.
 */
export function forgetTabToken(room: string): void {
  write(sessionStorage, tokenKey(room), null);
  write(sessionStorage, sessionKey(room), null);
}

/** The last session learned for this room's token, so a reload while offline still knows the role. */
export function cachedSession(room: string): Session | null {
  const raw = read(sessionStorage, sessionKey(room));
  if (!raw) return null;
  try {
    return readSession(JSON.parse(raw));
  } catch {
    return null;
  }
}

export function cacheSession(room: string, session: Session): void {
  write(sessionStorage, sessionKey(room), JSON.stringify(session));
}

export function adminToken(): string | null {
  return read(localStorage, ADMIN_KEY);
}

export function rememberAdminToken(token: string): void {
  write(localStorage, ADMIN_KEY, token);
}

export function forgetAdminToken(): void {
  write(localStorage, ADMIN_KEY, null);
}
