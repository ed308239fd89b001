/**
 * Strict reading of an awareness update before anything touches it: every state is JSON within
 * the configured bounds (depth, keys, string length: shared/bounded-json.ts), then the update is
 * written again with each state's `user` fields bound to the session, so presence always says who
 * the server knows the sender to be. y-protocols would throw from JSON.parse mid-apply, and an
 * unbounded state would later overflow the stack of the flush that re-encodes it; reading first
 * means a bad update changes nothing.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { JsonBoundsError, parseBoundedJson, type JsonBounds } from '../../shared/bounded-json.ts';
import { ProtocolError } from '../../shared/protocol.ts';

export type AwarenessEntry = { client: number; clock: number; state: unknown };

/** Who the session says the sender is; `name` null leaves the display name to the client (group links). */
export type Identity = { id: string; name: string | null };

export function awarenessEntries(update: Uint8Array, bounds: JsonBounds): AwarenessEntry[] {
  const entries: AwarenessEntry[] = [];
  const decoder = decoding.createDecoder(update);
  try {
    const n = decoding.readVarUint(decoder);
    for (let i = 0; i < n; i++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      entries.push({ client, clock, state: parseBoundedJson(decoding.readVarString(decoder), bounds) });
    }
  } catch (err) {
    if (err instanceof JsonBoundsError) throw new ProtocolError('presenceInvalid', err.message);
    throw new ProtocolError('malformedFrame', `awareness: ${(err as Error).message}`);
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('malformedFrame', 'awareness: trailing bytes');
  return entries;
}

const COLOR = /^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([0-9.,%\s]{1,40}\)|[a-z]{1,20})$/i;

/** A state with its `user` set from the session: id always, name when the session names a person. */
export function bindIdentity(state: unknown, who: Identity): unknown {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return state;
  const own = (state as { user?: unknown }).user;
  const claimed = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  const user: Record<string, unknown> = { ...claimed, id: who.id };
  if (who.name !== null) user.name = who.name;
  else if (typeof user.name !== 'string') user.name = 'Someone';
  if (typeof user.color !== 'string' || !COLOR.test(user.color)) delete user.color;
  return { ...(state as object), user };
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.client);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}
