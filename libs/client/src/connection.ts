import {
  CLOSE_CODES,
  HELLO_TIMEOUT_MS,
  PROTOCOL_VERSION,
  closeReasonOf,
  encodeFrame,
  parseServerFrame,
  shouldReconnect,
} from '@parley/protocol';
import type { ClientFrame, ErrorFrame, HelloOkFrame, PublicUser, ServerFrame } from '@parley/protocol';
import type { Clock, TimerHandle } from './clock.ts';
import { connectivityOf, type Connectivity, type ConnectivityChange } from './connectivity.ts';
import { ParleyClientError, type LooseErrorFrame } from './errors.ts';
import { Heartbeat, LIVENESS_TIMEOUT_MS } from './heartbeat.ts';
import type { ReconnectPolicy } from './reconnect-policy.ts';
import { salvageFrame } from './salvage.ts';
import { SOCKET_OPEN, type WebSocketConstructorLike, type WebSocketLike } from './socket.ts';

export type ClientStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StatusInfo {
  code?: number;
  reason?: string;
}

export interface ClosedInfo {
  code: number;
  reason: string;
  willReconnect: boolean;
  /** Set when the client stopped for good for a reason other than `close()`. */
  error?: ParleyClientError;
}

export interface ConnectionOptions {
  url: string;
  WebSocket: WebSocketConstructorLike;
  webSocketOptions?: unknown;
  clientName?: string;
  reconnect: ReconnectPolicy;
  /** Overrides the interval the server announces in hello_ok. */
  heartbeatIntervalMs?: number;
  /** From socket creation to hello_ok. */
  connectTimeoutMs?: number;
  /** An unanswered ping declares the socket dead after this long. */
  livenessTimeoutMs?: number;
  /** What the device says about its network at start (`navigator.onLine`). */
  networkOnline?: boolean;
  /** The user this client acts for; unset: the user of the first hello_ok. */
  userId?: string;
  /** hello's `presence` for the next socket (PROTOCOL.md §5.16); unset: the server's default. */
  presenceMode?: () => 'contacts' | 'watch';
  clock: Clock;
}

/** Every server frame the connection passes on; an `error` may carry a code this SDK does not know. */
export type InboundFrame = Exclude<ServerFrame, { type: 'hello_ok' | 'pong' } | ErrorFrame> | LooseErrorFrame;

export interface ConnectionHandlers {
  status(status: ClientStatus, info: StatusInfo): void;
  ready(frame: HelloOkFrame): void;
  /** Every parsed server frame except hello_ok and pong, which the connection consumes. */
  frame(frame: InboundFrame): void;
  connectivity(change: ConnectivityChange): void;
  /** True while a large answer may delay a pong (see Heartbeat). */
  expectingBulk(): boolean;
  error(error: ParleyClientError): void;
  /** The socket is gone (before `closed`): in-flight requests will not be answered. */
  disconnected(): void;
  closed(info: ClosedInfo): void;
}

const NOOP = (): void => undefined;

/** One logical connection: opens sockets, says hello, keeps them alive, reconnects with backoff. */
export class Connection {
  private current: ClientStatus = 'idle';
  private socket?: WebSocketLike;
  private stopped = true;
  private attempt = 0;
  private currentUser: PublicUser | null = null;
  /** retryAfterMs of an `error` that came before hello_ok, used if the socket then closes 1013. */
  private retryHintMs: number | undefined;
  private reconnectTimer?: TimerHandle;
  private readonly heartbeat: Heartbeat;
  private networkOnline: boolean;
  private shown: Connectivity = 'stopped';

  constructor(
    private readonly options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.networkOnline = options.networkOnline ?? true;
    this.heartbeat = new Heartbeat({
      clock: options.clock,
      ping: (nonce) => this.send({ type: 'ping', nonce }),
      onDead: () => {
        const { code } = CLOSE_CODES.heartbeat_timeout;
        this.dropSocket(code, 'heartbeat_timeout');
        this.lost(code, 'heartbeat_timeout');
      },
      expectingBulk: () => handlers.expectingBulk(),
    });
  }

  get connectivity(): Connectivity {
    return this.shown;
  }

  get status(): ClientStatus {
    return this.current;
  }

