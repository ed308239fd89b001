/**
 * Joining as a plan member: the invitation page lists the members to pick from (and which are
 * taken); picking one names the person after the member; a personal invitation is bound to its
 * member whatever name is sent; a member someone already joined as cannot be picked again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../shared/doc/members.ts';
import { createEditor } from '../../shared/doc/origin.ts';
import { accept, api, invite } from '../helpers/access.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('joining as a member of the plan', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('picks, binds and refuses members as the invitation says', async () => {
    const room = await server.createPlan('Members');
    const hours = { title: '', timeZone: 'UTC', workStart: '09:00', workEnd: '17:00', defaultCapacity: 10 };
    const [maria, ken] = await server.server.rooms.withRoom(room, (doc) => [
      addMember(doc, createEditor('seed', 'server'), { name: 'Maria Lopez', ...hours }),
      addMember(doc, createEditor('seed', 'server'), { name: 'Ken Ito', ...hours })
    ]);
    const admin = server.token(`${room}/*`, 'admin', 'Admin', 86_400);
    const group = await invite(server.url, room, admin, { role: 'editor' });
    const page = await api(server.url, 'GET', `/api/invitations/${group.code}`, null);
    expect(page.json.members).toEqual(expect.arrayContaining([{ id: maria, name: 'Maria Lopez', taken: false }, { id: ken, name: 'Ken Ito', taken: false }]));
    expect(page.json.member).toBeNull();

    const picked = await api(server.url, 'POST', `/api/invitations/${group.code}/accept`, null, { memberId: maria });
    expect(picked.json.person).toMatchObject({ name: 'Maria Lopez', memberId: maria, role: 'editor' });
    expect((await api(server.url, 'GET', `/api/invitations/${group.code}`, null)).json.members).toContainEqual({ id: maria, name: 'Maria Lopez', taken: true });
    expect(await api(server.url, 'POST', `/api/invitations/${group.code}/accept`, null, { memberId: maria })).toMatchObject({ status: 409, json: { error: 'memberTaken' } });
    expect((await api(server.url, 'POST', `/api/invitations/${group.code}/accept`, null, { memberId: 'nope' })).status).toBe(400);
    expect((await api(server.url, 'POST', `/api/invitations/${group.code}/accept`, null, {})).status).toBe(400);

    const personal = await invite(server.url, room, admin, { role: 'viewer', memberId: ken });
    expect((await api(server.url, 'GET', `/api/invitations/${personal.code}`, null)).json.member).toEqual({ id: ken, name: 'Ken Ito' });
    const joined = await accept(server.url, personal.code, 'Not Ken');
    expect(joined.person).toMatchObject({ name: 'Ken Ito', memberId: ken, role: 'viewer' });
    expect((await api(server.url, 'POST', `/api/plans/${room}/invitations`, admin, { role: 'viewer', memberId: 'nobody' })).status).toBe(400);

    const people = await api(server.url, 'GET', `/api/plans/${room}/people`, admin);
    expect(people.json.people.map((p: { name: string }) => p.name)).toEqual(['Maria Lopez', 'Ken Ito']);
  });
});
