/** Accepts authenticated sockets into rooms and keeps them alive. */
import type { WebSocket } from 'ws';
import type { Limits } from '../../shared/protocol.ts';
import type { Claims } from '../auth/token.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { Connection } from './connection.ts';
import type { Rooms } from './rooms.ts';

export class SyncServer {
  readonly connections = new Set<Connection>();
  private heartbeat: NodeJS.Timeout;

  constructor(
    private readonly rooms: Rooms,
    private readonly limits: Limits,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    heartbeatMs = 30_000
  ) {
    this.heartbeat = setInterval(() => this.connections.forEach((c) => c.heartbeat()), heartbeatMs);
    this.heartbeat.unref();
  }

  accept(ws: WebSocket, claims: Claims, room: string, kind: string, wantsAck: boolean): Connection {
    const conn = new Connection(ws, claims, room, wantsAck, this.limits, this.metrics, this.log, (c) => {
      this.connections.delete(c);
      const r = c.currentRoom;
      if (r) this.rooms.released(r);
    });
    this.connections.add(conn);
    conn.log.debug('connected');
    this.rooms.acquire(room, kind).then(
      (r) => conn.attach(r),
      () => conn.close('loadFailed')
    );
    return conn;
  }

  async shutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.rooms.shutdown();
    for (const conn of [...this.connections]) conn.close('goingAway');
  }
}
