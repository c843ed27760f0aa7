import { randomBytes } from 'node:crypto';
import type { ChatSyncResultFrame, Message, ServerFrame } from '@parley/protocol';
import { ackedMessage, type TestSocket } from './ws-client.ts';

/** How one chat_send was answered, as a client following PROTOCOL.md sees it. */
export type SendOutcome =
  | { clientId: string; sentAt: number; answeredAt: number; kind: 'ack'; message: Message; duplicate: boolean }
  | { clientId: string; sentAt: number; answeredAt: number; kind: 'error'; code: string; retryable: boolean };

export const newClientId = () => `load_${randomBytes(8).toString('hex')}`;

/** Sends one message and resolves with its answer (ack or error), whatever came before. */
export async function sendMessage(
  socket: TestSocket,
  conversationId: string,
  clientId = newClientId(),
  timeoutMs = 10_000,
): Promise<SendOutcome> {
  const from = socket.frames.length; // a retried clientId may have an older answer
  const sentAt = Date.now();
  socket.send({ type: 'chat_send', clientId, conversationId, body: `message ${clientId}` });
  const answer = await socket.nextWhere(
    (f) => socket.frames.indexOf(f) >= from && ((f.type === 'chat_ack' && f.clientId === clientId) || (f.type === 'error' && f.ref === clientId)),
    `the answer to ${clientId}`,
    timeoutMs,
  );
  const answeredAt = Date.now();
  if (answer.type === 'chat_ack') return { clientId, sentAt, answeredAt, kind: 'ack', message: ackedMessage(answer), duplicate: answer.duplicate };
  if (answer.type === 'error') return { clientId, sentAt, answeredAt, kind: 'error', code: answer.code, retryable: answer.retryable };
  throw new Error(`unexpected answer ${answer.type}`);
}

export interface ChatLoad {
  readonly outcomes: readonly SendOutcome[];
  /** The answers to one socket's sends (a retry must go out on the same user's socket). */
  outcomesOf(socket: TestSocket): SendOutcome[];
  acks(): number;
  errors(): Array<Extract<SendOutcome, { kind: 'error' }>>;
  /** Stops sending and resolves once every send made has been answered. */
  stop(): Promise<SendOutcome[]>;
}

/**
 * Each socket sends one message every `intervalMs` (under the 10/s send limit) into the
 * conversation, without waiting for answers, until stop(); every answer is recorded.
 */
export function startChatLoad(sockets: readonly TestSocket[], conversationId: string, intervalMs = 120): ChatLoad {
  const outcomes: SendOutcome[] = [];
  const bySocket = new Map<TestSocket, SendOutcome[]>(sockets.map((socket) => [socket, []]));
  const pending: Array<Promise<void>> = [];
  const timer = setInterval(() => {
    for (const socket of sockets) {
      const clientId = newClientId();
      const sentAt = Date.now();
      const answered = sendMessage(socket, conversationId, clientId).catch(
        // Never answered: recorded (and asserted on) rather than left as a stray rejection.
        (): SendOutcome => ({ clientId, sentAt, answeredAt: Number.NaN, kind: 'error', code: 'no_answer', retryable: false }),
      );
      pending.push(
        answered.then((o) => {
          outcomes.push(o);
          bySocket.get(socket)?.push(o);
        }),
      );
    }
  }, intervalMs);
  return {
    outcomes,
    outcomesOf: (socket) => bySocket.get(socket) ?? [],
    acks: () => outcomes.filter((o) => o.kind === 'ack').length,
    errors: () => outcomes.filter((o): o is Extract<SendOutcome, { kind: 'error' }> => o.kind === 'error'),
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      return outcomes;
    },
  };
}

/** Every message of the conversation (its message_created events), paged with chat_sync from seq 0, as a resuming client would. */
export async function syncAll(socket: TestSocket, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  let afterSeq = 0;
  for (;;) {
    const from = socket.frames.length;
    socket.send({ type: 'chat_sync', conversationId, afterSeq, limit: 200 });
    const page = (await socket.nextWhere(
      (f: ServerFrame) => socket.frames.indexOf(f) >= from && f.type === 'chat_sync_result' && f.conversationId === conversationId && f.afterSeq === afterSeq,
      `chat_sync_result after ${afterSeq}`,
    )) as ChatSyncResultFrame;
    for (const event of page.events) if (event.kind === 'message_created') all.push(event.message);
    if (!page.hasMore) return all;
    afterSeq = page.throughSeq;
  }
}
