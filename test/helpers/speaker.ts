/**
 * A stock client (the app's own provider, ack=1) that speaks to a server extension over private
 * messages and keeps every reply it got, so a test can ask and wait for the answer.
 */
import type * as decoding from 'lib0/decoding';
import { encodePrivate, MESSAGE_ACK, MESSAGE_PRIVATE, readPrivateBody } from '../../shared/protocol.ts';
import { connectClient, waitFor, type TestClient } from './clients.ts';

export type Reply = Record<string, unknown> & { type?: string; req?: string; error?: string };
export type Speaker = TestClient & { name: string; inbox: Reply[] };

export function connectSpeaker(wsUrl: string, room: string, token: string, name: string, extension: string): Speaker {
  const c = connectClient(wsUrl, room, token, { ack: true });
  const inbox: Reply[] = [];
  c.provider.messageHandlers[MESSAGE_ACK] = () => {};
  c.provider.messageHandlers[MESSAGE_PRIVATE] = (_e: unknown, d: decoding.Decoder) => {
    const body = readPrivateBody(d);
    if (body?.extension === extension) inbox.push(body.payload as Reply);
  };
  return Object.assign(c, { name, inbox });
}

let reqs = 0;

/**
 * Sends a request and waits for its reply: the reply echoing `req` (poker), else the first new
 * message matching `expect` ('state', 'error'…; retro replies carry no req).
 */
export async function ask(who: Speaker, extension: string, request: Record<string, unknown>, expect?: string, timeoutMs = 10_000): Promise<Reply> {
  const req = `q${++reqs}`;
  const before = who.inbox.length;
  who.provider.ws!.send(encodePrivate(extension, { ...request, req }) as Uint8Array<ArrayBuffer>);
  return waitFor(
    () =>
      who.inbox
        .slice(before)
        .find((m) => (expect === undefined ? m.req === req || 'error' in m : expect === 'error' ? 'error' in m : m.type === expect || m.req === req)),
    `${who.name}: reply to ${JSON.stringify(request)}`,
    timeoutMs
  );
}
