/**
 * Entry of the reference server child process: @y/websocket-server's `setupWSConnection` on a `ws`
 * WebSocketServer (the same ws 8 the Plenary server uses, permessage-deflate off in both), no
 * persistence, room from the URL path: ws://host:port/<room>. This is what the package's own
 * bin/server.js does. Reports its port over IPC; exits on SIGTERM or when the parent goes away.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';
import { serveEventLoopDelay } from './event-loop.ts';

serveEventLoopDelay();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('okay');
});
wss.on('connection', (ws, req) => setupWSConnection(ws, req));
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(0, process.env.HOST || '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port, pid: process.pid });
});

const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
