import type { ClientFrame } from '@parley/protocol';
import type { FrameHandlers, SocketSession } from '../socket-session.ts';
import type { SocketTyping } from './typing.ts';

type PresenceFrame = Extract<ClientFrame, { type: 'presence_set' | 'typing' }>;

/** This socket's activity (presence) and typing indicators. */
export function createPresenceHandlers(session: SocketSession, typing: SocketTyping): FrameHandlers<PresenceFrame> {
  return {
    presence_set: (frame) => {
      session.deps.activeViews.report({ connectionId: session.socketId, userId: session.user.id, state: frame.state, viewing: frame.viewing });
      return session.deps.presence.setState(session.socketId, frame.state);
    },
    typing: (frame) => typing.onFrame(frame),
  };
}
