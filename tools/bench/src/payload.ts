// A chat payload: `B|<sender>|<n>|<due µs>|<padding>`. Plain ASCII with nothing JSON escapes
// and no `@` (Parley looks for mentions), so every codec can splice it into a frame as is and
// cut it out again without parsing. `due` is when the message was due to be sent, in whole
// microseconds of this process' performance.now(): the receiver measures from it.

const MARK = 'B|';

export function encodePayload(sender: number, n: number, dueMicros: number, padding: string): string {
  return `${MARK}${sender}|${n}|${dueMicros}|${padding}`;
}

/** Filled by decodePayload (one object, reused: this runs once per delivery). */
export interface DecodedPayload {
  sender: number;
  n: number;
  dueMicros: number;
}

export function decodePayload(payload: string, into: DecodedPayload): boolean {
  if (!payload.startsWith(MARK)) return false;
  const a = payload.indexOf('|', 2);
  const b = payload.indexOf('|', a + 1);
  const c = payload.indexOf('|', b + 1);
  if (a < 0 || b < 0 || c < 0) return false;
  into.sender = Number(payload.slice(2, a));
  into.n = Number(payload.slice(a + 1, b));
  into.dueMicros = Number(payload.slice(b + 1, c));
  return Number.isInteger(into.sender) && Number.isInteger(into.n) && Number.isFinite(into.dueMicros);
}

/** A Parley clientId that carries the sender, its counter and the due time: `bench_<s>_<n>_<µs>`. */
export const clientIdOf = (sender: number, n: number, dueMicros: number) => `bench_${sender}_${n}_${dueMicros}`;

/** The due time a clientId carries, in µs, or NaN. */
export function dueOfClientId(clientId: string): number {
  return clientId.startsWith('bench_') ? Number(clientId.slice(clientId.lastIndexOf('_') + 1)) : Number.NaN;
}