  get user(): PublicUser | null {
    return this.currentUser;
  }

  isReady(): boolean {
    return this.current === 'open';
  }

  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.openSocket('connecting');
  }

  /** Skip the remaining backoff (e.g. on the browser's `online` event). */
  reconnectNow(): void {
    if (this.stopped || this.reconnectTimer === undefined) return;
    this.options.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.openSocket('reconnecting');
  }

  /**
   * Something suggests the socket may have died without a close event (the network changed, an
   * action got no answer, the page woke up): ping it now; no pong within the liveness timeout
   * drops it and reconnects.
   */
  probe(): void {
    if (this.current === 'open') this.heartbeat.probe();
  }

  /** The device's view of its network (the browser's online/offline events). */
  networkChanged(online: boolean): void {
    this.networkOnline = online;
    this.updateConnectivity();
    if (this.current === 'open') {
      // Offline: prove it (the socket may still work, e.g. on localhost). Online: the route may
      // have changed under the socket (Wi-Fi to cellular), which kills it silently.
      this.heartbeat.probe();
    } else if (online) {
      this.reconnectNow();
    }
  }

  close(): void {
    const hadSocket = this.socket !== undefined;
    this.stopped = true;
    this.clearTimers();
    this.dropSocket(CLOSE_CODES.normal.code, 'client closed');
    if (hadSocket) this.handlers.disconnected();
    if (this.current === 'closed') return;
    const info = { code: CLOSE_CODES.normal.code, reason: 'client closed' };
    this.setStatus('closed', info);
    this.handlers.closed({ ...info, willReconnect: false });
  }

  /** Sends a frame if the socket is open; returns whether it went out. */
  send(frame: ClientFrame): boolean {
    if (!this.socket || this.socket.readyState !== SOCKET_OPEN) return false;
    this.socket.send(encodeFrame(frame));
    return true;
  }

  private openSocket(status: 'connecting' | 'reconnecting'): void {
    this.reconnectTimer = undefined;
    this.setStatus(status, {});
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.options.url, this.options.webSocketOptions as never);
    } catch (error) {
      // Only a malformed URL throws here: retrying cannot help, so stop and surface it.
      this.stopped = true;
      this.setStatus('closed', {});
      throw error;
    }
    this.socket = socket;
    this.heartbeat.touch();
    // Until hello_ok the same watchdog bounds the whole handshake.
    this.heartbeat.watch(this.options.connectTimeoutMs ?? HELLO_TIMEOUT_MS);
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.heartbeat.touch();
      const presence = this.options.presenceMode?.();
      this.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: this.options.clientName, ...(presence === 'watch' ? { presence } : {}) });
    };
    socket.onmessage = (event) => {
      if (socket === this.socket) this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.socket = undefined;
      this.lost(event.code, event.reason);
    };
    // An error is always followed by close, which carries the code we act on.
    socket.onerror = NOOP;
  }

  private receive(data: unknown): void {
    this.heartbeat.touch();
    if (typeof data !== 'string') {
      this.handlers.error(new ParleyClientError('protocol', 'Binary frame from server ignored'));
      return;
    }
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      // A newer server's frame: keep what settles an action or a sync, report the rest (§14).
      const salvaged = salvageFrame(data);
      if (salvaged) this.handlers.frame(salvaged);
      else {
        this.handlers.error(
          new ParleyClientError('protocol', `Unparseable server frame: ${parsed.error.message}`, {
            code: parsed.error.code,
          }),
        );
      }
      return;
    }
    const frame = parsed.frame;
    // A node refusing new sockets says when to come back (then closes 1013, PROTOCOL.md §3).
    if (frame.type === 'error' && frame.ref === undefined && typeof frame.retryAfterMs === 'number' && this.current !== 'open') {
      this.retryHintMs = frame.retryAfterMs;
    }
    if (frame.type === 'hello_ok') this.helloOk(frame);
    else if (frame.type === 'pong') this.pong(frame.nonce);
    else this.handlers.frame(frame);
  }

  private pong(nonce: string | undefined): void {
    if (!this.heartbeat.pong(nonce) || this.networkOnline) return;
    // The device said offline, but this socket just made a round trip: it is wrong.
    this.networkOnline = true;
    this.updateConnectivity();
  }

  private helloOk(frame: HelloOkFrame): void {
    const bound = this.options.userId ?? this.currentUser?.id;
    if (bound !== undefined && frame.user.id !== bound) {
      // The cookie now names someone else (a sign-in as another user in another tab). Nothing
      // queued for the old user may go out as the new one: stop before `ready` flushes it.
      this.stopped = true;
      this.clearTimers();
      this.dropSocket(CLOSE_CODES.normal.code, 'user changed');
      this.handlers.disconnected();
      const error = new ParleyClientError('user_changed', `This connection now belongs to @${frame.user.handle}, not the user this client acts for`);
      this.finish(CLOSE_CODES.normal.code, 'user_changed', error);
      return;
    }
    this.attempt = 0;
    this.currentUser = frame.user;
    const intervalMs = this.options.heartbeatIntervalMs ?? frame.heartbeatIntervalMs;
    this.heartbeat.start(intervalMs, this.options.livenessTimeoutMs ?? LIVENESS_TIMEOUT_MS);
    // A working connection proves the network, whatever the device said.
    this.networkOnline = true;
    // Flip the state first but announce 'open' last: queued sends and resume syncs go out in
    // `ready`, before any status listener can add a send that would overtake them.
    this.current = 'open';
    this.handlers.ready(frame);
    if (this.current === 'open') {
      this.handlers.status('open', {});
      this.updateConnectivity();
    }
  }

  private lost(code: number, reason: string): void {
    this.clearTimers();
    this.handlers.disconnected();
    if (this.stopped) return;
    if (!shouldReconnect(code)) {
      this.stopped = true;
      this.finish(code, reason, fatalError(code, reason));
      return;
    }
    const policyDelayMs = this.options.reconnect.nextDelayMs(this.attempt);
    // Not sooner than the server asked (its hints are spread, so a storm does not come back at once).
    const hintMs = code === CLOSE_CODES.try_again_later.code ? this.retryHintMs : undefined;
    this.retryHintMs = undefined;
    const delayMs = policyDelayMs === null ? null : Math.max(policyDelayMs, hintMs ?? 0);
    if (delayMs === null) {
      this.stopped = true;
      this.finish(code, reason, new ParleyClientError('gave_up', `Gave up after ${this.attempt} reconnect attempts`));
      return;
    }
    this.attempt += 1;
    this.handlers.closed({ code, reason, willReconnect: true });
    this.setStatus('reconnecting', { code, reason });
    this.reconnectTimer = this.options.clock.setTimeout(() => this.openSocket('reconnecting'), delayMs);
  }

  private finish(code: number, reason: string, error: ParleyClientError | undefined): void {
    this.handlers.closed({ code, reason, willReconnect: false, ...(error ? { error } : {}) });
    this.setStatus('closed', { code, reason });
  }

  /** Detaches and closes the current socket; its late events must not reach us. */
  private dropSocket(code: number, reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    // No-ops rather than null: `ws` throws on an 'error' event that has no listener.
    socket.onopen = NOOP;
    socket.onmessage = NOOP;
    socket.onclose = NOOP;
    socket.onerror = NOOP;
    try {
      socket.close(code, reason);
    } catch {
      // Already closing or closed: nothing left to release.
    }
  }

  private clearTimers(): void {
    this.heartbeat.stop();
    if (this.reconnectTimer !== undefined) this.options.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private setStatus(status: ClientStatus, info: StatusInfo): void {
    if (status === this.current) return;
    this.current = status;
    this.handlers.status(status, info);
    this.updateConnectivity();
  }

  private updateConnectivity(): void {
    const state = connectivityOf(this.current, this.networkOnline);
    if (state === this.shown) return;
    const previous = this.shown;
    this.shown = state;
    this.handlers.connectivity({ state, previous });
  }
}

function fatalError(code: number, reason: string): ParleyClientError | undefined {
  const closeReason = closeReasonOf(code);
  if (closeReason === 'normal') return undefined;
  if (closeReason === 'unauthorized' || closeReason === 'version_unsupported') {
    return new ParleyClientError(closeReason, reason || closeReason, { code: closeReason });
  }
  return new ParleyClientError('protocol', reason || `Server closed with ${code}`);
}
