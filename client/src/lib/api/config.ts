/**
 * What this server offers that changes the UI: today, whether people can sign in through their
 * organisation's identity provider (OIDC), and its name. Asked once per page load; a server that
 * cannot be reached or answers oddly offers nothing extra (the name form still works).
 */
import { requestJson } from './http.ts';

export type ServerConfig = { sso: { name: string } | null };

const OFF: ServerConfig = { sso: null };
let asked: Promise<ServerConfig> | null = null;

export function readServerConfig(data: unknown): ServerConfig {
  const sso = data && typeof data === 'object' ? (data as { sso?: unknown }).sso : null;
  const name = sso && typeof sso === 'object' ? (sso as { name?: unknown }).name : null;
  return typeof name === 'string' && name ? { sso: { name } } : OFF;
}

export function serverConfig(): Promise<ServerConfig> {
  asked ??= requestJson('GET', '/api/config', null).then(readServerConfig, () => {
    asked = null;
    return OFF;
  });
  return asked;
}

/** Where the browser goes to sign in for an invitation (a full-page navigation to the provider). */
export function signInUrl(invitationCode: string, returnTo?: string): string {
  const q = new URLSearchParams({ invitation: invitationCode, ...(returnTo ? { return: returnTo } : {}) });
  return `/auth/oidc/start?${q}`;
}
