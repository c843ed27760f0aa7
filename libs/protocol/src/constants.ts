/** Bumped on any incompatible change to a frame; checked in `hello`. */
export const PROTOCOL_VERSION = 2;

/**
 * Largest text frame a client may send, in bytes (UTF-8); larger ones close with 1009. Server
 * frames are not capped (a sync page of long messages can exceed it); clients must accept them.
 */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Longest message body, in UTF-16 code units as JavaScript counts `string.length`. */
export const MAX_MESSAGE_CHARS = 4000;

/** Most events one `chat_sync_result` carries; the client asks again while `hasMore`. */
export const MAX_SYNC_PAGE = 200;

/** A socket that has not sent a valid `hello` by then is closed with `hello_timeout`. */
export const HELLO_TIMEOUT_MS = 10_000;

/**
 * The server sends a WebSocket ping at this interval and terminates a socket that sent nothing
 * (no pong, no frame) for a whole interval. Clients may also send `ping` frames to measure RTT.
 */
export const HEARTBEAT_INTERVAL_MS = 25_000;

/** While typing, a client re-sends `typing {active:true}` at most this often. */
export const TYPING_REFRESH_MS = 3000;

/** A typing indicator disappears by itself this long after its last refresh. */
export const TYPING_TTL_MS = 6000;

/** The server forwards at most one typing frame per conversation per connection this often. */
export const TYPING_MIN_INTERVAL_MS = 1000;

/** A tab with no input for this long (or hidden) reports itself `idle`. */
export const IDLE_AFTER_MS = 3 * 60_000;

/** Most users one `presence_watch` names; a longer list is refused with `bad_frame`. */
export const MAX_PRESENCE_WATCH = 500;

/** A user whose last connection went away is shown offline only after this grace (reloads don't flicker). */
export const PRESENCE_GRACE_MS = 8000;

/** Distinct emoji on one message; one more is refused with `limit_exceeded`. */
export const MAX_DISTINCT_REACTIONS = 20;

/** Reactions one user may put on one message. */
export const MAX_REACTIONS_PER_USER = 10;
