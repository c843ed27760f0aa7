import { AppError, isAppError, type ClientFrame, type PresenceWatchFrame } from '@parley/protocol';
import { contactsAmong } from '@parley/db';
import { statusesOfContacts } from '../../presence.ts';
import { createSerialLane } from '../serial-lane.ts';
import type { FrameHandlers, SocketSession } from '../socket-session.ts';
import type { SocketTyping } from './typing.ts';

type PresenceFrame = Extract<ClientFrame, { type: 'presence_set' | 'presence_watch' | 'typing' }>;

/** This socket's activity (presence), whose presence it hears, and typing indicators. */
export function createPresenceHandlers(session: SocketSession, typing: SocketTyping): FrameHandlers<PresenceFrame> {
  // Each watch is answered by its snapshot in the order they came: a late answer to an older
  // watch would otherwise replace the client's map with the wrong people.
  const watches = createSerialLane();
  return {
    presence_set: (frame) => {
      session.deps.activeViews.report({ connectionId: session.socketId, userId: session.user.id, state: frame.state, viewing: frame.viewing });
      return session.deps.presence.setState(session.socketId, frame.state);
    },
    presence_watch: (frame) => watches.run(() => watch(session, frame)),
    typing: (frame) => typing.onFrame(frame),
  };
}

/**
 * PROTOCOL.md §5.16. The watch is set first, then the statuses are read: a change from then on
 * reaches the socket as `presence`, an earlier one is in the snapshot. Only contacts are in
 * the snapshot, and the hub only ever hands a socket its contacts' presence (the announcer
 * decides that), so naming a stranger reveals nothing.
 */
async function watch(session: SocketSession, frame: PresenceWatchFrame): Promise<void> {
  const { db, hub, presence } = session.deps;
  const userIds = frame.userIds.filter((id) => id !== session.user.id);
  hub.setPresenceWatch(session.socketId, new Set(userIds));
  const contacts = await contactsAmong(db, session.user.id, userIds);
  try {
    const users = await statusesOfContacts(db, presence, contacts);
    session.send({ type: 'presence_snapshot', users });
  } catch (error) {
    if (isAppError(error)) throw error;
    // The presence store (Redis) is away: the watch holds; the client asks again later.
    session.log.warn({ err: error }, 'presence watch snapshot failed');
    throw new AppError('unavailable', 'Presence is unavailable right now; send presence_watch again later');
  }
}
