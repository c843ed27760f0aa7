// Baseline: the least a WebSocket relay can do. Each socket joins the room named in its URL;
// a text message goes, unparsed, to every other socket of the room.
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const server = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0), perMessageDeflate: false });

server.on('connection', (socket, request) => {
  const room = new URL(request.url ?? '/', 'http://localhost').searchParams.get('room') ?? '';
  const members = rooms.get(room) ?? new Set<WebSocket>();
  rooms.set(room, members);
  members.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const peer of members) if (peer !== socket && peer.readyState === peer.OPEN) peer.send(data, { binary: isBinary });
  });
  socket.on('close', () => members.delete(socket));
});

server.on('listening', () => {
  const address = server.address();
  if (typeof address === 'object' && address) console.log(`listening on ${address.port}`);
});
// Like Parley's shutdown: every client hears 1012 "restart, reconnect" before the process ends.
process.on('SIGTERM', () => {
  for (const socket of server.clients) socket.close(1012, 'service_restart');
  server.close(() => process.exit(0));
});
