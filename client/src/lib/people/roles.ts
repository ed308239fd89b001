/** What each role may do, in the words the People panel and the join page show. */
import { ROLES, type Role } from '$shared/protocol.ts';

export const ROLE_HELP: Record<Role, string> = {
  viewer: 'can see the plan, cannot change it',
  editor: 'can add and edit cards',
  facilitator: 'can also run sprints and retros',
  admin: 'can also invite people and manage access'
};

export const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** Roles at most `own`: nobody hands out more than they hold. */
export function rolesUpTo(own: Role): Role[] {
  return ROLES.slice(0, ROLES.indexOf(own) + 1);
}

export function roleLabel(role: Role): string {
  return role[0].toUpperCase() + role.slice(1);
}
