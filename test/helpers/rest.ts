/** The REST API over real HTTP: make an API key as a plan's admin, call /api/v1 with it. */
import { api } from './access.ts';

export type Answer = { status: number; json: any; headers: Headers };

export async function rest(base: string, method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

export async function makeKey(base: string, room: string, adminToken: string, body: { name: string; access: 'read' | 'write'; retros?: boolean; service?: boolean }): Promise<{ key: { id: string; scope: string }; secret: string }> {
  const r = await api(base, 'POST', `/api/plans/${room}/api-keys`, adminToken, body);
  if (r.status !== 201) throw new Error(`make key: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}
