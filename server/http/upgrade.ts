/**
 * The WebSocket upgrade for `/sync/<room>?token=…`. Refusals happen here, before a socket exists,
 * as plain HTTP responses (400 bad room, 401 bad or expired token, 403 wrong room, 404 unknown
 * room), so a refused client never holds a socket and a stock client sees a failed connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { isValidRoom, PARAM_ACK, PARAM_TOKEN, SYNC_PATH } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { DocStore } from '../persistence/store.ts';
import type { SyncServer } from '../sync/sync-server.ts';
import { authenticate } from './access.ts';
import type { People } from '../auth/people.ts';
import { HttpError } from './errors.ts';

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export type UpgradeDeps = { secret: string; store: DocStore; people: People; metrics: Metrics; log: Logger; wss: WebSocketServer; sync: SyncServer; accepting: () => boolean };

export function handleUpgrade(deps: UpgradeDeps) {
  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => socket.destroy());
    try {
      if (!deps.accepting()) throw new HttpError(503, 'shuttingDown', 'server is shutting down');
      const address = req.socket.remoteAddress ?? 'unknown';
      if (!deps.sync.admitsAddress(address)) throw new HttpError(429, 'tooManyConnectionsFromAddress', 'too many open connections from this address');
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(SYNC_PATH + '/')) throw new HttpError(404, 'notFound', 'no such endpoint');
      let room: string;
      try {
        room = decodeURIComponent(url.pathname.slice(SYNC_PATH.length + 1));
      } catch {
        throw new HttpError(400, 'badRoom', 'invalid room name');
      }
      if (!isValidRoom(room)) throw new HttpError(400, 'badRoom', 'invalid room name');
      // A personal session is resolved through the registry: its live role and name, or 401 revoked.
      const claims = await authenticate(deps, url.searchParams.get(PARAM_TOKEN), room);
      const info = await deps.store.getRoom(room);
      if (!info) throw new HttpError(404, 'unknownRoom', `no room called ${room}`);
      const wantsAck = url.searchParams.get(PARAM_ACK) === '1';
      deps.wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          deps.sync.accept(ws, claims, room, info.kind, wantsAck, address);
        } catch (err) {
          deps.metrics.callbackErrors.inc({ kind: 'upgrade' });
          deps.log.error({ err }, 'accepting a socket failed');
          ws.terminate();
        }
      });
    } catch (err) {
      if (err instanceof HttpError) return refuse(socket, err.status, err.code, err.message);
      deps.log.error({ err }, 'upgrade failed');
      refuse(socket, 503, 'unavailable', 'try again later');
    }
  };
}
