/**
 * Target 1: the frame parser. Any bytes a client sends either parse into a ClientFrame or throw a
 * ProtocolError naming a close code from the CLOSE table; nothing else may escape.
 */
import { CLOSE, parseClientFrame, ProtocolError } from '../../../shared/protocol.ts';
import { FuzzFinding } from '../finding.ts';

export function fuzz(data: Uint8Array): void {
  let frame;
  try {
    frame = parseClientFrame(data);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw new FuzzFinding('parseClientFrame threw something other than a ProtocolError', err);
    if (!(err.close in CLOSE)) throw new FuzzFinding(`ProtocolError with a close name not in CLOSE: ${String(err.close)}`);
    return;
  }
  // A parsed frame's payloads are views into the input, never past its end.
  for (const part of Object.values(frame)) {
    if (part instanceof Uint8Array && (part.buffer !== data.buffer || part.byteOffset + part.length > data.byteOffset + data.length)) {
      throw new FuzzFinding(`${frame.type}: payload is not a view into the frame`);
    }
  }
}
