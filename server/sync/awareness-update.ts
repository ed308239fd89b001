/**
 * Strict reading of an awareness update before it is applied: the client ids and clocks it
 * carries, and whether every state is valid JSON. y-protocols would throw from JSON.parse mid-apply; reading
 * first means a bad update changes nothing.
 */
import * as decoding from 'lib0/decoding';
import { ProtocolError } from '../../shared/protocol.ts';

export type AwarenessEntry = { client: number; clock: number };

export function awarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const entries: AwarenessEntry[] = [];
  try {
    const decoder = decoding.createDecoder(update);
    const n = decoding.readVarUint(decoder);
    for (let i = 0; i < n; i++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      JSON.parse(decoding.readVarString(decoder));
      entries.push({ client, clock });
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
  } catch (err) {
    throw new ProtocolError('malformedFrame', `awareness: ${(err as Error).message}`);
  }
  return entries;
}
