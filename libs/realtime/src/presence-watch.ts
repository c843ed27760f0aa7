import type { PresenceBatchFrame, PresenceFrame, ServerFrame } from '@parley/protocol';

/**
 * A socket's presence audience (PROTOCOL.md §5.16): `null` hears every contact (the default);
 * a set hears only those users (`presence_watch`). Contact presence reaches a user's sockets on
 * the user topic, computed by the announcer; a watching socket keeps only what it watches. The
 * announcer decided who may see a status, so a watch narrows what a socket hears, never widens it.
 */
export type PresenceWatch = ReadonlySet<string> | null;

type ContactPresence = PresenceFrame | PresenceBatchFrame;

/** Cheap test on the encoded form (frames are encoded with `type` first): parse only these. */
const PRESENCE_PREFIX = '{"type":"presence';

/** The presence frame an encoded payload holds, or undefined for any other frame. */
export function presenceOf(payload: string): ContactPresence | undefined {
  if (!payload.startsWith(PRESENCE_PREFIX)) return undefined;
  const frame = JSON.parse(payload) as ServerFrame;
  return frame.type === 'presence' || frame.type === 'presence_batch' ? frame : undefined;
}

/** What a watching socket hears of `frame`: the frame itself, a smaller batch, or nothing. */
export function watchedPart(frame: ContactPresence, watch: ReadonlySet<string>): ContactPresence | undefined {
  if (frame.type === 'presence') return watch.has(frame.userId) ? frame : undefined;
  const users = frame.users.filter((u) => watch.has(u.userId));
  if (users.length === frame.users.length) return frame;
  const [only] = users;
  if (users.length === 1 && only) return { type: 'presence', ...only }; // a batch has at least two
  return users.length === 0 ? undefined : { type: 'presence_batch', users };
}
