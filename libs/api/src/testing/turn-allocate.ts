// A one-shot TURN Allocate over UDP (RFC 5766 with RFC 5389 long-term credentials), test-only.
// werift's TURN client drops a 401 that fails MESSAGE-INTEGRITY (a wrong key always does) and
// then retries for ~6 s, so it cannot tell "refused" from "lost"; this reports the server's code.
import { createSocket } from 'node:dgram';
import { Message, classes, makeIntegrityKey, methods, parseMessage } from 'werift';

const RESPONSE_TIMEOUT_MS = 1_000;
/** REQUESTED-TRANSPORT: protocol 17 (UDP) in the top byte. */
const UDP_TRANSPORT = 0x11000000;

export type AllocateResult =
  | { ok: true; relayed: readonly [string, number] }
  | { ok: false; errorCode: number; reason: string };

export interface AllocateInput {
  host: string;
  port: number;
  username: string;
  password: string;
}

export async function tryAllocate({ host, port, username, password }: AllocateInput): Promise<AllocateResult> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const transact = (request: Message): Promise<Message> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TURN response in ${RESPONSE_TIMEOUT_MS} ms`)), RESPONSE_TIMEOUT_MS);
      const onMessage = (data: Buffer) => {
        const message = parseMessage(data);
        if (!message || !message.transactionId.equals(request.transactionId)) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(message);
      };
      socket.on('message', onMessage);
      socket.send(request.bytes, port, host);
    });
  const outcome = (message: Message): AllocateResult => {
    if (message.messageClass === classes.RESPONSE) {
      return { ok: true, relayed: message.getAttributeValue('XOR-RELAYED-ADDRESS') as [string, number] };
    }
    const [errorCode, reason] = message.getAttributeValue('ERROR-CODE') as [number, string];
    return { ok: false, errorCode, reason };
  };
  try {
    // First request carries no credentials; the server answers 401 with its REALM and NONCE.
    const challenge = await transact(
      new Message(methods.ALLOCATE, classes.REQUEST).setAttribute('REQUESTED-TRANSPORT', UDP_TRANSPORT),
    );
    const first = outcome(challenge);
    if (first.ok || first.errorCode !== 401) return first;
    const realm = challenge.getAttributeValue('REALM') as string;
    const nonce: unknown = challenge.getAttributeValue('NONCE');
    const signed = new Message(methods.ALLOCATE, classes.REQUEST)
      .setAttribute('REQUESTED-TRANSPORT', UDP_TRANSPORT)
      .setAttribute('USERNAME', username)
      .setAttribute('REALM', realm)
      .setAttribute('NONCE', nonce)
      .addMessageIntegrity(makeIntegrityKey(username, realm, password));
    return outcome(await transact(signed));
  } finally {
    socket.close();
  }
}
