/**
 * This browser's device key: a random secret kept in localStorage and sent with every retro request,
 * so the server keeps one person's drafts and dots together across tabs and reconnects even when a
 * share link gives a whole group the same user id. It is never shown to anyone and never stored in
 * a document.
 */
const KEY = 'plenary:device';

function fresh(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

let cached: string | null = null;

export function deviceKey(): string {
  if (cached) return cached;
  try {
    const stored = localStorage.getItem(KEY);
    if (stored && /^[A-Za-z0-9_-]{16,64}$/.test(stored)) return (cached = stored);
    cached = fresh();
    localStorage.setItem(KEY, cached);
  } catch {
    cached ??= fresh();
  }
  return cached;
}
