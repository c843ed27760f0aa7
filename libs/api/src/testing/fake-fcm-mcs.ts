import { randomBytes } from 'node:crypto';
import { createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { dataMessageStanza, lastStreamIdReceived, loginResponse, MCS_TAG, parseLoginRequest, type DataMessage } from './gcm-messages.ts';
import { mcsFrame, McsFrameReader } from './mcs-framing.ts';

/**
 * The MCS side of the fake FCM: the long-lived TLS connection over which Chromium logs in with
 * its check-in credentials and receives downstream messages. Like FCM it keeps a device's
 * messages until that device acknowledges them: queued while it is not connected, sent again
 * after a reconnect unless the new login says it got them (`received_persistent_id`).
 */

interface Pending {
  persistentId: string;
  stanza: Buffer;
}

interface Connection {
  socket: TLSSocket;
  /** Server-to-client stream ids: the login response is 1, each later message one more. */
  streamOut: number;
  inFlight: Map<number, Pending>;
}

export interface McsServerOptions {
  key: string;
  cert: string;
  /** True when the decimal android id and security token are a checked-in device's. */
  authenticate(androidId: string, securityToken: string): boolean;
  /** A peer broke the protocol (the fake records it; a test expects none). */
  onViolation(reason: string): void;
}

export interface McsServer {
  port: number;
  /** Sends (or queues) a downstream message for a device; returns its persistent id. */
  deliver(androidId: bigint, message: Omit<DataMessage, 'persistentId' | 'id'>): string;
  /** Devices logged in right now, by decimal android id. */
  connectedDevices(): string[];
  close(): Promise<void>;
}

export async function startMcsServer(options: McsServerOptions): Promise<McsServer> {
  const queues = new Map<string, Pending[]>();
  const connections = new Map<string, Connection>();
  const queueOf = (androidId: string) => queues.get(androidId) ?? (queues.set(androidId, []), queues.get(androidId)!);
  let counter = 0;

  const write = (connection: Connection, tag: number, body: Buffer, pending?: Pending) => {
    connection.streamOut += 1;
    if (pending) connection.inFlight.set(connection.streamOut, pending);
    connection.socket.write(mcsFrame(tag, body));
  };

  const login = (socket: TLSSocket, body: Buffer): Connection | undefined => {
    const request = parseLoginRequest(body);
    const nowMs = Date.now();
    if (request.domain !== 'mcs.android.com' || request.user !== request.resource || !options.authenticate(request.user, request.authToken)) {
      options.onViolation(`MCS login refused for ${request.user || '(no user)'}@${request.domain || '(no domain)'}`);
      socket.end(mcsFrame(MCS_TAG.loginResponse, loginResponse('login-refused', nowMs, 401), true));
      return undefined;
    }
    // One connection per device, as Chromium keeps: a new login replaces the old one, and what
    // the old one had not acknowledged is sent again (unless this login says it arrived).
    const previous = connections.get(request.user);
    if (previous) {
      queues.set(request.user, [...previous.inFlight.values(), ...queueOf(request.user)]);
      previous.inFlight.clear();
      previous.socket.destroy();
    }
    const connection: Connection = { socket, streamOut: 1, inFlight: new Map() };
    connections.set(request.user, connection);
    socket.write(mcsFrame(MCS_TAG.loginResponse, loginResponse(`login-${++counter}`, nowMs), true));
    const received = new Set(request.receivedPersistentIds);
    const queue = queueOf(request.user).filter((pending) => !received.has(pending.persistentId));
    queues.set(request.user, []);
    for (const pending of queue) write(connection, MCS_TAG.dataMessageStanza, pending.stanza, pending);
    return connection;
  };

  const server = createServer({ key: options.key, cert: options.cert }, (socket) => {
    const reader = new McsFrameReader();
    let connection: Connection | undefined;
    let androidId: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) {
          if (connection === undefined) {
            if (frame.tag !== MCS_TAG.loginRequest) throw new Error(`MCS frame of tag ${frame.tag} before the login`);
            connection = login(socket, frame.body);
            androidId = connection ? parseLoginRequest(frame.body).user : undefined;
            if (!connection) return;
            continue;
          }
          // Every client message may acknowledge what we sent up to a stream id.
          const acked = lastStreamIdReceived(frame.tag, frame.body);
          if (acked !== undefined) for (const streamId of connection.inFlight.keys()) if (streamId <= acked) connection.inFlight.delete(streamId);
          if (frame.tag === MCS_TAG.heartbeatPing) write(connection, MCS_TAG.heartbeatAck, Buffer.alloc(0));
        }
      } catch (error) {
        options.onViolation(`MCS stream: ${String(error)}`);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (connection === undefined || androidId === undefined) return;
      // Unacknowledged messages go back to the front of the queue, in order.
      queues.set(androidId, [...connection.inFlight.values(), ...queueOf(androidId)]);
      if (connections.get(androidId) === connection) connections.delete(androidId);
    });
  });
  // A client that gives up during the handshake (Chromium retries) is not a protocol violation.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    deliver(androidIdNumber, message) {
      const androidId = String(androidIdNumber);
      const persistentId = `0:${Date.now()}%${randomBytes(8).toString('hex')}`;
      const pending = { persistentId, stanza: dataMessageStanza({ ...message, id: persistentId, persistentId }) };
      const connection = connections.get(androidId);
      if (connection) write(connection, MCS_TAG.dataMessageStanza, pending.stanza, pending);
      else queueOf(androidId).push(pending);
      return persistentId;
    },
    connectedDevices: () => [...connections.keys()],
    async close() {
      for (const connection of connections.values()) connection.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
