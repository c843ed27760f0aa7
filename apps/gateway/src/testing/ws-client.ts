import { WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  parseServerFrame,
  type ChatAckFrame,
  type ChatActionFrame,
  type ClientFrame,
  type ConversationEvent,
  type ErrorFrame,
  type HelloFrame,
  type Message,
  type ServerFrame,
  type UserPresence,
} from '@parley/protocol';

export interface TestSocket {
  ws: WebSocket;
  /** Every parsed frame received so far, in order. */
  frames: ServerFrame[];
  /** Payload bytes of every message received so far (UTF-8, as on the wire). */
  readonly receivedBytes: number;
  send(frame: ClientFrame | string): void;
  /** Resolves with the first frame (already received or future) matching `predicate`. */
  next<T extends ServerFrame['type']>(
    type: T,
    predicate?: (frame: Extract<ServerFrame, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  /**
   * Resolves with the first status (already received or future, in frames from index `after`
   * on) matching `predicate`, from a `presence` frame or an entry of a `presence_batch`: which
   * of the two carries a change depends on what else changed at about the same time (§6.9).
   */
  nextPresence(predicate: (presence: UserPresence) => boolean, options?: { after?: number; timeoutMs?: number }): Promise<UserPresence>;
  /** Resolves with the first frame (already received or future) for which `predicate` holds. */
  nextWhere(predicate: (frame: ServerFrame) => boolean, what: string, timeoutMs?: number): Promise<ServerFrame>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Every status carried by these frames, `presence` and `presence_batch` alike, in order. */
export function presenceIn(frames: readonly ServerFrame[]): UserPresence[] {
  return frames.flatMap((f) =>
    f.type === 'presence' ? [{ userId: f.userId, status: f.status, lastSeenAt: f.lastSeenAt }] : f.type === 'presence_batch' ? f.users : [],
  );
}

/** The socket's address in calls (hello_ok's connectionId). */
export function connectionIdOf(socket: TestSocket): string {
  const hello = socket.frames.find((f) => f.type === 'hello_ok');
  if (hello?.type !== 'hello_ok') throw new Error('no hello_ok');
  return hello.connectionId;
}

/** A raw protocol client for tests: no SDK logic, so the gateway's own behaviour is what's tested. */
export function openSocket(url: string, options: { cookie?: string; origin?: string } = {}): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  const ws = new WebSocket(url, { headers, origin: options.origin });
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  let receivedBytes = 0;
  ws.on('message', (data: Buffer) => {
    receivedBytes += data.length;
    const parsed = parseServerFrame(data.toString('utf8'));
    if (!parsed.ok) throw new Error(`server sent an invalid frame: ${data.toString('utf8')}`);
    frames.push(parsed.frame);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

  const socket: TestSocket = {
    ws,
    frames,
    get receivedBytes() {
      return receivedBytes;
    },
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => ws.close(),
    next(type, predicate, timeoutMs = 10_000) {
      type F = Extract<ServerFrame, { type: typeof type }>;
      return socket.nextWhere((f) => f.type === type && (!predicate || predicate(f as F)), type, timeoutMs) as Promise<F>;
    },
    async nextPresence(predicate, { after = 0, timeoutMs = 10_000 } = {}) {
      const statuses = (f: ServerFrame) => presenceIn([f]);
      const frame = await socket.nextWhere((f) => frames.indexOf(f) >= after && statuses(f).some(predicate), 'presence', timeoutMs);
      return statuses(frame).find(predicate) as UserPresence;
    },
    nextWhere(predicate, what, timeoutMs = 10_000) {
      const find = () => frames.find(predicate);
      return new Promise<ServerFrame>((resolve, reject) => {
        const found = find();
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; got ${frames.map((f) => f.type).join(',')}`));
        }, timeoutMs);
        const check = () => {
          const hit = find();
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        waiters.add(check);
      });
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Opens a socket and completes the hello handshake (`presence: 'watch'` for a watching socket). */
export async function openReadySocket(url: string, options: { cookie?: string; origin?: string; presence?: HelloFrame['presence'] } = {}): Promise<TestSocket> {
  const socket = await openSocket(url, options);
  socket.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'gateway-test', ...(options.presence ? { presence: options.presence } : {}) });
  await socket.next('hello_ok');
  return socket;
}

/** The message a `chat_ack` for a `chat_send` carries (its event is `message_created`). */
export function ackedMessage(ack: ChatAckFrame): Message {
  if (ack.event?.kind !== 'message_created') throw new Error(`ack ${ack.clientId} carries no new message`);
  return ack.event.message;
}

/** Resolves with the first message (received or future) that arrived live in a `chat_event`. */
export async function nextMessage(socket: TestSocket, predicate: (message: Message) => boolean = () => true, timeoutMs?: number): Promise<Message> {
  const frame = await socket.next('chat_event', (f) => f.event.kind === 'message_created' && predicate(f.event.message), timeoutMs);
  if (frame.event.kind !== 'message_created') throw new Error('unreachable');
  return frame.event.message;
}

/** Every message received live so far, in arrival order. */
export function liveMessages(socket: TestSocket): Message[] {
  return socket.frames.flatMap((f) => (f.type === 'chat_event' && f.event.kind === 'message_created' ? [f.event.message] : []));
}

/** An action frame, its clientId made up unless given. */
export type ActionFrame = ChatActionFrame extends infer F ? (F extends ChatActionFrame ? Omit<F, 'clientId'> & { clientId?: string } : never) : never;

let actionCounter = 0;
export const newClientId = (prefix = 'act') => `${prefix}-${process.pid}-${Date.now()}-${actionCounter++}`;

/** Sends one action and resolves with its ack or its error (whichever answers this clientId first). */
export async function act(socket: TestSocket, frame: ActionFrame, timeoutMs?: number): Promise<ChatAckFrame | ErrorFrame> {
  const clientId = frame.clientId ?? newClientId();
  const seen = socket.frames.length;
  socket.send({ ...frame, clientId } as ClientFrame);
  return Promise.race([
    socket.next('chat_ack', (f) => f.clientId === clientId && socket.frames.indexOf(f) >= seen, timeoutMs),
    socket.next('error', (f) => f.ref === clientId && socket.frames.indexOf(f) >= seen, timeoutMs),
  ]);
}

/** Every event after `afterSeq`, paging with chat_sync as a client does; and where the log ends. */
export async function syncLog(
  socket: TestSocket,
  conversationId: string,
  afterSeq = 0,
  limit = 50,
): Promise<{ events: ConversationEvent[]; throughSeq: number }> {
  const events: ConversationEvent[] = [];
  let after = afterSeq;
  for (;;) {
    const seen = socket.frames.length;
    socket.send({ type: 'chat_sync', conversationId, afterSeq: after, limit });
    const page = await socket.next('chat_sync_result', (f) => f.conversationId === conversationId && f.afterSeq === after && socket.frames.indexOf(f) >= seen);
    events.push(...page.events);
    after = page.throughSeq;
    if (!page.hasMore) return { events, throughSeq: after };
  }
}

/** The events of one conversation this socket received live (chat_event and acks), one per seq, in seq order. */
export function liveLog(socket: TestSocket, conversationId: string): ConversationEvent[] {
  const bySeq = new Map<number, ConversationEvent>();
  for (const f of socket.frames) {
    const event = f.type === 'chat_event' ? f.event : f.type === 'chat_ack' ? f.event : undefined;
    if (event?.conversationId === conversationId && !bySeq.has(event.seq)) bySeq.set(event.seq, event);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
