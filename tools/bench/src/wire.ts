// What each target's protocol looks like on the wire, spoken directly over raw `ws` sockets:
// no SDK in the load generator (it shares the CPU with the servers), no JSON parsing or zod on
// the hot path. A frame is recognized by its prefix, and a delivered payload is cut out of it.

/** Receives what a codec found in one incoming frame. */
export interface FrameSink {
  /** The handshake completed: the socket is live (Parley: hello_ok). */
  ready(): void;
  /** A chat payload from a member of the room (possibly our own echo: the caller filters). */
  payload(payload: string): void;
  /** Parley: the send with this clientId was committed. */
  ack(clientId: string): void;
  /** The server reported a problem (an error frame, a refused connect). */
  error(text: string): void;
  /** The protocol wants an answer (Socket.IO: pong, namespace connect). */
  reply(frame: string): void;
}

export interface Codec {
  /** Ready as soon as the WebSocket opens (raw ws), instead of after a handshake frame. */
  readonly readyOnOpen: boolean;
  /** Sent when the socket opens (Parley: hello). */
  readonly greeting: string | undefined;
  /** The frame that sends `payload` to the room. `clientId` matches [A-Za-z0-9_-]{8,64}. */
  send(payload: string, clientId: string): string;
  read(frame: string, sink: FrameSink): void;
}

/** Raw `ws` relay: the frame is the payload. */
export const wsCodec: Codec = {
  readyOnOpen: true,
  greeting: undefined,
  send: (payload) => payload,
  read: (frame, sink) => sink.payload(frame),
};

/**
 * Socket.IO 4 over Engine.IO 4, WebSocket transport: `0{…}` open → we send `40` (connect to the
 * main namespace) → `40{"sid":…}` ready; `2` ping → `3` pong; `42["m","…"]` an event `m`.
 */
export const socketIoCodec: Codec = {
  readyOnOpen: false,
  greeting: undefined,
  send: (payload) => `42["m","${payload}"]`,
  read(frame, sink) {
    if (frame.startsWith('42["m","')) return sink.payload(frame.slice(8, -2));
    if (frame === '2') return sink.reply('3');
    if (frame.startsWith('40')) return sink.ready();
    if (frame.startsWith('0')) return sink.reply('40');
    if (frame.startsWith('44') || frame.startsWith('41')) return sink.error(`socket.io: ${frame}`);
  },
};

const TYPE_PREFIX = '{"type":"';
const BODY_MARK = '"body":"';
const CLIENT_ID_MARK = '"clientId":"';

/**
 * Parley protocol 2 (PROTOCOL.md): `hello`, then `chat_send` out and `chat_event` / `chat_ack`
 * in. Protocol 1 (builds before the event log, for a before/after) is the same but for its
 * delivery frame, `chat_message`, whose message carries the body the same way.
 */
export function parleyCodec(conversationId: string, protocolVersion: number, options: { watch?: readonly string[] } = {}): Codec {
  const delivery = protocolVersion < 2 ? 'chat_message' : 'chat_event';
  const sendPrefix = `{"type":"chat_send","conversationId":"${conversationId}","clientId":"`;
  // Watching presence (PROTOCOL.md §5.16), as a client that shows a few people would: hello
  // says so, and the watch goes out once hello_ok came (before it, it would be refused).
  const watch = options.watch === undefined ? undefined : JSON.stringify({ type: 'presence_watch', userIds: options.watch });
  return {
    readyOnOpen: false,
    greeting: JSON.stringify({ type: 'hello', protocol: protocolVersion, client: 'parley-bench', ...(watch === undefined ? {} : { presence: 'watch' }) }),
    // Payloads and clientIds are plain ASCII with nothing to escape (see load.ts), so
    // concatenation builds the same text JSON.stringify would.
    send: (payload, clientId) => `${sendPrefix}${clientId}","body":"${payload}"}`,
    read(frame, sink) {
      const type = frameType(frame);
      switch (type === delivery ? 'delivery' : type) {
        case 'delivery': {
          // Only a message's body is ours; system messages and other events carry none of our payloads.
          const at = frame.indexOf(BODY_MARK);
          if (at >= 0) sink.payload(frame.slice(at + BODY_MARK.length, frame.indexOf('"', at + BODY_MARK.length)));
          return;
        }
        case 'chat_ack': {
          const at = frame.indexOf(CLIENT_ID_MARK);
          if (at >= 0) sink.ack(frame.slice(at + CLIENT_ID_MARK.length, frame.indexOf('"', at + CLIENT_ID_MARK.length)));
          return;
        }
        case 'hello_ok':
          if (watch !== undefined) sink.reply(watch);
          return sink.ready();
        case 'error':
          return sink.error(frame);
        default:
          return;
      }
    },
  };
}

/** The `type` of a server frame: by prefix when it comes first (it does), else parsed. */
export function frameType(frame: string): string {
  if (frame.startsWith(TYPE_PREFIX)) return frame.slice(TYPE_PREFIX.length, frame.indexOf('"', TYPE_PREFIX.length));
  try {
    const parsed = JSON.parse(frame) as { type?: unknown };
    return typeof parsed.type === 'string' ? parsed.type : '';
  } catch {
    return '';
  }
}
