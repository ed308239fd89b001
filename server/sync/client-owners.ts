/**
 * Yjs client ids belong to people (issue 11). The first person to write with a client id owns it;
 * the claim is stored with the update that made it (NewUpdate.clients, same transaction), loaded
 * with the room, and sent to other servers with the update on the bus. An update from anyone else
 * that writes NEW structs under that id (clocks past what the room already holds) is refused with
 * CLOSE.clientIdTaken before it is applied, so nothing of it is acked, stored or fanned out, and the
 * owner's own (offline) edits at those clocks still apply later. Structs the room already holds are
 * fine from anyone: reconnecting clients resend them.
 */
import * as Y from 'yjs';
import { ProtocolError } from '../../shared/protocol.ts';

type Struct = { id: { client: number; clock: number }; length: number };

export class ClientOwners {
  private readonly owners = new Map<number, string>();
  /** Ids the update being applied will claim, attached to the entry its doc update makes. */
  private staged: { author: string; ids: number[] } | null = null;
  /** Claims not yet told to the other servers. */
  private unpublished: [number, string][] = [];

  /** Stored claims (first claim wins: a claim learnt here never replaces a known owner). */
  learn(pairs: Iterable<[number, string]>): void {
    for (const [client, owner] of pairs) if (!this.owners.has(client)) this.owners.set(client, owner);
  }

  owner(client: number): string | undefined {
    return this.owners.get(client);
  }

  /** Refuses another person's new structs under an owned id; stages the unowned ids it claims. */
  check(doc: Y.Doc, author: string, structs: readonly Struct[]): void {
    const claims = new Set<number>();
    for (const s of structs) {
      const client = s.id.client;
      if (s.id.clock + s.length <= Y.getState(doc.store, client)) continue; // already held: a resend
      const owner = this.owners.get(client);
      if (owner === undefined) claims.add(client);
      else if (owner !== author) throw new ProtocolError('clientIdTaken', `client ${client}`);
    }
    this.staged = claims.size ? { author, ids: [...claims] } : null;
  }

  /** Ids the last check staged as new claims of `author` (none: an empty list). */
  stagedFor(author: string): number[] {
    return this.staged && this.staged.author === author ? [...this.staged.ids] : [];
  }

  /** The staged claims for the entry `author`'s update just made; they take effect now. */
  take(author: string): number[] | undefined {
    const staged = this.staged;
    if (!staged || staged.author !== author) return undefined;
    this.staged = null;
    for (const id of staged.ids) {
      if (this.owners.has(id)) continue;
      this.owners.set(id, author);
      this.unpublished.push([id, author]);
    }
    return staged.ids;
  }

  /** After the update was applied (or refused): nothing stays staged. */
  unstage(): void {
    this.staged = null;
  }

  drainUnpublished(): [number, string][] {
    const out = this.unpublished;
    this.unpublished = [];
    return out;
  }
}
