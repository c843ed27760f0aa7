import type { ClientFrame } from '@parley/protocol';
import type { FrameHandlers, SocketSession } from '../socket-session.ts';
import { createSerialLane } from '../serial-lane.ts';

type CallFrame = Extract<ClientFrame, { type: `call_${string}` }>;

/**
 * Call frames of this device run in the order sent: an offer must reach the peer before its
 * candidates. Once the socket closed, queued invites, accepts and signals are dropped (they
 * would ring people or take a seat for a device that is gone); declines and hang-ups still run.
 */
export function createCallHandlers(session: SocketSession): FrameHandlers<CallFrame> {
  const { calls } = session.deps;
  const lane = createSerialLane();
  const actor = { user: session.user, connectionId: session.socketId };
  const unlessClosed = (task: () => Promise<void>) => lane.run(() => (session.isClosed() ? undefined : task()));
  return {
    call_invite: (frame) => unlessClosed(() => calls.invite(actor, frame)),
    call_accept: (frame) => unlessClosed(() => calls.accept(actor, frame)),
    call_decline: (frame) => lane.run(() => calls.decline(actor, frame)),
    call_hangup: (frame) => lane.run(() => calls.hangup(actor, frame)),
    call_signal: (frame) => unlessClosed(() => calls.signal(actor, frame)),
  };
}
