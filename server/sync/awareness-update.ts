/**
 * Strict reading of an awareness update before it is applied: the client ids it speaks for, and
 * whether every state is valid JSON. y-protocols would throw from JSON.parse mid-apply; reading
 * first means a bad update changes nothing.
 */
import * as decoding from 'lib0/decoding';
import { ProtocolError } from '../../shared/protocol.ts';

export function awarenessClients(update: Uint8Array): number[] {
  const ids: number[] = [];
  try {
    const decoder = decoding.createDecoder(update);
    const n = decoding.readVarUint(decoder);
    for (let i = 0; i < n; i++) {
      ids.push(decoding.readVarUint(decoder));
      decoding.readVarUint(decoder); // clock
      JSON.parse(decoding.readVarString(decoder));
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
  } catch (err) {
    throw new ProtocolError('malformedFrame', `awareness: ${(err as Error).message}`);
  }
  return ids;
}
