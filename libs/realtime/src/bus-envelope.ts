import { randomBytes } from 'node:crypto';

/**
 * Everything a hub publishes on the bus is `<origin>\n<payload>`: the publishing hub's id, then
 * the encoded frame or control message, untouched. A hub delivers its own publishes to its own
 * sockets directly (so local delivery never depends on the bus) and skips them when the bus
 * hands them back; other hubs strip the origin once per message and send the very same payload
 * string to every local socket.
 *
 * Hub ids are hex, so they never contain the newline; payloads are JSON and may contain anything.
 */
const SEPARATOR = '\n';

/** 64 random bits: two hubs sharing an id would silently drop each other's frames. */
export function newHubId(): string {
  return randomBytes(8).toString('hex');
}

export function wrapPayload(origin: string, payload: string): string {
  return origin + SEPARATOR + payload;
}

/** Undefined for a message that is not an envelope (a foreign or older publisher: dropped). */
export function unwrapPayload(message: string): { origin: string; payload: string } | undefined {
  const at = message.indexOf(SEPARATOR);
  if (at <= 0) return undefined;
  return { origin: message.slice(0, at), payload: message.slice(at + 1) };
}
