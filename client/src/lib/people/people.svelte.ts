/**
 * The People panel's state: a plan's invitations, people and audit list as the server has them,
 * and the admin's actions on them. Every action re-reads the lists afterwards, so the panel shows
 * the registry's truth (uses, revocations, the audit entry the action wrote) rather than a guess.
 * While the panel is open the lists are re-read every few seconds for "online" and "last seen".
 */
import type { Role } from '$shared/protocol.ts';
import { ApiError } from '../api/http.ts';
import {
  changePerson,
  createInvitation,
  listAudit,
  listInvitations,
  listPeople,
  revokeInvitation,
  revokePerson,
  type AuditEntry,
  type CreatedInvitation,
  type Invitation,
  type NewInvitation,
  type Person
} from '../api/access.ts';

const REFRESH_MS = 5_000;

export class PeopleAdmin {
  invitations = $state.raw<Invitation[]>([]);
  people = $state.raw<Person[]>([]);
  audit = $state.raw<AuditEntry[]>([]);
  loaded = $state(false);
  /** The last failure, in words, for a role="alert". */
  error = $state('');
  /** The invitation just made: its link is shown once, here, and never again. */
  created = $state.raw<CreatedInvitation | null>(null);
  /** What just happened, for a polite live region. */
  notice = $state('');
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    readonly room: string,
    readonly token: string
  ) {}

  async refresh(): Promise<void> {
    await this.#run(async () => {
      const [invitations, people, audit] = await Promise.all([
        listInvitations(this.token, this.room),
        listPeople(this.token, this.room),
        listAudit(this.token, this.room)
      ]);
      this.invitations = invitations;
      this.people = people;
      this.audit = audit;
      this.loaded = true;
    });
  }

  /** Starts the periodic re-read; call stop() when the panel closes. */
  start(): void {
    this.stop();
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.created = null;
  }

  async create(request: NewInvitation): Promise<boolean> {
    const made = await this.#run(() => createInvitation(this.token, this.room, request));
    if (!made) return false;
    this.created = made;
    this.notice = 'Invitation created. Copy the link now: it is shown only once.';
    await this.refresh();
    return true;
  }

  async revokeInvitation(inv: Invitation): Promise<void> {
    if ((await this.#run(() => revokeInvitation(this.token, this.room, inv.id))) === null) return;
    this.notice = `Invitation ${inv.label || inv.id} revoked, and everyone who joined through it.`;
    await this.refresh();
  }

  async setRole(person: Person, role: Role): Promise<void> {
    if ((await this.#run(() => changePerson(this.token, this.room, person.id, { role }))) === null) return;
    this.notice = `${person.name} is now ${role === 'admin' || role === 'editor' ? 'an' : 'a'} ${role}.`;
    await this.refresh();
  }

  /**
   * Renames a person; the error in words when the server refuses (the field shows it beside
   * itself, so it does not go to the panel-wide `error`), or null once saved.
   */
  async rename(person: Person, name: string): Promise<string | null> {
    try {
      await changePerson(this.token, this.room, person.id, { name });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return err.message;
    }
    this.notice = `${person.name} is now called ${name}.`;
    await this.refresh();
    return null;
  }

  async revokePerson(person: Person): Promise<void> {
    if ((await this.#run(() => revokePerson(this.token, this.room, person.id))) === null) return;
    this.notice = `${person.name}’s access was revoked.`;
    await this.refresh();
  }

  /** A person's name, or an invitation's label, by id (for audit sentences). */
  nameOf(id: string): string | null {
    return this.people.find((p) => p.id === id)?.name ?? (this.invitations.find((i) => i.id === id)?.label || null);
  }

  /** Runs one request; an ApiError becomes `error` and null, anything else is a bug and throws. */
  async #run<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      const result = await fn();
      this.error = '';
      return result ?? (true as T);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.error = err.message;
      return null;
    }
  }
}
