// Socket.IO as most chat stacks use it: rooms, and a broadcast to the others in the room.
// WebSocket transport only (no long-polling upgrade dance), as a fair comparison.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false });

io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room ?? '');
  void socket.join(room);
  socket.on('m', (payload: string) => socket.to(room).emit('m', payload));
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  if (typeof address === 'object' && address) console.log(`listening on ${address.port}`);
});
// io.close() disconnects every client (they reconnect), then closes the HTTP server.
process.on('SIGTERM', () => void io.close(() => process.exit(0)));
