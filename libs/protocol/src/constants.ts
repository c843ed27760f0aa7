/** Bumped on any incompatible change to a frame; checked in `hello`. */
export const PROTOCOL_VERSION = 1;

/** Largest text frame either side accepts, in bytes (UTF-8). Larger frames close with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Longest message body, in UTF-16 code units as JavaScript counts `string.length`. */
export const MAX_MESSAGE_CHARS = 4000;

/** Most messages one `chat_sync_result` carries; the client asks again while `hasMore`. */
export const MAX_SYNC_PAGE = 200;

/** A socket that has not sent a valid `hello` by then is closed with `hello_timeout`. */
export const HELLO_TIMEOUT_MS = 10_000;

/** The client sends `ping` at this interval; the server closes sockets silent for 3 intervals. */
export const HEARTBEAT_INTERVAL_MS = 25_000;
