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
  /** Runs after each heartbeat round (online lists, last seen: server/sync/online.ts). */
  onBeat: () => Promise<void> = async () => {};
  /** A socket was accepted or closed (who is online here may have changed). */
  onSocketsChanged: () => void = () => {};

  constructor(
    private readonly rooms: Rooms,
    private readonly limits: Limits,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    heartbeatMs = 30_000
  ) {
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** One heartbeat round: each connection inside its own boundary. */
  beat(): void {
    for (const c of [...this.connections]) c.guard('heartbeat', () => c.heartbeat());
    // Its own boundary: a failing store write of "last seen" must not stop the liveness checks.
    this.onBeat().catch((err) => {
      this.metrics.callbackErrors.inc({ kind: 'heartbeat' });
      this.log.error({ err }, 'heartbeat hook failed');
    });
  }

  private readonly perSession = new Map<string, number>();
  private readonly perAddress = new Map<string, number>();

  /** Whether another socket from this address fits under the cap (checked before the upgrade). */
  admitsAddress(address: string): boolean {
    return (this.perAddress.get(address) ?? 0) < this.limits.maxConnectionsPerAddress;
  }

  accept(ws: WebSocket, claims: Claims, room: string, kind: string, wantsAck: boolean, address = 'unknown'): Connection {
    const count = (map: Map<string, number>, key: string, by: number) => {
      const n = (map.get(key) ?? 0) + by;
      if (n > 0) map.set(key, n);
      else map.delete(key);
    };
    count(this.perSession, claims.sub, 1);
    count(this.perAddress, address, 1);
    const conn = new Connection(ws, claims, room, wantsAck, address, this.limits, this.metrics, this.log, (c) => {
      count(this.perSession, c.claims.sub, -1);
      count(this.perAddress, c.address, -1);
      this.connections.delete(c);
      const r = c.currentRoom;
      if (r) this.rooms.released(r);
      this.onSocketsChanged();
    });
    this.connections.add(conn);
    this.onSocketsChanged();
    conn.log.debug('connected');
    // One person's tabs and devices together: past the cap the newest socket is told why.
    if ((this.perSession.get(claims.sub) ?? 0) > this.limits.maxConnectionsPerSession) {
      conn.close('tooManyConnections');
      return conn;
    }
    this.rooms.acquire(room, kind).then(
      (r) => conn.guard('join', () => conn.attach(r)),
      () => conn.close('loadFailed')
    );
    // A cold load: a newcomer is answered from the stored parts while the room is built from them.
    void this.rooms.whenStored(room).then((parts) => parts && conn.guard('join', () => conn.answerEarly(parts)));
    return conn;
  }

  async shutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.rooms.shutdown();
    for (const conn of [...this.connections]) conn.close('goingAway');
  }
}
