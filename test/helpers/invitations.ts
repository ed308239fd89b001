/**
 * Invitations over the real HTTP API, for browser tests that need a link without clicking through
 * the People panel (the panel itself is tested in test/e2e/people.test.ts).
 */
import type { Role } from '../../shared/protocol.ts';

export type MadeInvitation = { id: string; code: string; url: string };

export async function invite(
  baseUrl: string,
  adminToken: string,
  room: string,
  body: { role: Role; expiresInDays?: number; maxUses?: number; memberId?: string; label?: string }
): Promise<MadeInvitation> {
  const res = await fetch(`${baseUrl}/api/plans/${encodeURIComponent(room)}/invitations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
  if (res.status !== 201) throw new Error(`invitation refused: ${res.status} ${await res.text()}`);
  const d = (await res.json()) as { invitation: { id: string }; code: string; url: string };
  return { id: d.invitation.id, code: d.code, url: d.url };
}

export async function revokeInvitation(baseUrl: string, adminToken: string, room: string, id: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/plans/${encodeURIComponent(room)}/invitations/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`revoke refused: ${res.status}`);
}

export async function acceptAs(baseUrl: string, code: string, name: string): Promise<{ token: string; person: { id: string } }> {
  const res = await fetch(`${baseUrl}/api/invitations/${code}/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  if (!res.ok) throw new Error(`accept refused: ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; person: { id: string } };
}

export type ListedPerson = { id: string; name: string; role: Role; online: boolean; revoked: boolean };

export async function listPeople(baseUrl: string, adminToken: string, room: string): Promise<ListedPerson[]> {
  const res = await fetch(`${baseUrl}/api/plans/${encodeURIComponent(room)}/people`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`people refused: ${res.status}`);
  return ((await res.json()) as { people: ListedPerson[] }).people;
}
